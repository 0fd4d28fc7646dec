"""A verifier holding a printed certificate, on a phone: they read where to verify it and its code off the PDF,
open that page, type the code as printed, and see whose certificate it is; a code mistyped by one character, or
short of a group, is refused with what to check."""

import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from certificates import services
from certificates.models import Certificate
from tests.browser.conftest import SCREENSHOTS
from tests.factories import SecretariatFactory
from tests.pdfs import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_verifier_types_the_printed_code_into_the_printed_page_on_a_phone(live_server, browser, finished_project):
    project, _, people = finished_project
    services.certificates_issue(actor=SecretariatFactory(), project=project, nominations=[people["minh"]])
    minh = Certificate.objects.get(nomination=people["minh"])
    services.certificate_render(certificate_id=minh.pk)
    minh.refresh_from_db()
    with minh.pdf.open("rb") as file:
        printed = pdf_text(file.read())

    # What the paper says: an address without its scheme, and the code in groups of four.
    address, code = re.search(r"Verify at (\S+) Code ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){4})\b", printed).groups()
    path = urllib.parse.urlsplit("https://" + address).path
    assert path == "/verify/"

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", name="Check a certificate")).to_be_visible()
        field = page.get_by_label("Verification code")
        expect(page.get_by_text("As printed beside the certificate's QR code")).to_be_visible()

        # One character misread as another of the code's alphabet: refused, with what to check.
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        field.fill(wrong)
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_role("status")).to_contain_text("Unknown code.")

        # A group left out: refused before any look-up, the field itself saying how many characters it has.
        page.get_by_label("Verification code").fill(code.rsplit("-", 1)[0])
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_label("Verification code")).to_have_accessible_description(
            re.compile("A verification code has 20 letters and digits; this has 16.")
        )
        expect(page.get_by_role("status")).to_have_count(0)

        page.get_by_label("Verification code").fill(code.lower())  # typed on a phone, as it comes
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_role("status")).to_have_text("Valid. The APO issued this certificate.")
        expect(page.locator("main")).to_contain_text("Nguyễn Thị Minh Anh")
        expect(page.locator("main")).to_contain_text(minh.serial)
        assert page.url == f"{live_server.url}/verify/{minh.verification_code}/"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "verify-from-paper-phone.png"), full_page=True)
    finally:
        context.close()
