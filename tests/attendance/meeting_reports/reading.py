"""What the tests of attendance.meeting_reports share: the fixtures, the zones, and reading a report for a session."""

import datetime
import pathlib
import zoneinfo

import pytest

from attendance.meeting_reports import (
    Attendee,
    ReportError,
    minutes_within,
    parse_report,
)

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
COLOMBO = zoneinfo.ZoneInfo("Asia/Colombo")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
UTC = datetime.UTC


def at(zone, *parts):
    return datetime.datetime(*parts, tzinfo=zone)


def read(name, *, zone=COLOMBO, start=None, minutes=180):
    """Parse a fixture for a session of `minutes` from `start` (aware)."""
    start = start or at(zone, 2022, 8, 24, 13, 0)
    return parse_report(
        (FIXTURES / name).read_bytes(),
        time_zone=zone,
        session_start=start,
        session_end=start + datetime.timedelta(minutes=minutes),
    )


def by_name(report) -> dict[str, Attendee]:
    return {attendee.name: attendee for attendee in report.attendees}


def attended(attendee, start, minutes=180):
    return minutes_within(attendee.intervals, start, start + datetime.timedelta(minutes=minutes))


def error_of(data: bytes, *, zone=COLOMBO) -> str:
    start = at(zone, 2022, 8, 24, 13, 0)
    with pytest.raises(ReportError) as caught:
        parse_report(data, time_zone=zone, session_start=start, session_end=start + datetime.timedelta(hours=3))
    return str(caught.value)


ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"

# The sessions the fixtures were exported for.
ZOOM_START = at(COLOMBO, 2022, 8, 24, 13, 0)
TEAMS_START = at(COLOMBO, 2022, 11, 15, 9, 30)
