"""attendance.reports: Zoom and Teams attendance reports read into people and minutes (no database)."""

import datetime
import pathlib
import zoneinfo

import pytest

from attendance.reports import (
    MAX_REPORT_BYTES,
    Attendee,
    ReportError,
    minutes_within,
    normalize_name,
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


# --- Zoom, month-first 12-hour, meeting block, BOM, CRLF, trailing commas, extra columns -------------------------

ZOOM_START = at(COLOMBO, 2022, 8, 24, 13, 0)


def test_zoom_report_with_meeting_block_has_one_attendee_per_person_in_order_of_first_row():
    report = read("zoom_us_meeting_block.csv")

    assert report.format == "zoom"
    assert report.meeting_title == "Digital Transformation of SMEs, Day 2"
    assert [(a.name, a.email, a.other_names, len(a.intervals)) for a in report.attendees] == [
        ("Aiko Tanaka", "officer@apo-tokyo.org", (), 1),
        ("Early Bird", "early.bird@example.org", (), 1),
        ("Maria Santos", "maria.santos@dti.gov.ph", (), 3),
        ("Nguyen, Thi Lan", "", (), 1),
        ("Ravi Kumar", "", (), 2),
        ("Somchai P.", "somchai@ftpi.or.th", ("Somchai Phongsa",), 2),
        ("Juan", "juan.delacruz@dost.gov.ph", ("Juan Dela Cruz",), 1),
    ]


def test_zoom_rows_of_one_e_mail_are_merged_sorted_and_waiting_room_time_left_out():
    maria = by_name(read("zoom_us_meeting_block.csv"))["Maria Santos"]

    # Her rows carry the e-mail in two cases; the 12:50-12:58 row was in the waiting room.
    assert maria.intervals == (
        (at(COLOMBO, 2022, 8, 24, 12, 58), at(COLOMBO, 2022, 8, 24, 14, 10, 30)),
        (at(COLOMBO, 2022, 8, 24, 14, 5), at(COLOMBO, 2022, 8, 24, 15, 0)),
        (at(COLOMBO, 2022, 8, 24, 15, 10), at(COLOMBO, 2022, 8, 24, 16, 5)),
    )


def test_zoom_rejoins_are_summed_with_overlaps_counted_once_and_clipped_to_the_session():
    maria = by_name(read("zoom_us_meeting_block.csv"))["Maria Santos"]

    # 13:00-15:00 (two devices overlapping 14:05-14:10:30) and 15:10-16:00 (clipped): 120 + 50.
    assert attended(maria, ZOOM_START) == 170.0
    # Rounded "Duration (Minutes)" of those rows would give 73 + 55 + 55: it is ignored.


def test_zoom_person_there_before_and_after_the_session_gets_exactly_its_minutes():
    people = by_name(read("zoom_us_meeting_block.csv"))

    assert attended(people["Aiko Tanaka"], ZOOM_START) == 180.0  # 12:45:10 to 16:20:05
    assert attended(people["Somchai P."], ZOOM_START) == 180.0  # two names, one e-mail, back-to-back rows
    assert attended(people["Early Bird"], ZOOM_START) == 0.0  # left before it began


def test_zoom_threshold_edge_exactly_80_percent_and_just_below():
    people = by_name(read("zoom_us_meeting_block.csv"))

    assert attended(people["Juan"], ZOOM_START) == 144.0 == 0.8 * 180  # 13:02 to 15:26
    assert attended(people["Nguyen, Thi Lan"], ZOOM_START) == 143.5  # 13:00 to 15:23:30


def test_zoom_guests_without_e_mail_are_merged_by_normalized_name():
    ravi = by_name(read("zoom_us_meeting_block.csv"))["Ravi Kumar"]  # "Ravi Kumar" and "ravi  KUMAR"

    assert ravi.email == ""
    assert ravi.other_names == ()
    assert ravi.intervals == (
        (at(COLOMBO, 2022, 8, 24, 13, 0), at(COLOMBO, 2022, 8, 24, 14, 0)),
        (at(COLOMBO, 2022, 8, 24, 14, 30), at(COLOMBO, 2022, 8, 24, 15, 0)),
    )
    assert attended(ravi, ZOOM_START) == 90.0


def test_zoom_renamed_person_keeps_the_current_name_and_the_original_in_other_names():
    juan = by_name(read("zoom_us_meeting_block.csv"))["Juan"]

    assert (juan.name, juan.other_names) == ("Juan", ("Juan Dela Cruz",))


# --- Zoom, day-first 24-hour ------------------------------------------------------------------------------------


def test_zoom_day_first_24_hour_with_lower_case_headers_in_another_order_and_a_repeated_header():
    report = read("zoom_dayfirst.csv")

    assert report.format == "zoom"
    assert report.meeting_title == ""
    maria, ali, sean = report.attendees
    assert (maria.name, maria.email) == ("Santos, Maria", "maria.santos@dti.gov.ph")
    assert maria.intervals == (
        (at(COLOMBO, 2022, 8, 24, 12, 55), at(COLOMBO, 2022, 8, 24, 14, 0)),
        (at(COLOMBO, 2022, 8, 24, 13, 30), at(COLOMBO, 2022, 8, 24, 16, 30)),
    )
    assert attended(maria, ZOOM_START) == 180.0
    # "Ali Raza (ali  raza)": the original name differs only in case and spacing, so it is no other name.
    assert (ali.name, ali.other_names, attended(ali, ZOOM_START)) == ("Ali Raza", (), 45.0)
    # Quotes, a comma and an apostrophe in a renamed guest's name.
    assert (sean.name, sean.email, sean.other_names) == ('O\'Brien, Seán "Sean"', "", ("Seán O'Brien",))
    assert attended(sean, ZOOM_START) == 0.0


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


def test_zoom_non_latin_names_and_full_width_guest_name():
    aiko, maria = read("zoom_iso.csv").attendees

    assert (aiko.name, aiko.other_names) == ("田中 愛子", ("Aiko Tanaka",))
    assert maria.name == "Ｍａｒｉａ\u3000Santos"  # as in the report
    assert normalize_name(maria.name) == "maria santos"
    assert attended(maria, ZOOM_START) == 90.0


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


def test_zoom_header_and_no_rows_is_a_report_with_nobody():
    report = read("zoom_header_only.csv")

    assert (report.format, report.attendees) == ("zoom", ())


def test_zoom_row_without_leave_time_lasts_until_the_last_time_in_the_file():
    data = (
        ZOOM_HEADER + "Aiko Tanaka,officer@apo-tokyo.org,08/24/2022 01:00:00 PM,08/24/2022 04:00:00 PM,180,No\n"
        "Maria Santos,maria.santos@dti.gov.ph,08/24/2022 02:00:00 PM,,,No\n"
    ).encode()

    report = parse_report(
        data, time_zone=COLOMBO, session_start=ZOOM_START, session_end=ZOOM_START + datetime.timedelta(hours=3)
    )

    assert report.attendees[1].intervals == ((at(COLOMBO, 2022, 8, 24, 14, 0), at(COLOMBO, 2022, 8, 24, 16, 0)),)


# --- Teams --------------------------------------------------------------------------------------------------------

TEAMS_START = at(COLOMBO, 2022, 11, 15, 9, 30)


def test_teams_utf16_tab_separated_day_first_with_sections():
    report = read("teams_utf16.csv", start=TEAMS_START)

    assert report.format == "teams"
    assert report.meeting_title == "Digital Transformation of SMEs, Day 3"
    assert [(a.name, a.email, a.other_names) for a in report.attendees] == [
        ("Tanaka, Aiko", "officer@apo-tokyo.org", ()),
        ("Santos, Maria", "maria.santos@dti.gov.ph", ()),  # the Email, not the #EXT# UPN
        ("Lan Nguyen (Guest)", "", ("Lan Nguyen",)),
        ("Rahman, Karim", "karim.rahman@bida.gov.bd", ()),  # no Email: the UPN
    ]
    aiko, maria, lan, karim = report.attendees
    assert maria.intervals == (
        (at(COLOMBO, 2022, 11, 15, 9, 28, 40), at(COLOMBO, 2022, 11, 15, 10, 45)),
        (at(COLOMBO, 2022, 11, 15, 10, 44, 10), at(COLOMBO, 2022, 11, 15, 11, 20)),
        (at(COLOMBO, 2022, 11, 15, 11, 35), at(COLOMBO, 2022, 11, 15, 12, 31, 2)),
    )
    assert attended(aiko, TEAMS_START) == 180.0
    assert attended(maria, TEAMS_START) == 165.0  # 9:30-11:20 (overlap once) + 11:35-12:30
    assert attended(lan, TEAMS_START) == 144.0  # exactly 80 %
    # Karim has no In-Meeting Activities rows: his first join and last leave from "2. Participants".
    assert karim.intervals == ((at(COLOMBO, 2022, 11, 15, 10, 0), at(COLOMBO, 2022, 11, 15, 12, 0)),)
    assert attended(karim, TEAMS_START) == 120.0


def test_teams_utf16_that_lost_its_bom_reads_the_same():
    data = (FIXTURES / "teams_utf16.csv").read_bytes()
    assert data.startswith(b"\xff\xfe")

    report = parse_report(
        data[2:], time_zone=COLOMBO, session_start=TEAMS_START, session_end=TEAMS_START + datetime.timedelta(hours=3)
    )

    assert report == read("teams_utf16.csv", start=TEAMS_START)


def test_teams_utf8_month_first_12_hour_with_narrow_no_break_spaces():
    report = read("teams_utf8.csv", start=TEAMS_START)

    assert report.format == "teams"
    assert report.meeting_title == "Digital Transformation of SMEs, Day 3"
    maria, guest, juan = report.attendees
    assert (maria.name, maria.email) == ("Santos, Maria", "maria.santos@dti.gov.ph")
    assert maria.intervals == (
        (at(COLOMBO, 2022, 11, 15, 9, 29), at(COLOMBO, 2022, 11, 15, 11, 2)),
        (at(COLOMBO, 2022, 11, 15, 11, 5), at(COLOMBO, 2022, 11, 15, 12, 45, 30)),
    )
    assert attended(maria, TEAMS_START) == 177.0  # 9:30-11:02 and 11:05-12:30
    assert (guest.name, guest.email, attended(guest, TEAMS_START)) == ("Guest Participant", "", 30.0)
    assert juan.intervals == ((at(COLOMBO, 2022, 11, 15, 12, 0), at(COLOMBO, 2022, 11, 15, 12, 30)),)  # noon


def test_teams_utf8_with_bom_reads_the_same():
    data = b"\xef\xbb\xbf" + (FIXTURES / "teams_utf8.csv").read_bytes()

    report = parse_report(
        data, time_zone=COLOMBO, session_start=TEAMS_START, session_end=TEAMS_START + datetime.timedelta(hours=3)
    )

    assert report == read("teams_utf8.csv", start=TEAMS_START)


def test_teams_older_layout_pairs_joined_and_left():
    start = at(TOKYO, 2020, 3, 17, 10, 0)

    report = read("teams_legacy.csv", zone=TOKYO, start=start, minutes=120)

    assert report.format == "teams"
    people = by_name(report)
    assert list(people) == ["Aiko Tanaka", "Maria Santos", "Juan Dela Cruz", "Ravi Kumar"]
    assert all(a.email == "" for a in report.attendees)
    assert people["Maria Santos"].intervals == (  # "Joined before" counts as a join
        (at(TOKYO, 2020, 3, 17, 9, 58, 2), at(TOKYO, 2020, 3, 17, 11, 0)),
        (at(TOKYO, 2020, 3, 17, 11, 10), at(TOKYO, 2020, 3, 17, 12, 10)),
    )
    # A join without a leave ends at the last time of the file (12:15), a leave without a join starts at its first.
    assert people["Juan Dela Cruz"].intervals[-1] == (at(TOKYO, 2020, 3, 17, 12, 0), at(TOKYO, 2020, 3, 17, 12, 15))
    assert people["Ravi Kumar"].intervals == ((at(TOKYO, 2020, 3, 17, 9, 58, 2), at(TOKYO, 2020, 3, 17, 10, 30)),)
    assert {name: attended(person, start, 120) for name, person in people.items()} == {
        "Aiko Tanaka": 120.0,
        "Maria Santos": 110.0,
        "Juan Dela Cruz": 85.0,
        "Ravi Kumar": 30.0,
    }


def test_teams_sections_without_rows_are_a_report_with_nobody():
    data = (
        "1. Summary\nMeeting title\tWeekly sync\n\n2. Participants\n"
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n\n"
        "3. In-Meeting Activities\nName\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
    ).encode("utf-16")

    report = parse_report(
        data, time_zone=COLOMBO, session_start=TEAMS_START, session_end=TEAMS_START + datetime.timedelta(hours=3)
    )

    assert (report.format, report.meeting_title, report.attendees) == ("teams", "Weekly sync", ())


# --- minutes_within and normalize_name ------------------------------------------------------------------------------


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


def test_normalize_name():
    assert normalize_name("  Ｍａｒｉａ\u00a0 SANTOS\u200b ") == "maria santos"
    assert normalize_name("Straße\tMüller") == "strasse müller"
    assert normalize_name("Santos,  Maria") == "santos, maria"
    assert normalize_name("") == ""


# --- reports that cannot be read ---------------------------------------------------------------------------------


def test_empty_file():
    assert error_of(b"") == "The file is empty."
    assert error_of(b"\xef\xbb\xbf\r\n  \r\n") == "The file is empty."


def test_file_over_the_limit():
    message = error_of(b"a" * (MAX_REPORT_BYTES + 1))

    assert message.startswith("The file is 5,242,881 bytes (5.0 MB); the limit is 5,242,880 bytes (5 MB).")


def test_file_in_another_encoding():
    message = error_of((FIXTURES / "zoom_windows1252.csv").read_bytes())

    assert message == (
        "The file could not be read as text: save it as CSV (UTF-8) or as Teams exports it, and upload it again."
    )


def test_excel_workbook_instead_of_csv():
    message = error_of(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa4\xd3\xff\xfe binary")

    assert message.startswith("The file could not be read as text: save it as CSV (UTF-8) or as Teams exports it")
    assert message.endswith("It looks like an Excel workbook, not a CSV file.")


def test_csv_that_is_neither_format():
    message = error_of((FIXTURES / "not_a_report.csv").read_bytes())

    assert message.startswith("This is not a Zoom participant report or a Teams attendance report: ")
    assert "Join Time" in message


def test_zoom_report_without_a_needed_column():
    message = error_of((FIXTURES / "zoom_missing_leave_time.csv").read_bytes())

    assert message.startswith("The Zoom participant report has no “Leave Time” column.")


def test_teams_report_without_a_needed_column():
    data = "3. In-Meeting Activities\nName\tJoin time\tDuration\tEmail\tRole\n".encode("utf-16")

    assert error_of(data).startswith("The Teams attendance report has no “Leave Time” column.")


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


def test_leave_before_join_names_the_row():
    message = error_of((FIXTURES / "zoom_leave_before_join.csv").read_bytes())

    assert message.startswith(
        "Row 4 (Maria Santos): the leave time “08/24/2022 01:00:00 PM” is before the join time "
        "“08/24/2022 03:00:00 PM”."
    )


def test_teams_older_layout_with_an_unknown_action():
    data = "Full Name\tUser Action\tTimestamp\nAiko Tanaka\tMuted\t3/17/2020, 9:58:02 AM\n".encode("utf-16")

    assert error_of(data).startswith("Row 2 (Aiko Tanaka): the user action “Muted” is neither Joined nor Left.")


def test_errors_are_value_errors():
    assert issubclass(ReportError, ValueError)


# --- size ---------------------------------------------------------------------------------------------------------


def test_ten_thousand_row_zoom_file():
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room"]
    for row in range(10_000):
        person = row % 2_500  # each person reconnects three times
        hour = 13 + row // 2_500 // 2
        minute = 30 * (row // 2_500 % 2)
        email = f"person{person}@example.org" if person % 2 else ""  # every other one a guest
        lines.append(
            f'"Person {person}, Economy {person % 21}",{email},08/24/2022 {hour:02}:{minute:02}:00,'
            f"08/24/2022 {hour:02}:{minute + 29:02}:00,29,{'No' if email else 'Yes'},No"
        )
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    assert len(data) < MAX_REPORT_BYTES

    report = parse_report(
        data, time_zone=COLOMBO, session_start=ZOOM_START, session_end=ZOOM_START + datetime.timedelta(hours=3)
    )

    assert len(report.attendees) == 2_500
    assert sum(len(a.intervals) for a in report.attendees) == 10_000
    assert all(
        minutes_within(a.intervals, ZOOM_START, ZOOM_START + datetime.timedelta(hours=3)) == 116.0
        for a in report.attendees
    )
