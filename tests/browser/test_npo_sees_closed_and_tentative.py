"""What an NPO officer sees of a closed project, and of decisions not yet announced (issue 14, items 5, 6)."""

import datetime

import pytest
from playwright.sync_api import expect

from nominations import services
from nominations.models import Nomination
from tests.browser.walk import log_in
from tests.factories import NominationFactory, NPOOfficerFactory, ProjectFactory, SecretariatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_new_nomination_page_of_a_closed_project_offers_nothing_to_type(live_server, page, screenshot):
    # 15 March 2026, end of the day in Tokyo: 20:29 in Colombo, where the officer is.
    closed = datetime.datetime(2026, 3, 15, 23, 59, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    project = ProjectFactory(title="Green Productivity", nomination_closes_at=closed, participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk", time_zone="Asia/Colombo")

    log_in(page, live_server.url, "npo@npslanka.gov.lk")
    page.goto(f"{live_server.url}/projects/{project.code}/nominations/new/")
    main = page.locator("main")
    assert main.get_by_role("textbox").count() == 0 and main.get_by_role("combobox").count() == 0
    assert main.get_by_role("button", name="Submit to the APO Secretariat").count() == 0
    assert main.get_by_role("button", name="Save as draft").count() == 0
    notice = page.get_by_role("status").filter(has_text="Nominations closed on")
    expect(notice).to_contain_text("15 March 2026, 23:59 project time (Asia/Tokyo)")
    expect(notice).to_contain_text("15 March 2026, 20:29 your time (Asia/Colombo)")
    screenshot("npo-closed-new-nomination")


def test_an_npo_sees_its_candidate_under_review_until_the_results_are_announced(live_server, page, screenshot):
    project = ProjectFactory(title="Smart Manufacturing", participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk", time_zone="Asia/Colombo")
    staff = SecretariatFactory()
    chamari = NominationFactory(project=project, full_name="Chamari Jayasinghe", priority_rank=1)
    NominationFactory(project=project, full_name="Dilshan Fernando", priority_rank=2)
    services.nomination_decide(actor=staff, nomination=chamari, to=Nomination.Status.SELECTED, note="First choice")

    log_in(page, live_server.url, "npo@npslanka.gov.lk")
    page.goto(f"{live_server.url}/projects/{project.code}/nominations/")
    rows = page.locator("#economy-nominations tbody tr")
    statuses = [rows.nth(i).locator("td").nth(1).locator(".badge").inner_text() for i in range(2)]  # beside the name
    assert statuses == ["Under review", "Under review"]
    assert page.get_by_role("button", name="Move Dilshan Fernando up").count() == 0  # deciding has begun
    page.get_by_role("link", name="Chamari Jayasinghe").click()
    expect(page.get_by_role("heading", name="Chamari Jayasinghe", exact=True)).to_be_visible()  # her page
    expect(page.locator("main").get_by_text("Selected", exact=True)).to_have_count(0)
    expect(page.get_by_text("First choice")).to_have_count(0)
    screenshot("npo-tentative-decision")

    services.project_announce(actor=staff, project=project, base_url=live_server.url)
    page.reload()
    expect(page.locator("main .badge").first).to_have_text("Selected")
    expect(page.get_by_text("“First choice”")).to_be_visible()
