"""A project read from a notification's text: the seed exactly as it is, and the variants other notifications
print (issue 18, item 3)."""

import datetime
import pathlib

import pytest

from accounts.models import Economy
from projects.notifications.reader import parse_date_range, read_notification

# The seed notification (../shared/seeds/001_453450d2f2e2f2d8.txt) byte for byte: its OCR bullets and all.
SEED = pathlib.Path(__file__).with_name("data") / "notification_001.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture
def economies():
    return list(Economy.objects.values_list("code", "name"))


def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def test_the_seed_notification_is_read_whole(economies):
    reading = read_notification(seed(), economies)
    fields = reading.fields
    # The one thing the seed does not carry: the code is given to a project when it is approved.
    assert reading.unread == ["No project code (such as 22-CP-41-GE-DLN-A) was found: enter it."]
    assert fields["title"] == "Productivity of the Public Sector"
    assert (fields["start_date"], fields["end_date"]) == (datetime.date(2022, 8, 24), datetime.date(2022, 8, 26))
    assert fields["hosting_economy"] == "LK"
    assert (fields["modality"], fields["scope"]) == ("digital", "multicountry")
    assert fields["implementing_organizations"] == "National Productivity Secretariat, Sri Lanka and APO Secretariat"
    assert sorted(fields["participating_economies"]) == sorted(code for code, _ in economies)
    assert (fields["overseas_participants"], fields["local_participants"]) == (38, 12)
    assert "per_economy_limit" not in fields
    assert fields["qualifications"].startswith("Policymakers and government officials, representatives of local")
    assert fields["qualifications"].endswith("quality management systems in the public sector")
    assert fields["nomination_closes_at"] == datetime.date(2022, 8, 3)
    assert fields["project_type"] == "workshop"
    assert fields["objectives"].split("\n\n") == [
        "a. Examine existing performance management systems and public-sector productivity in APO members.",
        "b. Explore recent advances in frameworks and tools for performance management systems in the public "
        "sector in the postpandemic era.",
        "c. Formulate strategic plans for promoting advanced performance management systems in the public sector "
        "to make it more future ready.",
    ]
    assert len(fields["background"].split("\n\n")) == 3
    assert fields["methodology"].startswith("The duration of each day’s sessions will be around three hours")
    assert "two weeks prior to the sessions" in fields["methodology"]
    assert fields["certificate_requirement"] == (
        "The participants are required to attend all sessions. This full participation is a prerequisite for "
        "receiving the APO certificate of attendance."
    )
    assert fields["financial_arrangements"].startswith("a. The APO will meet the assignment costs")
    assert fields["financial_arrangements"].split("\n\n")[1].startswith("b. The host country will meet")
    assert fields["implementation_procedures"] == (
        "Please refer to the implementation procedures for APO digital multicountry projects circulated with "
        "this document."
    )
    assert (fields["signatory_name"], fields["signatory_title"]) == ("Dr. AKP Mochtan", "Secretary-General")
    # The program: the OCR's bullets («, *, +) read as bullets, a topic wrapped onto the next line joined.
    assert [(day.day, day.date, day.topics) for day in reading.program] == [
        (
            1,
            datetime.date(2022, 8, 24),
            [
                "Definition and evolution of performance management systems in the public sector",
                "Linking digital transformation and performance management systems in the public sector",
            ],
        ),
        (
            2,
            datetime.date(2022, 8, 25),
            [
                "Performance management systems and productivity in the public sector",
                "Challenges in performance management systems during and after the pandemic",
            ],
        ),
        (
            3,
            datetime.date(2022, 8, 26),
            [
                "Formulating strategic plans for advancing the adoption of performance management systems in the "
                "public sector"
            ],
        ),
    ]


def test_windows_line_ends_and_page_breaks_read_the_same(economies):
    plain = read_notification(seed(), economies)
    text = seed().replace("2. Background", "\f2\n\n2. Background").replace("\n", "\r\n")
    assert read_notification(text, economies).as_json() == plain.as_json()


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("24-26 August 2022 (three days)", (2022, 8, 24), (2022, 8, 26)),
        ("30 November–2 December 2022", (2022, 11, 30), (2022, 12, 2)),
        ("16–19 May", (2023, 5, 16), (2023, 5, 19)),  # the year from elsewhere in the notification
        ("August 24–26, 2022", (2022, 8, 24), (2022, 8, 26)),
        ("30 December 2022–3 January 2023", (2022, 12, 30), (2023, 1, 3)),
        ("30 December–2 January 2023", (2022, 12, 30), (2023, 1, 2)),
        ("24 August 2022 (one day)", (2022, 8, 24), (2022, 8, 24)),
        ("12 to 15 September 2022", (2022, 9, 12), (2022, 9, 15)),
    ],
)
def test_dates_are_read_as_notifications_print_them(text, start, end):
    assert parse_date_range(text, year_hint=2023) == (datetime.date(*start), datetime.date(*end))


@pytest.mark.parametrize("text", ["26-24 August 2022", "31 February 2022", "sometime in August", ""])
def test_dates_that_cannot_be_read_are_not_guessed(text):
    assert parse_date_range(text, year_hint=None) in [(None, None)]


@pytest.mark.parametrize(
    "closing, start",
    [
        ("3 August 2022", datetime.date(2023, 5, 16)),  # nominations close before the project starts
        ("20 April 2022", datetime.date(2022, 5, 16)),
    ],
)
def test_the_year_comes_from_the_closing_date(economies, closing, start):
    text = seed().replace("24-26 August 2022 (three days)", "16–19 May").replace("3 August 2022", closing)
    fields = read_notification(text, economies).fields
    assert (fields["start_date"], fields["end_date"]) == (start, start + datetime.timedelta(days=3))


def test_up_to_n_participants_two_from_each_country(economies):
    text = seed().replace(
        "Overseas Participants 38\nLocal Participants 12",
        "Number of Participants\n\nUp to 20 participants (two from each country)",
    )
    fields = read_notification(text, economies).fields
    assert (fields["overseas_participants"], fields["local_participants"], fields["per_economy_limit"]) == (20, 0, 2)


def test_named_economies_are_read_by_their_names_and_aliases(economies):
    text = seed().replace(
        "Participating Country(ies) All Member Countries",
        "Participating Country(ies) India, IR Iran, ROC,\nViet Nam and Türkiye",
    )
    fields = read_notification(text, economies).fields
    assert fields["participating_economies"] == ["IN", "IR", "TW", "VN", "TR"]


def test_an_unknown_economy_is_said_plainly(economies):
    text = seed().replace("All Member Countries", "India, Atlantis")
    reading = read_notification(text, economies)
    assert reading.fields["participating_economies"] == ["IN"]
    assert "Not recognized as member economies: “Atlantis”." in reading.unread


def test_sections_in_another_order_or_missing(economies):
    text = seed()
    financial = text[text.index("4. Financial Arrangements") : text.index("5. Implementation Procedures")]
    background = text[text.index("2. Background") : text.index("3. Scope")]
    text = text.replace(financial, "").replace(background, "").replace("1. Objectives", financial + "\n1. Objectives")
    reading = read_notification(text, economies)
    assert reading.fields["financial_arrangements"].startswith("a. The APO will meet the assignment costs")
    assert reading.fields["objectives"].startswith("a. Examine existing")
    assert "background" not in reading.fields
    assert reading.unread[1:] == ["No section “Background” was found."]


def test_a_text_that_is_not_a_notification_says_what_it_lacks(economies):
    reading = read_notification("Dear colleagues,\r\n\r\nPlease find attached the minutes.", economies)
    assert "No closing date for nominations was read: enter it by hand." in reading.unread
    assert "No “Timing and Duration” was found: enter the start and end dates." in reading.unread
    assert "No signature (a name above “Secretary-General”) was found at the end." in reading.unread
    assert not reading.program
