"""Rows to people: the join and leave rows of the Zoom and Teams readers merged into one `Attendee` per
person (by e-mail, else by normalized name), with their intervals as aware datetimes."""

import datetime
import unicodedata
from dataclasses import dataclass

from .errors import FIX_HINT, ReportError
from .times import TimeReader

_UTC = datetime.UTC


@dataclass(frozen=True)
class Attendee:
    name: str  # display name as in the report (for Zoom: the current name, before " (Original Name)")
    email: str  # lower-case, "" when the report has none (guests)
    other_names: tuple[str, ...]  # e.g. Zoom's original name in parentheses, when different
    intervals: tuple[tuple[datetime.datetime, datetime.datetime], ...]  # aware datetimes (join, leave), sorted


def normalize_name(name: str) -> str:
    """NFKC, case-folded, white space collapsed, stripped: the key for 'exact normalized name' matching.

    Invisible format characters (zero-width spaces, direction marks, a stray BOM) are dropped too."""
    text = unicodedata.normalize("NFKC", name).casefold()
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


@dataclass(slots=True)
class Row:
    line: int
    name: str
    email: str
    other_names: tuple[str, ...]
    join: str  # as in the file
    leave: str
    join_label: str = "join time"
    leave_label: str = "leave time"


@dataclass(slots=True)
class Event:  # the older Teams layout: one row per join or leave
    line: int
    name: str
    joined: bool
    timestamp: str


class RawReport:
    def __init__(self, title: str = ""):
        self.title = title
        self.rows: list[Row] = []  # each a (join, leave) interval
        self.fallback: list[Row] = []  # Teams' "Participants": for people without rows of their own
        self.events: list[Event] = []

    def attendees(self, times: TimeReader) -> tuple[Attendee, ...]:
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

        def interval(row):
            """The row's join and leave instants (a row with no leave stayed to the end of the report)."""
            join = times.get(row.join)
            leave = times.get(row.leave) if row.leave else last
            if leave < join:
                raise ReportError(
                    f"Row {row.line} ({row.name}): the {row.leave_label} “{row.leave}” is before the "
                    f"{row.join_label} “{row.join}”. {FIX_HINT}"
                )
            return join, leave

        for row in self.rows:
            key = people.add(row.name, row.email, row.other_names, interval(row))
            if self.fallback:  # who has rows of their own matters only to the fallback rows
                seen.add(key)
                seen.add(normalize_name(row.name))
        for row in self.fallback:
            if _person_key(row.name, row.email) in seen or normalize_name(row.name) in seen:
                continue  # has rows in the activities: those are more precise
            people.add(row.name, row.email, row.other_names, interval(row))
        if self.events:
            self._pair_events(times, people)
        return people.attendees()

    def _pair_events(self, times: TimeReader, people: "_People") -> None:
        """Joined/Left rows, per person in time order: a leave without a join counts from the file's first
        time (the person was there before the report began), a join without a leave to its last time."""
        first, last = times.earliest(), times.latest()
        by_person: dict[str, list[tuple[datetime.datetime, int, Event]]] = {}
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


def email_of(value: str) -> str:
    value = value.strip().lower()
    return value.removeprefix("mailto:")
