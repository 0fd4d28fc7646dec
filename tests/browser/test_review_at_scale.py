"""The Secretariat reviews 25 nominations on a 390 px phone, by keyboard alone: the status column and the bulk
bar stay on screen, the search narrows the list without a reload, and a bulk decision is confirmed with its
counts before it is taken."""

import re

import pytest
from playwright.sync_api import expect

from nominations.models import Nomination
from tests.browser.conftest import SCREENSHOTS
from tests.browser.walk import log_in
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, economy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
CODES = ["BD", "IN", "ID", "LK", "VN"]


def _project():
    project = ProjectFactory(
        title="AI Adoption for Productivity in Service Industries",
        participating_economies=CODES,
        per_economy_limit=2,
        overseas_participants=30,
    )
    for code in CODES:
        for rank in range(1, 6):
            NominationFactory(
                project=project,
                economy=economy(code),
                full_name=f"Candidate {code}{rank} with a long family name",
                organization=f"{code} Productivity Centre" if rank == 1 else f"{code} Ministry of Industry",
                priority_rank=rank,
            )
    SecretariatFactory(email="officer@apo-tokyo.org")
    return project


def _tab_to(page, locator, limit=200):
    """Press Tab until `locator` has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never took the focus")


def _on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= PHONE["width"]
        and 0 <= box["y"] < PHONE["height"]
    )


def test_a_phone_keeps_the_status_and_the_bulk_bar_on_screen_and_decides_by_keyboard(live_server, browser):
    project = _project()
    context = browser.new_context(viewport=PHONE, timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server.url, "officer@apo-tokyo.org")
        page.wait_for_url(f"{live_server.url}/**")
        page.goto(f"{live_server.url}/manage/projects/{project.code}/nominations/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the table scrolls inside

        rows = page.locator("#review-list tbody tr")
        expect(rows).to_have_count(25)
        last = rows.last
        last.scroll_into_view_if_needed()
        bar = page.locator(".review-bulk-bar")
        assert _on_screen(page, bar)  # sticky: still there at the end of the list
        assert _on_screen(page, last.get_by_text("Submitted"))  # the status column, without scrolling sideways
        page.locator(".review-table").evaluate("box => { box.scrollLeft = box.scrollWidth; }")
        assert _on_screen(page, last.get_by_role("rowheader"))  # the name stays as the rest scrolls
        page.screenshot(path=str(SCREENSHOTS / "review-390-end-of-list.png"))

        # the search, typed: the list narrows without a reload, and the address keeps it
        page.evaluate("window.scrollTo(0, 0)")
        _tab_to(page, page.get_by_role("searchbox", name="Search"))
        page.keyboard.type("Ministry of Industry")
        expect(page.locator("#review-list caption")).to_contain_text("20 nominations match")
        expect(page).to_have_url(re.compile(r"\?q=Ministry%20of%20Industry&"))

        # choose two rows by keyboard, then the decision, then confirm it
        _tab_to(page, page.get_by_label("Choose Candidate LK2 with a long family name"))
        page.keyboard.press("Space")
        _tab_to(page, page.get_by_label("Choose Candidate LK3 with a long family name"))
        page.keyboard.press("Space")
        expect(page.locator("[data-selected-count]")).to_have_text("2 selected")
        _tab_to(page, page.get_by_label("Decision"))
        page.keyboard.press("ArrowDown")  # Wait-list
        expect(page.get_by_label("Decision")).to_have_value(Nomination.Status.WAITLISTED)
        _tab_to(page, page.get_by_role("button", name="Decide…"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Wait-list 2 nominations from 1 economy?")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "review-390-confirm.png"), full_page=True)
        _tab_to(page, page.get_by_role("button", name="Wait-list 2 nominations"))
        page.keyboard.press("Enter")
        expect(page.get_by_text("Wait-listed: 2 nominations.")).to_be_visible()
        expect(page.locator("#review-list caption")).to_contain_text("20 nominations match")  # back to the search
        waitlisted = Nomination.objects.filter(status=Nomination.Status.WAITLISTED)
        assert sorted(waitlisted.values_list("full_name", flat=True)) == [
            "Candidate LK2 with a long family name",
            "Candidate LK3 with a long family name",
        ]

        # all matching, by keyboard: the confirmation counts what the quota leaves room for
        _tab_to(page, page.get_by_label("All 20 matching"))
        page.keyboard.press("Space")
        expect(page.locator("[data-selected-count]")).to_have_text("20 selected")
        _tab_to(page, page.get_by_role("button", name="Decide…"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Select 20 nominations from 5 economies?")).to_be_visible()
        expect(page.get_by_text("10 would be selected.")).to_be_visible()
        expect(page.get_by_text("10 would exceed a quota and stay as they are:")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "review-390-confirm-all.png"), full_page=True)
        assert not Nomination.objects.filter(status=Nomination.Status.SELECTED).exists()
    finally:
        context.close()


def test_the_review_at_1280(live_server, page):
    project = _project()
    log_in(page, live_server.url, "officer@apo-tokyo.org")
    page.wait_for_url(f"{live_server.url}/**")
    page.goto(f"{live_server.url}/manage/projects/{project.code}/nominations/")
    page.get_by_label("Choose Candidate BD1 with a long family name").check()
    expect(page.locator("[data-selected-count]")).to_have_text("1 selected")
    lists = []
    page.on("request", lambda request: lists.append(request.url) if request.headers.get("hx-request") else None)
    page.get_by_label("Decision").select_option(label="Reject")  # the bulk bar's menu: the list stays
    page.get_by_label("Economy").select_option(label="India")  # a filter's menu: the list follows
    expect(page.locator("#review-list caption")).to_contain_text("5 nominations match")
    assert [url.split("?")[1].split("&")[:2] for url in lists] == [["q=", "economy=IN"]]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(SCREENSHOTS / "review-1280.png"), full_page=True)
