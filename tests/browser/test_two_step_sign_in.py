"""On a 390 px phone, a program officer whose password is not enough sets up an authenticator app from the
page's QR code and key, saves the recovery codes, reaches the page asked for, and signs in next time with a
recovery code."""

import base64
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from audit.models import AuditEntry
from tests.browser.conftest import SCREENSHOTS
from tests.browser.walk import log_in, log_out
from tests.factories import SecretariatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _code_from_key(key_text: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    secret = key_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_staff_sets_up_two_step_sign_in_on_a_phone_and_later_uses_a_recovery_code(live_server, browser, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    staff = SecretariatFactory(email="aiko.tanaka@apo-tokyo.org", full_name="Aiko Tanaka")
    context = browser.new_context(viewport=PHONE, timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        page.goto(f"{live_server.url}/manage/projects/")
        page.get_by_label("E-mail address").fill("Aiko.Tanaka@APO-Tokyo.org")
        page.get_by_label("Password").fill("a-long-test-password")
        page.get_by_role("button", name="Log in").click()

        expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
        qr = page.get_by_role("img", name="QR code for setting up the APO Portal in an authenticator app")
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the data: image passed the CSP
        assert page.evaluate(FITS)
        page.screenshot(path=str(SCREENSHOTS / "two-step-enrol-phone.png"), full_page=True)

        key = page.locator("#two-step-secret").inner_text()
        page.get_by_label("Code from the app").fill(_code_from_key(key))
        page.get_by_label("Name of this app").fill("Work phone")
        page.get_by_role("button", name="Turn on two-step sign-in").click()

        expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
        codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
        assert len(codes) == 10
        assert page.evaluate(FITS)
        page.get_by_role("link", name="I have saved them: continue").click()
        page.wait_for_url(f"{live_server.url}/manage/projects/")
        expect(page.get_by_role("heading", name="All projects")).to_be_visible()

        log_out(page, live_server.url)
        log_in(page, live_server.url, staff.email)
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        page.get_by_label("Code").fill("123456")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("That code is not right")).to_be_visible()

        page.get_by_text("No access to your app?").click()
        page.get_by_label("Code").fill(codes[0].upper())
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("You used a recovery code; 9 left.")).to_be_visible()
        assert page.evaluate(FITS)
    finally:
        context.close()
    assert list(
        AuditEntry.objects.filter(actor=staff, action__startswith="security.mfa")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["security.mfa_enrolled", "security.mfa_failed", "security.mfa_recovery_code_used"]
