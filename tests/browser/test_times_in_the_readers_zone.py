"""A new visitor's first page shows times in their own zone, labelled with it, before any reload."""

import datetime

import pytest

from tests.factories import DEFAULT_PASSWORD, ParticipantFactory, ProjectFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_york_page(browser):
    """A browser in New York that has never been to the portal: no time-zone cookie."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="America/New_York")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_visitors_first_page_shows_the_closing_time_in_their_zone(live_server, new_york_page):
    page = new_york_page
    # 23:59 on 3 August in Colombo is 14:29 the same day in New York (EDT) and 03:29 the next day in Tokyo.
    closes = datetime.datetime(2030, 8, 3, 23, 59, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=5.5)))
    project = ProjectFactory(title="Green Productivity", time_zone="Asia/Colombo", nomination_closes_at=closes)
    SessionFactory(
        project=project,
        title="Opening",
        starts_at=datetime.datetime(2030, 8, 24, 13, tzinfo=project.zone),
        ends_at=datetime.datetime(2030, 8, 24, 16, tzinfo=project.zone),
    )
    assert page.context.cookies() == []

    page.goto(f"{live_server.url}/projects/{project.code}/")

    deadline = page.locator(".deadline")
    assert deadline.all_inner_texts() == [
        "3 August 2030, 14:29 your time (America/New_York) · 3 August 2030, 23:59 project time (Asia/Colombo)"
    ]
    assert page.locator(".list-group-item", has_text="Opening").locator(".reader-time").inner_text() == (
        "24 Aug 03:30–06:30 your time (America/New_York) · 24 Aug 13:00–16:00 project time (Asia/Colombo)"
    )
    assert page.locator("footer").get_by_text("Times are shown in America/New_York").is_visible()
    assert {c["name"]: c["value"] for c in page.context.cookies()}["tz"] == "America/New_York"
    page.reload()  # the next page comes from the server in the same zone, with the same words
    assert deadline.inner_text().startswith("3 August 2030, 14:29 your time (America/New_York)")


def test_a_signed_in_person_keeps_the_zone_of_their_profile(live_server, new_york_page):
    page = new_york_page
    closes = datetime.datetime(2030, 8, 3, 23, 59, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=5.5)))
    project = ProjectFactory(title="Green Productivity", time_zone="Asia/Colombo", nomination_closes_at=closes)
    ParticipantFactory(email="traveller@example.org", time_zone="Asia/Tokyo")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("traveller@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/projects/{project.code}/")

    assert page.locator(".deadline").all_inner_texts() == [
        "4 August 2030, 03:29 your time (Asia/Tokyo) · 3 August 2030, 23:59 project time (Asia/Colombo)"
    ]
    assert page.locator("footer").get_by_text("Times are shown in Asia/Tokyo").is_visible()
