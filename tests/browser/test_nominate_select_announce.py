"""An NPO officer nominates two candidates and ranks them; the Secretariat selects one and announces."""

import re

import pytest
from playwright.sync_api import expect

from mail.models import OutgoingEmail
from nominations.models import Nomination
from tests.browser.walk import log_in, log_out
from tests.factories import DOCUMENT_PDF, NPOOfficerFactory, ProjectFactory, SecretariatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _expect_ranked(row, rank: str, name: str) -> None:
    """Wait until a row shows this rank (its cell also holds the ↑ and ↓ buttons) and this candidate."""
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text(re.compile(rf"^\s*{rank}\b"))
    expect(cells.nth(1).get_by_role("link")).to_have_text(name)


def _nominate(page, name, email):
    page.get_by_role("link", name="Nominate a candidate").click()
    page.get_by_label("Name as it must appear on the certificate").fill(name)
    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Designation").fill("Director")
    page.get_by_role("textbox", name="Organization*", exact=True).fill("Ministry of Public Administration")
    page.get_by_label("Organization type").select_option(label="Government ministry or agency")
    page.get_by_label("English proficiency").select_option(label="Advanced")
    for label in ("Biodata form (required)", "Curriculum vitae (required)", "Endorsement letter (required)"):
        page.get_by_label(label).set_input_files(
            {"name": f"{label.split()[0].lower()}.pdf", "mimeType": "application/pdf", "buffer": DOCUMENT_PDF}
        )
    page.get_by_role("button", name="Submit to the APO Secretariat").click()
    expect(page.get_by_text(f"{name} was submitted to the APO Secretariat.")).to_be_visible()
    page.get_by_role("link", name="nominations").first.click()


def test_npo_nominates_and_ranks_then_secretariat_selects_and_announces(live_server, page, screenshot):
    project = ProjectFactory(title="Smart Manufacturing for SMEs", per_economy_limit=1, participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk", full_name="Nadeesha Perera", time_zone="Asia/Colombo")
    SecretariatFactory(email="officer@apo-tokyo.org", full_name="Aiko Tanaka")

    log_in(page, live_server.url, "npo@npslanka.gov.lk")
    page.get_by_role("link", name="Smart Manufacturing for SMEs").click()
    expect(page.get_by_role("heading", name="Sri Lanka's nominations")).to_be_visible()
    expect(page.get_by_text("your time (Asia/Colombo)")).to_be_visible()
    _nominate(page, "Chamari Jayasinghe", "chamari@example.org")
    _nominate(page, "Dilshan Fernando", "dilshan@example.org")

    rows = page.locator("#economy-nominations tbody tr")
    _expect_ranked(rows.nth(0), "1", "Chamari Jayasinghe")
    page.get_by_role("button", name="Move Dilshan Fernando up").click()  # htmx: the table alone is replaced
    _expect_ranked(rows.nth(0), "1", "Dilshan Fernando")  # a locator wait: the page's CSP forbids eval
    _expect_ranked(rows.nth(1), "2", "Chamari Jayasinghe")
    screenshot("npo-nominations")
    log_out(page, live_server.url)

    log_in(page, live_server.url, "officer@apo-tokyo.org")
    page.goto(f"{live_server.url}/manage/projects/{project.code}/nominations/")
    page.get_by_label("Choose Dilshan Fernando").check()
    page.get_by_label("Decision").select_option(label="Select as participant")
    page.get_by_role("button", name="Decide…").click()
    expect(page.get_by_role("heading", name="Select 1 nomination from 1 economy?")).to_be_visible()
    page.get_by_label("Note (optional)").fill("First in Sri Lanka's order")
    page.get_by_role("button", name="Select 1 nomination").click()
    expect(page.get_by_text("Selected: 1 nomination.")).to_be_visible()
    screenshot("secretariat-review")
    page.get_by_role("link", name="Announce results").click()
    page.get_by_role("button", name="Send the results").click()
    expect(page.get_by_text("Results sent: 1 outcome e-mail(s) to NPO officers and 1 invitation(s)")).to_be_visible()

    statuses = dict(Nomination.objects.values_list("full_name", "status"))
    assert statuses == {"Dilshan Fernando": "selected", "Chamari Jayasinghe": "submitted"}
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == ["dilshan@example.org", "npo@npslanka.gov.lk"]
