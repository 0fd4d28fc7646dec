"""The Zoom participant report (attendance/meeting_reports/zoom.py), through `parse_report`."""

import datetime

from attendance.meeting_reports import (
    MAX_REPORT_BYTES,
    minutes_within,
    normalize_name,
    parse_report,
)

from .reading import (
    COLOMBO,
    FIXTURES,
    ZOOM_HEADER,
    ZOOM_START,
    at,
    attended,
    by_name,
    error_of,
    read,
)

# --- Zoom, month-first 12-hour, meeting block, BOM, CRLF, trailing commas, extra columns -------------------------


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


def test_zoom_non_latin_names_and_full_width_guest_name():
    aiko, maria = read("zoom_iso.csv").attendees

    assert (aiko.name, aiko.other_names) == ("田中 愛子", ("Aiko Tanaka",))
    assert maria.name == "Ｍａｒｉａ\u3000Santos"  # as in the report
    assert normalize_name(maria.name) == "maria santos"
    assert attended(maria, ZOOM_START) == 90.0


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


def test_zoom_report_without_a_needed_column():
    message = error_of((FIXTURES / "zoom_missing_leave_time.csv").read_bytes())

    assert message.startswith("The Zoom participant report has no “Leave Time” column.")


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
