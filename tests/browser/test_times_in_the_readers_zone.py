"""A new visitor's first page shows times in their own zone, labelled with it, before any reload."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.walk import log_in
from tests.factories import ParticipantFactory, ProjectFactory, SessionFactory

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
    expect(deadline).to_have_text(
        ["3 August 2030, 14:29 your time (America/New_York) · 3 August 2030, 23:59 project time (Asia/Colombo)"]
    )
    expect(page.locator(".list-group-item", has_text="Opening").locator(".reader-time")).to_have_text(
        "24 Aug 03:30–06:30 your time (America/New_York) · 24 Aug 13:00–16:00 project time (Asia/Colombo)"
    )
    expect(page.locator("footer").get_by_text("Times are shown in America/New_York")).to_be_visible()
    assert {c["name"]: c["value"] for c in page.context.cookies()}["tz"] == "America/New_York"
    page.reload()  # the next page comes from the server in the same zone, with the same words
    expect(deadline).to_have_text(re.compile("^" + re.escape("3 August 2030, 14:29 your time (America/New_York)")))


def test_a_signed_in_person_keeps_the_zone_of_their_profile(live_server, new_york_page):
    page = new_york_page
    closes = datetime.datetime(2030, 8, 3, 23, 59, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=5.5)))
    project = ProjectFactory(title="Green Productivity", time_zone="Asia/Colombo", nomination_closes_at=closes)
    ParticipantFactory(email="traveller@example.org", time_zone="Asia/Tokyo")
    log_in(page, live_server.url, "traveller@example.org")

    page.goto(f"{live_server.url}/projects/{project.code}/")

    expect(page.locator(".deadline")).to_have_text(
        ["4 August 2030, 03:29 your time (Asia/Tokyo) · 3 August 2030, 23:59 project time (Asia/Colombo)"]
    )
    expect(page.locator("footer").get_by_text("Times are shown in Asia/Tokyo")).to_be_visible()
