"""The Teams attendance report (attendance/meeting_reports/teams.py), through `parse_report`."""

import datetime

from attendance.meeting_reports import (
    parse_report,
)

from .reading import (
    COLOMBO,
    FIXTURES,
    TEAMS_START,
    TOKYO,
    at,
    attended,
    by_name,
    error_of,
    read,
)


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


def test_teams_report_without_a_needed_column():
    data = "3. In-Meeting Activities\nName\tJoin time\tDuration\tEmail\tRole\n".encode("utf-16")

    assert error_of(data).startswith("The Teams attendance report has no “Leave Time” column.")


def test_teams_older_layout_with_an_unknown_action():
    data = "Full Name\tUser Action\tTimestamp\nAiko Tanaka\tMuted\t3/17/2020, 9:58:02 AM\n".encode("utf-16")

    assert error_of(data).startswith("Row 2 (Aiko Tanaka): the user action “Muted” is neither Joined nor Left.")
