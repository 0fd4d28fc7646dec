"""Nominating in one go (issue 17, item 1): an NPO officer on a slow link nominates three candidates, each
in one form with their three documents, well within five minutes; and the form works from the keyboard
alone."""

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from nominations.models import Attachment, Nomination
from tests.browser.walk import log_in
from tests.factories import (
    DOCUMENT_PDF,
    NominationFactory,
    NPOOfficerFactory,
    ProjectFactory,
    SecretariatFactory,
    document_file,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The link of the walk in issue 17: 1 Mbit/s each way, 300 ms latency.
SLOW_LINK = {"offline": False, "latency": 300, "downloadThroughput": 125_000, "uploadThroughput": 125_000}
DOCUMENTS = ("Biodata form", "Curriculum vitae", "Endorsement letter")
# A scanned form or a CV of a few pages: 60 KB each, half a second each on this link.
A_DOCUMENT = DOCUMENT_PDF + b"%" + b"x" * 60_000 + b"\n%%EOF\n"

CANDIDATES = [
    ("Chamari Jayasinghe", "chamari@example.lk", "Sri Lanka Ports Authority"),
    ("Dilshan Fernando", "dilshan@example.lk", "Ministry of Industries"),
    ("Nimal Perera", "nimal@example.lk", "Ceylon Electricity Board"),
]


def _file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": A_DOCUMENT}


def _nominate(page, name: str, email: str, organization: str) -> None:
    page.get_by_role("link", name="Nominate a candidate").click()
    page.get_by_label("Name as it must appear on the certificate").fill(name)
    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Designation").fill("Deputy Director")
    page.get_by_role("textbox", name="Organization*", exact=True).fill(organization)
    page.get_by_label("Organization type").select_option(label="Government ministry or agency")
    page.get_by_label("English proficiency").select_option(label="Advanced")
    page.get_by_label("Education").fill("MBA")
    for document in DOCUMENTS:
        page.get_by_label(f"{document} (required)").set_input_files(_file(f"{name.split()[0]}-{document}.pdf"))
    page.get_by_role("button", name="Submit to the APO Secretariat").click()
    page.get_by_text(f"{name} was submitted to the APO Secretariat.").wait_for()
    page.get_by_role("link", name="nominations").first.click()


def test_three_candidates_with_their_documents_on_a_slow_link_in_under_five_minutes(live_server, page, screenshot):
    project = ProjectFactory(title="Green Productivity for Ports", participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk", full_name="Nadeesha Perera", time_zone="Asia/Colombo")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)

    started = time.monotonic()
    log_in(page, live_server.url, "npo@npslanka.gov.lk")
    page.get_by_role("link", name="Green Productivity for Ports").click()
    for name, email, organization in CANDIDATES:
        _nominate(page, name, email, organization)
    elapsed = time.monotonic() - started

    rows = page.locator("#economy-nominations tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.get_by_text("All 3 in")).to_have_count(3)
    screenshot("npo-three-nominated-slow-link")
    assert elapsed < 300, f"three nominations took {elapsed:.0f} s"
    nominations = Nomination.objects.filter(project=project).prefetch_related("attachments")
    assert sorted((n.full_name, n.status, sorted(a.kind for a in n.attachments.all())) for n in nominations) == [
        (name, "submitted", ["biodata", "cv", "endorsement"]) for name, _email, _org in CANDIDATES
    ]
    print(f"three nominations with three documents each on the slow link: {elapsed:.1f} s")


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def _open_file_chooser_by_keyboard(page):
    """Space on the focused file input opens its chooser, as a person's key does. On a loaded machine headless
    Chromium now and then lets a key press pass without opening it (seen in CI after 1,100 tests, not reproduced
    alone), so the key is pressed again, up to three times in all, while the input keeps the focus: what is
    proved is still that the keyboard alone opens it."""
    focused = _focused(page)
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=8000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeoutError:
            assert _focused(page) == focused, "the focus left the file input"
            if attempt == 2:
                raise


def test_the_nomination_form_from_the_keyboard_alone(live_server, page, screenshot):
    project = ProjectFactory(title="Lean Management", participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk", full_name="Nadeesha Perera", time_zone="Asia/Colombo")
    log_in(page, live_server.url, "npo@npslanka.gov.lk")
    page.goto(f"{live_server.url}/projects/{project.code}/nominations/new/")

    for _ in range(60):  # from the top of the page, past the menu and the search, to the form's first field
        page.keyboard.press("Tab")
        if _focused(page) == "id_full_name":
            break
    assert _focused(page) == "id_full_name"
    page.keyboard.type("Kumari Wijesinghe")
    steps = [
        ("id_gender", "F"),  # one key: a menu's type-ahead forgets a word typed slowly (a loaded machine)
        ("id_email", "kumari@example.lk"),
        ("id_designation", "Director"),
        ("id_organization", "Ministry of Finance"),
        ("id_organization_type", "G"),
        ("id_english_proficiency", "F"),
        ("id_education", "MSc Economics"),
        ("id_experience", "Twelve years of public finance"),
        ("id_expectations", "Methods to bring home"),
    ]
    for field, text in steps:
        page.keyboard.press("Tab")
        assert _focused(page) == field
        page.keyboard.type(text)  # in a closed menu, a letter picks the first option that begins so
    for kind in ("biodata", "cv", "endorsement"):
        page.keyboard.press("Tab")
        assert _focused(page) == f"id_document_{kind}"
        _open_file_chooser_by_keyboard(page).set_files(_file(f"{kind}.pdf"))
    page.keyboard.press("Tab")
    assert _focused(page) == "Submit to the APO Secretariat"
    screenshot("nomination-form-keyboard")
    page.keyboard.press("Enter")
    page.get_by_text("Kumari Wijesinghe was submitted to the APO Secretariat.").wait_for()

    nomination = Nomination.objects.get(project=project)
    assert (nomination.status, nomination.gender, nomination.organization_type, nomination.english_proficiency) == (
        "submitted",
        "female",
        "government",
        "fluent",
    )
    assert sorted(nomination.attachments.values_list("kind", flat=True)) == ["biodata", "cv", "endorsement"]


def test_the_nomination_form_at_1280_and_390_pixels(live_server, page, screenshot):
    project = ProjectFactory(title="Lean Management", participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk", full_name="Nadeesha Perera", time_zone="Asia/Colombo")
    log_in(page, live_server.url, "npo@npslanka.gov.lk")
    page.goto(f"{live_server.url}/projects/{project.code}/nominations/new/")
    page.get_by_role("button", name="Submit to the APO Secretariat").click()  # empty: every error shown
    screenshot("nomination-form-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("nomination-form-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_candidate_nominated_before_is_found_and_prefilled_at_1280_and_390_pixels(live_server, page, screenshot):
    past = ProjectFactory(code="25-CP-07-GE-DLN-A", title="Digital Ports", participating_economies=["LK"])
    earlier = NominationFactory(
        project=past,
        full_name="Chamari Jayasinghe",
        email="chamari@example.lk",
        organization="Sri Lanka Ports Authority",
        experience="Ten years in port logistics",
        status="selected",
    )
    upload = document_file("cv", "Chamari-CV-2025.pdf")
    Attachment.objects.create(
        nomination=earlier, kind="cv", file=upload, file_type="pdf", original_name=upload.name, size=upload.size,
        sha256="0" * 64,
    )  # fmt: skip
    project = ProjectFactory(title="Lean Management", participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk", full_name="Nadeesha Perera", time_zone="Asia/Colombo")
    log_in(page, live_server.url, "npo@npslanka.gov.lk")
    page.goto(f"{live_server.url}/projects/{project.code}/nominations/new/")
    page.get_by_label("Find a candidate your economy nominated").fill("chamari")
    page.get_by_role("link", name="Nominate Chamari Jayasinghe").click()  # the results came by htmx
    expect(page.get_by_role("heading", name="Chamari Jayasinghe's APO history")).to_be_visible()
    expect(page.get_by_label("Organization*", exact=True)).to_have_value("Sri Lanka Ports Authority")
    page.get_by_label("The candidate still holds it: reuse Chamari-CV-2025.pdf (25-CP-07-GE-DLN-A)").check()
    screenshot("nomination-form-prefilled-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("nomination-form-prefilled-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("Designation").fill("Deputy Director")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_text("Still to add before submitting: the biodata form and endorsement letter.").wait_for()
    screenshot("nomination-page-lacking-390")
    page.get_by_role("link", name=f"{project.code} nominations").click()
    screenshot("npo-nominations-checklist-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("npo-nominations-checklist-1280")
    assert Nomination.objects.get(project=project).attachments.get().original_name == "Chamari-CV-2025.pdf"


def test_the_secretariat_sees_every_document_required_by_default_in_a_new_project(live_server, page, screenshot):
    SecretariatFactory(email="officer@apo-tokyo.org", full_name="Aiko Tanaka")
    log_in(page, live_server.url, "officer@apo-tokyo.org")
    page.goto(f"{live_server.url}/manage/projects/new/")
    for label in ("Biodata form", "Curriculum vitae", "Endorsement letter"):
        expect(page.get_by_label(label, exact=True)).to_be_checked()
    page.get_by_text("Documents required with a nomination").scroll_into_view_if_needed()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("project-form-required-documents-390")
