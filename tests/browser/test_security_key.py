"""A program officer sets up a security key (Chromium's virtual authenticator) as the second step and signs
in with it next time; the Content Security Policy lets the library's scripts run."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from audit.models import AuditEntry
from tests.browser.walk import log_in, log_out
from tests.factories import SecretariatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_sets_up_a_security_key_and_signs_in_with_it(live_server, browser, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    # WebAuthn binds a key to a host name: the live server's.
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")
    staff = SecretariatFactory(email="aiko.tanaka@apo-tokyo.org", full_name="Aiko Tanaka")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    try:
        log_in(page, live_server.url, staff.email)
        expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
        page.wait_for_load_state("load")  # the button's script is deferred (see below)
        page.get_by_role("button", name="Set up a security key or passkey").click()
        page.wait_for_url(f"{live_server.url}/accounts/two-step/recovery-codes/")
        expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
        page.get_by_role("link", name="I have saved them: continue").click()
        expect(page.get_by_role("heading", name="What waits on a decision")).to_be_visible()

        page.goto(f"{live_server.url}/accounts/profile/")
        expect(page.get_by_text("security key", exact=True)).to_be_visible()

        log_out(page, live_server.url)
        page.goto(f"{live_server.url}/manage/projects/")
        page.get_by_label("E-mail address").fill(staff.email)
        page.get_by_label("Password").fill("a-long-test-password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        # The button works once the page's deferred scripts have run: a click before that does nothing (on a
        # loaded machine the heading shows well before), so wait for the load, as a person waits for the page.
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Use your security key or passkey").click()
        try:
            # Four round trips: begin, the authenticator, complete, the page.
            page.wait_for_url(f"{live_server.url}/manage/projects/", timeout=45_000)
        except PlaywrightTimeoutError:
            status = page.locator("#passkey-verification-status-message").all_inner_texts()
            problem = f"not signed in by the key: at {page.url}, status {status}, console {refused}"
            raise AssertionError(problem) from None
        expect(page.get_by_role("heading", name="All projects")).to_be_visible()
    finally:
        context.close()
    assert [text for text in refused if "Content Security Policy" in text] == []
    entries = AuditEntry.objects.filter(actor=staff, action__startswith="security.mfa").order_by("pk")
    assert [(entry.action, entry.changes.get("kind")) for entry in entries] == [
        ("security.mfa_enrolled", "key"),
        ("security.mfa_verified", "key"),
    ]
