"""Times and durations: the report's wall-clock times read into aware datetimes with one day/month order for
the whole file (`TimeReader`), and the minutes of a person's intervals inside a session (`minutes_within`)."""

import datetime
import re

from .errors import FIX_HINT, ReportError

_UTC = datetime.UTC


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


class TimeReader:
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
            f"Row {line}: the {label} “{text}” cannot be read as a date and time{why} ({_EXAMPLES}). {FIX_HINT}"
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
