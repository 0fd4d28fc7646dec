"""Report times and minutes (attendance/meeting_reports/times.py): the day/month order of a file, its time
zone, daylight saving, and `minutes_within`."""

import datetime
import zoneinfo

import pytest

from attendance.meeting_reports import (
    minutes_within,
    parse_report,
)

from .reading import (
    COLOMBO,
    FIXTURES,
    TOKYO,
    UTC,
    ZOOM_HEADER,
    ZOOM_START,
    at,
    attended,
    error_of,
    read,
)


@pytest.mark.parametrize(
    ("session_day", "expected_day"),
    [
        (datetime.date(2024, 6, 5), datetime.date(2024, 6, 5)),  # 05/06/2024 read day-first
        (datetime.date(2024, 5, 6), datetime.date(2024, 5, 6)),  # 05/06/2024 read month-first
    ],
)
def test_dates_that_read_both_ways_follow_the_session(session_day, expected_day):
    start = datetime.datetime.combine(session_day, datetime.time(9, 0), COLOMBO)

    report = read("zoom_ambiguous_dates.csv", start=start)

    aiko, maria = report.attendees
    assert aiko.intervals == (
        (
            datetime.datetime.combine(expected_day, datetime.time(9, 0), COLOMBO),
            datetime.datetime.combine(expected_day, datetime.time(12, 0), COLOMBO),
        ),
    )
    assert attended(maria, start) == 144.0


def test_time_zone_of_the_exporting_account_makes_the_times_aware():
    colombo = read("zoom_iso.csv", zone=COLOMBO)
    tokyo = read("zoom_iso.csv", zone=TOKYO)

    ((c_join, c_leave),) = colombo.attendees[0].intervals
    ((t_join, t_leave),) = tokyo.attendees[0].intervals
    assert c_join.utcoffset() == datetime.timedelta(hours=5, minutes=30)
    assert t_join.utcoffset() == datetime.timedelta(hours=9)
    assert c_join.astimezone(UTC) == datetime.datetime(2022, 8, 24, 7, 30, tzinfo=UTC)
    assert t_join.astimezone(UTC) == datetime.datetime(2022, 8, 24, 4, 0, tzinfo=UTC)
    assert c_join - t_join == c_leave - t_leave == datetime.timedelta(hours=3, minutes=30)
    # The same session in Colombo: fully attended from the Colombo reading, 150 minutes from the Tokyo one.
    assert attended(colombo.attendees[0], ZOOM_START) == 180.0
    assert attended(tokyo.attendees[0], ZOOM_START) == 0.0
    assert attended(tokyo.attendees[0], at(COLOMBO, 2022, 8, 24, 9, 30)) == 180.0


def test_daylight_saving_fold_is_read_as_the_first_occurrence_and_minutes_are_real_time():
    new_york = zoneinfo.ZoneInfo("America/New_York")
    data = (ZOOM_HEADER + "Night Owl,owl@example.org,11/06/2022 01:30:00 AM,11/06/2022 02:10:00 AM,40,No\n").encode()
    start = at(new_york, 2022, 11, 6, 0, 0)

    report = parse_report(
        data, time_zone=new_york, session_start=start, session_end=start + datetime.timedelta(hours=4)
    )

    ((join, leave),) = report.attendees[0].intervals
    assert (join.fold, join.utcoffset()) == (0, datetime.timedelta(hours=-4))  # 01:30 EDT, the first of two
    assert leave.utcoffset() == datetime.timedelta(hours=-5)  # 02:10 EST
    assert minutes_within(report.attendees[0].intervals, start, start + datetime.timedelta(hours=4)) == 100.0


def test_minutes_within_clips_unites_and_ignores_what_is_outside():
    start, end = at(UTC, 2024, 1, 1, 10, 0), at(UTC, 2024, 1, 1, 13, 0)
    intervals = [
        (at(UTC, 2024, 1, 1, 9, 0), at(UTC, 2024, 1, 1, 10, 30)),  # 30 inside
        (at(UTC, 2024, 1, 1, 10, 15), at(UTC, 2024, 1, 1, 10, 45)),  # 15 more, the rest overlaps
        (at(UTC, 2024, 1, 1, 11, 0), at(UTC, 2024, 1, 1, 11, 0)),  # empty
        (at(UTC, 2024, 1, 1, 12, 50), at(UTC, 2024, 1, 1, 14, 0)),  # 10 inside
        (at(UTC, 2024, 1, 1, 13, 0), at(UTC, 2024, 1, 1, 14, 0)),  # from the end: [start, end) excludes it
    ]

    assert minutes_within(intervals, start, end) == 55.0
    assert minutes_within(reversed(intervals), start, end) == 55.0
    assert minutes_within([], start, end) == 0.0
    assert minutes_within(intervals, end, start) == 0.0
    # Other time zones are the same instants.
    assert minutes_within(intervals, start.astimezone(TOKYO), end.astimezone(COLOMBO)) == 55.0


def test_minutes_within_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        minutes_within(
            [(datetime.datetime(2024, 1, 1, 10), datetime.datetime(2024, 1, 1, 11))],
            at(UTC, 2024, 1, 1, 9),
            at(UTC, 2024, 1, 1, 12),
        )


def test_time_that_cannot_be_read_names_the_value_and_the_row():
    message = error_of((FIXTURES / "zoom_bad_time.csv").read_bytes())

    assert message.startswith("Row 3: the join time “08/24/2022 13:45:00 PM” cannot be read as a date and time")


def test_time_that_is_no_date_at_all():
    data = (ZOOM_HEADER + "Aiko Tanaka,officer@apo-tokyo.org,yesterday,08/24/2022 04:00:00 PM,180,No\n").encode()

    assert error_of(data).startswith("Row 2: the join time “yesterday” cannot be read as a date and time")


def test_impossible_date_in_the_file_s_order():
    data = (
        ZOOM_HEADER + "Aiko Tanaka,,24/08/2022 13:00:00,24/08/2022 16:00:00,180,No\n"
        "Maria Santos,,31/02/2022 13:00:00,31/02/2022 16:00:00,180,No\n"
    ).encode()

    assert error_of(data).startswith(
        "Row 3: the join time “31/02/2022 13:00:00” cannot be read as a date and time: "
        "it is not a real date read as day/month"
    )


def test_dates_in_both_orders():
    data = (
        ZOOM_HEADER + "Aiko Tanaka,,24/08/2022 13:00:00,24/08/2022 16:00:00,180,No\n"
        "Maria Santos,,08/25/2022 13:00:00,08/25/2022 16:00:00,180,No\n"
    ).encode()

    assert error_of(data).startswith(
        "The dates mix two orders: “24/08/2022 13:00:00” (row 2) is day-first and "
        "“08/25/2022 13:00:00” (row 3) is month-first."
    )
