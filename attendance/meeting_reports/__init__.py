"""Read online-meeting attendance reports (Zoom participant reports, Teams attendance reports).

Pure Python, no Django: `parse_report` turns the bytes of an uploaded report into one `Attendee` per person,
each with the (join, leave) intervals the report shows; `minutes_within` counts the minutes of those intervals
inside a session's window, overlaps (two devices, a rejoin before the old connection timed out) counted once.

Formats read:

* Zoom participant report (CSV, UTF-8 with or without BOM), with or without the meeting block above the
  participants table; columns are found by header name, extra columns anywhere. Rows in the waiting room
  (`In Waiting Room` = Yes) are not attendance and are left out. `New Name (Original Name)` gives the current
  name and, in `other_names`, the original one.
* Teams attendance report (UTF-16 with BOM and TAB-separated as Teams exports it, or a UTF-8 copy, TAB or
  comma separated): `3. In-Meeting Activities` gives the intervals; `2. Participants` (first join, last leave)
  is used for people without rows there. The older layout (`Full Name`, `User Action`, `Timestamp`) too.

Report times are wall-clock times of the exporting account's time zone. Whether `05/06/2024` is 5 June or
6 May is decided once per file (see `TimeReader`). Durations in reports are rounded and ignored: minutes
are always recomputed from the times.
"""

import datetime
from dataclasses import dataclass

from .errors import ReportError
from .people import Attendee, normalize_name
from .rows import MAX_REPORT_BYTES, MAX_REPORT_ROWS, decode, rows_and_format
from .teams import TeamsReader
from .times import TimeReader, minutes_within
from .zoom import ZoomReader

__all__ = [
    "MAX_REPORT_BYTES",
    "MAX_REPORT_ROWS",
    "PARSER_VERSION",
    "Attendee",
    "ParsedReport",
    "ReportError",
    "minutes_within",
    "normalize_name",
    "parse_report",
]

# Bumped whenever `parse_report` would read the same file differently: parsed reports are cached by it.
PARSER_VERSION = 1


@dataclass(frozen=True)
class ParsedReport:
    format: str  # "zoom" or "teams"
    attendees: tuple[Attendee, ...]  # one per person: rows of the same person merged (by e-mail, else by name)
    meeting_title: str = ""  # Zoom "Topic" / Teams "Meeting title" when present


def parse_report(
    data: bytes, *, time_zone: datetime.tzinfo, session_start: datetime.datetime, session_end: datetime.datetime
) -> ParsedReport:
    """Read a Zoom participant report or a Teams attendance report.

    `time_zone` is the time zone of the account that exported the report (its times are wall-clock times
    there); `session_start`/`session_end` only help decide between day-first and month-first dates.
    Raises ReportError, with a message for the person who uploaded the file, for anything it cannot read."""
    text = decode(data)
    if not text.strip():
        raise ReportError("The file is empty.")
    rows, fmt = rows_and_format(text)
    raw = ZoomReader(rows).read() if fmt == "zoom" else TeamsReader(rows).read()
    times = TimeReader(time_zone, session_start, session_end)
    return ParsedReport(format=fmt, attendees=raw.attendees(times), meeting_title=raw.title)
