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
6 May is decided once per file (see `_TimeReader`). Durations in reports are rounded and ignored: minutes
are always recomputed from the times.
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass

# The bounds of one report, so that reading it stays well inside a web worker's timeout: 5 MB and 100,000 rows
# (parsed in about 2 s; a real participant report of one meeting of 1,000 people, each joining a dozen times,
# has some 12,000). A file above either is refused with a message, and nothing is imported.
MAX_REPORT_BYTES = 5 * 1024 * 1024
MAX_REPORT_ROWS = 100_000
# Bumped whenever `parse_report` would read the same file differently: parsed reports are cached by it.
PARSER_VERSION = 1

_UTC = datetime.UTC
_ZOOM_HINT = "Export it again from Zoom (Reports → Usage → Participants, “Export”) and upload that file."
_TEAMS_HINT = "Download the attendance report again from Teams and upload that file as it is."
_FIX_HINT = "Correct the file or export the report again, then upload it."


class ReportError(ValueError):
    """A report that cannot be read; str(error) is a clear message for a person (what is wrong and what to do)."""


@dataclass(frozen=True)
class Attendee:
    name: str  # display name as in the report (for Zoom: the current name, before " (Original Name)")
    email: str  # lower-case, "" when the report has none (guests)
    other_names: tuple[str, ...]  # e.g. Zoom's original name in parentheses, when different
    intervals: tuple[tuple[datetime.datetime, datetime.datetime], ...]  # aware datetimes (join, leave), sorted


@dataclass(frozen=True)
class ParsedReport:
    format: str  # "zoom" or "teams"
    attendees: tuple[Attendee, ...]  # one per person: rows of the same person merged (by e-mail, else by name)
    meeting_title: str = ""  # Zoom "Topic" / Teams "Meeting title" when present


# ---------------------------------------------------------------------------------------------------------------
# Public helpers


def normalize_name(name: str) -> str:
    """NFKC, case-folded, white space collapsed, stripped: the key for 'exact normalized name' matching.

    Invisible format characters (zero-width spaces, direction marks, a stray BOM) are dropped too."""
    text = unicodedata.normalize("NFKC", name).casefold()
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def minutes_within(intervals, start: datetime.datetime, end: datetime.datetime) -> float:
    """Minutes of the union of `intervals` inside [start, end): each interval clipped to the window, overlaps
    counted once.

    All datetimes must be aware; the arithmetic is done on instants (UTC), so a daylight-saving change inside
    an interval counts as the real elapsed time."""
    start, end = _instant(start), _instant(end)
    if end <= start:
        return 0.0
    clipped = []
    for join, leave in intervals:
        join, leave = max(_instant(join), start), min(_instant(leave), end)
        if join < leave:
            clipped.append((join, leave))
    clipped.sort()
    total = datetime.timedelta(0)
    current_start = current_end = None
    for join, leave in clipped:
        if current_end is None or join > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = join, leave
        elif leave > current_end:
            current_end = leave
    if current_end is not None:
        total += current_end - current_start
    return total.total_seconds() / 60


def _instant(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} is a naive datetime: attendance times must be aware.")
    return moment.astimezone(_UTC)


# ---------------------------------------------------------------------------------------------------------------
# Entry point


def parse_report(
    data: bytes, *, time_zone: datetime.tzinfo, session_start: datetime.datetime, session_end: datetime.datetime
) -> ParsedReport:
    """Read a Zoom participant report or a Teams attendance report.

    `time_zone` is the time zone of the account that exported the report (its times are wall-clock times
    there); `session_start`/`session_end` only help decide between day-first and month-first dates.
    Raises ReportError, with a message for the person who uploaded the file, for anything it cannot read."""
    text = _decode(data)
    if not text.strip():
        raise ReportError("The file is empty.")
    rows, fmt = _rows_and_format(text)
    raw = _ZoomReader(rows).read() if fmt == "zoom" else _TeamsReader(rows).read()
    times = _TimeReader(time_zone, session_start, session_end)
    return ParsedReport(format=fmt, attendees=raw.attendees(times), meeting_title=raw.title)


# ---------------------------------------------------------------------------------------------------------------
# Bytes to rows


def _decode(data: bytes) -> str:
    size = len(data)
    if size == 0:
        raise ReportError("The file is empty.")
    if size > MAX_REPORT_BYTES:
        raise ReportError(
            f"The file is {size:,} bytes ({size / 1024 / 1024:.1f} MB); the limit is {MAX_REPORT_BYTES:,} bytes "
            f"({MAX_REPORT_BYTES // 1024 // 1024} MB). Upload the participant or attendance report as exported, "
            "not a workbook with other sheets or pictures."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data[:4000] and len(data) % 2 == 0 and not data.startswith(b"PK\x03\x04"):
        # UTF-16 that lost its BOM: the zero bytes of ASCII characters tell the byte order.
        head = data[:4000]
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    else:
        encoding = "utf-8"
    message = "The file could not be read as text: save it as CSV (UTF-8) or as Teams exports it, and upload it again."
    if data.startswith(b"PK\x03\x04"):
        message += " It looks like an Excel workbook, not a CSV file."
    unreadable = ReportError(message)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise unreadable from error
    if "\x00" in text:
        raise unreadable
    return text.lstrip("\ufeff")


_SECTION = re.compile(r"^\s*(?:\d+\s*[.)]\s*)?(summary|participants|in-meeting activities|activities)\s*$", re.I)


def _key(cell: str) -> str:
    """A header cell as compared: case-folded, white space collapsed, BOM and quotes dropped."""
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').casefold().split())


def _header_kind(cells: list[str]) -> str | None:
    """What table a header row starts, or None for a data row."""
    keys = {_key(cell) for cell in cells if cell.strip()}
    if len(keys) < 2:
        return None
    if "meeting id" in keys and ("topic" in keys or "start time" in keys):
        return "zoom meeting"
    if "user action" in keys and keys & {"full name", "name", "timestamp"}:
        return "teams actions"
    if keys & {"first join", "last leave", "in-meeting duration"} and keys & {"name", "full name"}:
        return "teams participants"
    if keys & {"name (original name)", "user email", "duration (minutes)"}:
        return "zoom participants"
    if keys & {"join time", "leave time"} and keys & {"name", "full name", "participant", "participant name"}:
        return "join leave"  # Zoom or Teams' activities, by the file's other rows
    return None


def _rows_and_format(text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """Split the text into (row number, cells), with the delimiter under which a known header appears."""
    head = "\n".join(text.splitlines()[:200])
    delimiters = ["\t", ",", ";"] if "\t" in head else [",", ";", "\t"]
    for delimiter in delimiters:
        fmt = _format_of(_csv_rows(head, delimiter))
        if fmt:
            return _csv_rows(text, delimiter), fmt
    raise ReportError(
        "This is not a Zoom participant report or a Teams attendance report: no row has the columns of either "
        "(Zoom: “Name (Original Name)”, “User Email”, “Join Time”, “Leave Time”; Teams: “Name”, “Join Time”, "
        "“Leave Time” or “First Join”, “Last Leave”). Upload the participant report as Zoom exports it (Reports → "
        "Usage → Participants) or the attendance report as Teams downloads it."
    )


def _csv_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 0
    try:
        for cells in reader:
            if len(rows) >= MAX_REPORT_ROWS:
                raise ReportError(
                    f"The file has more than {MAX_REPORT_ROWS:,} rows; the limit is {MAX_REPORT_ROWS:,} rows "
                    f"(and {MAX_REPORT_BYTES // 1024 // 1024} MB). Nothing was imported. Upload the participant "
                    "report of this session's meeting alone, as Zoom or Teams exports it."
                )
            rows.append((line + 1, cells))
            line = reader.line_num
    except csv.Error as error:
        raise ReportError(
            f"Row {line + 1} of the file could not be read as CSV ({error}). Save the report as CSV (UTF-8) or "
            "as Teams exports it, and upload it again."
        ) from error
    return rows


def _format_of(rows: list[tuple[int, list[str]]]) -> str | None:
    join_leave = False
    for _, cells in rows:
        if len(cells) == 1 and _SECTION.match(cells[0].replace("\ufeff", "")):
            return "teams"
        kind = _header_kind(cells)
        if kind is None:
            continue
        if kind.startswith("teams"):
            return "teams"
        if kind.startswith("zoom"):
            return "zoom"
        join_leave = True
        if {"role", "email"} & {_key(c) for c in cells} and "user email" not in {_key(c) for c in cells}:
            return "teams"
    return "zoom" if join_leave else None


def _columns(cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        columns.setdefault(_key(cell), index)
    return columns


def _find(columns: dict[str, int], *names: str) -> int | None:
    for name in names:
        if name in columns:
            return columns[name]
    return None


def _need(columns: dict[str, int], label: str, what: str, hint: str, *names: str) -> int:
    index = _find(columns, *names)
    if index is None:
        raise ReportError(f"The {what} has no “{label}” column. {hint}")
    return index


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


# ---------------------------------------------------------------------------------------------------------------
# Rows to people


@dataclass(slots=True)
class _Row:
    line: int
    name: str
    email: str
    other_names: tuple[str, ...]
    join: str  # as in the file
    leave: str
    join_label: str = "join time"
    leave_label: str = "leave time"


@dataclass(slots=True)
class _Event:  # the older Teams layout: one row per join or leave
    line: int
    name: str
    joined: bool
    timestamp: str


class _RawReport:
    def __init__(self, title: str = ""):
        self.title = title
        self.rows: list[_Row] = []  # each a (join, leave) interval
        self.fallback: list[_Row] = []  # Teams' "Participants": for people without rows of their own
        self.events: list[_Event] = []

    def attendees(self, times: "_TimeReader") -> tuple[Attendee, ...]:
        for row in (*self.rows, *self.fallback):
            times.add(row.join, row.line, row.join_label)
            if row.leave:
                times.add(row.leave, row.line, row.leave_label)
        for event in self.events:
            times.add(event.timestamp, event.line, "timestamp")
        times.resolve()
        last = times.latest()
        people = _People()
        seen = set()
        for row in self.rows:
            join = times.get(row.join)
            leave = times.get(row.leave) if row.leave else last
            if leave < join:
                raise ReportError(
                    f"Row {row.line} ({row.name}): the {row.leave_label} “{row.leave}” is before the "
                    f"{row.join_label} “{row.join}”. {_FIX_HINT}"
                )
            key = people.add(row.name, row.email, row.other_names, (join, leave))
            if self.fallback:  # who has rows of their own matters only to the fallback rows
                seen.add(key)
                seen.add(normalize_name(row.name))
        for row in self.fallback:
            if _person_key(row.name, row.email) in seen or normalize_name(row.name) in seen:
                continue  # has rows in the activities: those are more precise
            join = times.get(row.join)
            leave = times.get(row.leave) if row.leave else last
            if leave < join:
                raise ReportError(
                    f"Row {row.line} ({row.name}): the {row.leave_label} “{row.leave}” is before the "
                    f"{row.join_label} “{row.join}”. {_FIX_HINT}"
                )
            people.add(row.name, row.email, row.other_names, (join, leave))
        if self.events:
            self._pair_events(times, people)
        return people.attendees()

    def _pair_events(self, times: "_TimeReader", people: "_People") -> None:
        """Joined/Left rows, per person in time order: a leave without a join counts from the file's first
        time (the person was there before the report began), a join without a leave to its last time."""
        first, last = times.earliest(), times.latest()
        by_person: dict[str, list[tuple[datetime.datetime, int, _Event]]] = {}
        for order, event in enumerate(self.events):
            moment = times.get(event.timestamp)
            by_person.setdefault(normalize_name(event.name), []).append((moment, order, event))
        for events in by_person.values():
            events.sort(key=lambda item: (item[0].astimezone(_UTC), item[1]))
            opened = None
            name = events[0][2].name
            for moment, _, event in events:
                if event.joined:
                    if opened is None:
                        opened = moment
                elif opened is None:
                    people.add(name, "", (), (first, moment))
                else:
                    people.add(name, "", (), (opened, moment))
                    opened = None
            if opened is not None:
                people.add(name, "", (), (opened, last))


def _person_key(name: str, email: str) -> str:
    return f"@{email}" if email else f"#{normalize_name(name)}"


class _People:
    """Rows merged into one person by e-mail, or by normalized name when a row has no e-mail."""

    def __init__(self):
        self.people: dict[str, list] = {}  # key -> [name, email, other names, intervals]

    def add(self, name: str, email: str, other_names: tuple[str, ...], interval) -> str:
        key = _person_key(name, email)
        person = self.people.get(key)
        if person is None:
            self.people[key] = [name, email, list(other_names), [interval]]
        else:
            if name != person[0]:
                person[2].append(name)
            person[2].extend(other_names)
            person[3].append(interval)
        return key

    def attendees(self) -> tuple[Attendee, ...]:
        result = []
        for name, email, other_names, intervals in self.people.values():
            known = {normalize_name(name)}
            others = []
            for other in other_names:
                normal = normalize_name(other)
                if normal and normal not in known:
                    known.add(normal)
                    others.append(other)
            intervals.sort(key=lambda pair: (pair[0].astimezone(_UTC), pair[1].astimezone(_UTC)))
            result.append(Attendee(name=name, email=email, other_names=tuple(others), intervals=tuple(intervals)))
        return tuple(result)


def _email(value: str) -> str:
    value = value.strip().lower()
    return value.removeprefix("mailto:")


# ---------------------------------------------------------------------------------------------------------------
# Zoom


_RENAMED = re.compile(r"^(?P<current>.*\S)\s*\((?P<original>[^()]*)\)$")
_YES = {"yes", "y", "true", "1", "はい", "oui", "sí", "si", "ja"}


class _ZoomReader:
    what = "Zoom participant report"

    def __init__(self, rows: list[tuple[int, list[str]]]):
        self.rows = rows

    def read(self) -> _RawReport:
        report = _RawReport()
        rows = iter(self.rows)
        for _, cells in rows:
            kind = _header_kind(cells)
            if kind == "zoom meeting":
                columns = _columns(cells)
                for _, values in rows:
                    if not _blank(values):
                        report.title = _cell(values, _find(columns, "topic"))
                        break
            elif kind in ("zoom participants", "join leave"):
                self._participants(cells, rows, report)
                break
        else:
            raise ReportError(
                f"The {self.what} has a meeting block but no participants table (the row “Name (Original Name), "
                f"User Email, Join Time, Leave Time, …”). {_ZOOM_HINT}"
            )
        return report

    def _participants(self, header: list[str], rows, report: _RawReport) -> None:
        columns = _columns(header)
        name_at = _need(
            columns,
            "Name (Original Name)",
            self.what,
            _ZOOM_HINT,
            "name (original name)",
            "name",
            "participant",
            "participant name",
            "user name",
        )
        join_at = _need(columns, "Join Time", self.what, _ZOOM_HINT, "join time")
        leave_at = _need(columns, "Leave Time", self.what, _ZOOM_HINT, "leave time")
        email_at = _find(columns, "user email", "email", "e-mail")
        waiting_at = _find(columns, "in waiting room", "waiting room")
        for line, cells in rows:
            if _blank(cells):
                continue
            join = _cell(cells, join_at)
            # (A date starts with a digit: only other rows can be a header.)
            if join and not join[0].isdigit() and _key(join) == "join time":
                continue  # a repeated header, as when two exports are pasted together
            if waiting_at is not None and _cell(cells, waiting_at).casefold() in _YES:
                continue  # waiting to be admitted is not attending
            full_name = _cell(cells, name_at)
            if not join:
                raise ReportError(f"Row {line} ({full_name or 'no name'}) has no join time. {_FIX_HINT}")
            name, others = full_name, ()
            renamed = _RENAMED.match(full_name)
            if renamed and renamed["original"].strip():
                name, others = renamed["current"].strip(), (renamed["original"].strip(),)
            report.rows.append(_Row(line, name, _email(_cell(cells, email_at)), others, join, _cell(cells, leave_at)))


# ---------------------------------------------------------------------------------------------------------------
# Teams


_TEAMS_TAG = re.compile(r"^(?P<name>.*\S)\s*\((?:guest|external|unverified|unverified external)\)$", re.I)


def _teams_names(name: str) -> tuple[str, ...]:
    """ "Maria Santos (Guest)" is also known as "Maria Santos"."""
    tagged = _TEAMS_TAG.match(name)
    return (tagged["name"],) if tagged else ()


class _TeamsReader:
    what = "Teams attendance report"

    def __init__(self, rows: list[tuple[int, list[str]]]):
        self.rows = rows

    def read(self) -> _RawReport:
        report = _RawReport()
        section = ""
        table = None  # (kind, columns) of the table being read
        expect_header = False
        for line, cells in self.rows:
            if _blank(cells):
                continue
            first = cells[0].replace("\ufeff", "")
            if len([c for c in cells if c.strip()]) == 1 and _SECTION.match(first):
                section = _SECTION.match(first)[1].casefold()
                table, expect_header = None, section != "summary"
                continue
            kind = _header_kind(cells)
            if kind is not None or expect_header:
                if kind == "teams actions":
                    pass
                elif section == "participants":
                    kind = "teams participants"
                elif section.endswith("activities") or kind in (None, "zoom participants", "zoom meeting"):
                    kind = "join leave"
                table = (kind, self._table(kind, cells))
                expect_header = False
                continue
            if table is None:
                if _key(first) in ("meeting title", "title", "meeting name") and len(cells) > 1:
                    report.title = cells[1].strip()
                continue
            self._row(table, line, cells, report)
        return report

    def _table(self, kind: str, header: list[str]) -> dict[str, int | None]:
        columns = _columns(header)
        if kind == "teams actions":
            return {
                "name": _need(columns, "Full Name", self.what, _TEAMS_HINT, "full name", "name"),
                "action": _need(columns, "User Action", self.what, _TEAMS_HINT, "user action"),
                "time": _need(columns, "Timestamp", self.what, _TEAMS_HINT, "timestamp"),
            }
        table = {
            "name": _need(columns, "Name", self.what, _TEAMS_HINT, "name", "full name", "participant"),
            "email": _find(columns, "email", "e-mail", "user email"),
            "upn": _find(columns, "participant id (upn)", "upn"),
        }
        if kind == "teams participants":
            table["join"] = _need(columns, "First Join", self.what, _TEAMS_HINT, "first join", "join time")
            table["leave"] = _need(columns, "Last Leave", self.what, _TEAMS_HINT, "last leave", "leave time")
        else:
            table["join"] = _need(columns, "Join Time", self.what, _TEAMS_HINT, "join time")
            table["leave"] = _need(columns, "Leave Time", self.what, _TEAMS_HINT, "leave time")
        return table

    def _row(self, table, line: int, cells: list[str], report: _RawReport) -> None:
        kind, at = table
        name = _cell(cells, at["name"])
        if kind == "teams actions":
            action = _cell(cells, at["action"]).casefold()
            if action.startswith("join"):
                joined = True
            elif action.startswith(("left", "leave")):
                joined = False
            else:
                raise ReportError(
                    f"Row {line} ({name}): the user action “{_cell(cells, at['action'])}” is neither Joined nor "
                    f"Left. {_FIX_HINT}"
                )
            timestamp = _cell(cells, at["time"])
            if not timestamp:
                raise ReportError(f"Row {line} ({name}) has no timestamp. {_FIX_HINT}")
            report.events.append(_Event(line, name, joined, timestamp))
            return
        email = _email(_cell(cells, at["email"]))
        if not email:
            upn = _email(_cell(cells, at["upn"]))
            if "@" in upn and "#ext#" not in upn:
                email = upn
        fallback = kind == "teams participants"
        row = _Row(
            line,
            name,
            email,
            _teams_names(name),
            _cell(cells, at["join"]),
            _cell(cells, at["leave"]),
            "first join" if fallback else "join time",
            "last leave" if fallback else "leave time",
        )
        if not row.join:
            raise ReportError(f"Row {line} ({name or 'no name'}) has no {row.join_label}. {_FIX_HINT}")
        (report.fallback if fallback else report.rows).append(row)


# ---------------------------------------------------------------------------------------------------------------
# Times


_CLOCK = (
    r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<ampm>[AaPp])\.?\s*[Mm]\.?|\s*(?P<jp>午前|午後))?"
)
_SPLIT = r"(?:\s*,\s*|\s+|T)"
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})\.?" + _SPLIT + _CLOCK)
_YEAR_FIRST = re.compile(r"(?P<y>\d{4})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})\.?" + _SPLIT + _CLOCK)
_MONTH_WORD = re.compile(
    r"(?:(?P<mon1>[^\W\d_]{3,9})\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>[^\W\d_]{3,9})\.?,?\s+(?P<y2>\d{4}))" + _SPLIT + _CLOCK
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u3000": " "})
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_EXAMPLES = "for example 08/24/2022 01:02:03 PM, 24/08/2022 13:02:03 or 2022-08-24 13:02:03"


class _TimeReader:
    """Report times to aware datetimes, with one day/month order for the whole file.

    A first part above 12 (`24/08/2022`) makes the file day-first, a second part above 12 month-first; both in
    one file is an error. When every date reads both ways, the order under which more of the dates fall within
    a day of the session wins; a tie (e.g. all dates like 05/05) goes to month-first when the times are 12-hour
    (US-style locales), otherwise to day-first."""

    def __init__(self, time_zone: datetime.tzinfo, session_start: datetime.datetime, session_end: datetime.datetime):
        self.zone = time_zone
        self.session = (session_start, session_end)
        self.parsed: dict[str, tuple] = {}  # text -> (ambiguous?, year, first, second, hour, minute, second)
        self.where: dict[str, tuple[int, str]] = {}  # text -> (row, label) of its first use, for messages
        self.values: dict[str, datetime.datetime] = {}
        self.twelve_hour = False

    def add(self, text: str, line: int, label: str) -> None:
        if text in self.parsed:
            return
        self.where[text] = (line, label)
        self.parsed[text] = self._parse(text, line, label)

    def get(self, text: str) -> datetime.datetime:
        return self.values[text]

    def earliest(self) -> datetime.datetime:
        return min(self.values.values(), key=lambda moment: moment.astimezone(_UTC))

    def latest(self) -> datetime.datetime:
        return max(self.values.values(), key=lambda moment: moment.astimezone(_UTC)) if self.values else None

    def _bad(self, text: str, line: int, label: str, why: str = "") -> ReportError:
        return ReportError(
            f"Row {line}: the {label} “{text}” cannot be read as a date and time{why} ({_EXAMPLES}). {_FIX_HINT}"
        )

    def _parse(self, raw: str, line: int, label: str) -> tuple:
        text = " ".join(raw.translate(_SPACES).translate(_INVISIBLE).split())
        match = _NUMERIC.fullmatch(text)
        if match:
            year = int(match["y"])
            ambiguous, first, second = True, int(match["a"]), int(match["b"])
            year += 2000 if year < 100 else 0
        elif match := _YEAR_FIRST.fullmatch(text):
            ambiguous, year, first, second = False, int(match["y"]), int(match["m"]), int(match["d"])
        elif match := _MONTH_WORD.fullmatch(text):
            month = _MONTHS.get((match["mon1"] or match["mon2"]).casefold())
            if month is None:
                raise self._bad(raw, line, label)
            year, day = int(match["y1"] or match["y2"]), int(match["d1"] or match["d2"])
            ambiguous, first, second = False, month, day
        else:
            raise self._bad(raw, line, label)
        hour, minute, sec = int(match["H"]), int(match["M"]), int(match["S"] or 0)
        afternoon = match["ampm"] in ("p", "P") or match["jp"] == "午後"
        if match["ampm"] or match["jp"]:
            self.twelve_hour = True
            if not 0 <= hour <= 12:
                raise self._bad(raw, line, label, ": the hour is above 12 with AM/PM")
            hour = hour % 12 + (12 if afternoon else 0)
        if hour > 23 or minute > 59 or sec > 59 or not 1 <= first <= 31 or not 1 <= second <= 31:
            raise self._bad(raw, line, label)
        return ambiguous, year, first, second, hour, minute, sec

    def _day_first(self) -> bool:
        day_first = month_first = None
        dates: dict[tuple[int, int, int], int] = {}
        for text, (ambiguous, year, first, second, *_) in self.parsed.items():
            if not ambiguous:
                continue
            if first > 12 and day_first is None:
                day_first = text
            if second > 12 and month_first is None:
                month_first = text
            dates[(year, first, second)] = dates.get((year, first, second), 0) + 1
        if day_first and month_first:
            (line_d, _), (line_m, _) = self.where[day_first], self.where[month_first]
            raise ReportError(
                f"The dates mix two orders: “{day_first}” (row {line_d}) is day-first and “{month_first}” "
                f"(row {line_m}) is month-first. Export the report again without editing its dates, then upload it."
            )
        if day_first or month_first:
            return bool(day_first)
        scores = {True: 0, False: 0}
        low, high = (self._local_date(moment) for moment in self.session)
        low, high = low - datetime.timedelta(days=1), high + datetime.timedelta(days=1)
        for day_first_order in (True, False):
            for (year, first, second), count in dates.items():
                day, month = (first, second) if day_first_order else (second, first)
                try:
                    date = datetime.date(year, month, day)
                except ValueError:
                    scores[day_first_order] = -1  # an impossible date: not this order
                    break
                scores[day_first_order] += count if low <= date <= high else 0
        if scores[True] != scores[False]:
            return scores[True] > scores[False]
        return not self.twelve_hour

    def _local_date(self, moment: datetime.datetime) -> datetime.date:
        if moment.tzinfo is not None and moment.utcoffset() is not None:
            moment = moment.astimezone(self.zone)
        return moment.date()

    def resolve(self) -> None:
        day_first = self._day_first()
        zone = self.zone
        for text, (ambiguous, year, first, second, hour, minute, sec) in self.parsed.items():
            month, day = (second, first) if ambiguous and day_first else (first, second)
            try:
                wall = datetime.datetime(year, month, day, hour, minute, sec, tzinfo=zone)  # fold=0 in a DST fold
            except ValueError:
                line, label = self.where[text]
                order = "day/month" if day_first else "month/day"
                raise self._bad(
                    text, line, label, f": it is not a real date read as {order}, as the file's other dates are"
                ) from None
            # Through UTC and back: a time in a spring-forward gap becomes the wall time it really is.
            self.values[text] = wall.astimezone(_UTC).astimezone(zone)
