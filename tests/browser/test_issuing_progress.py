"""Issuing certificates shows "n of N rendered, m e-mailed", and the bar follows the rows as they settle,
without a reload; a failure is listed with its retry, and the polling stops when nothing is left to happen."""

import pytest
from playwright.sync_api import expect

from certificates import services
from certificates.models import Certificate
from mail.models import OutgoingEmail
from tests.browser.conftest import SCREENSHOTS
from tests.browser.walk import log_in
from tests.factories import SecretariatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["1280", "390"])
def test_the_progress_bar_updates_as_the_certificates_settle(live_server, browser, finished_project, viewport):
    project, _, _ = finished_project
    SecretariatFactory(email="officer@apo-tokyo.org")
    context = browser.new_context(viewport=viewport, timezone_id="Asia/Colombo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server.url, "officer@apo-tokyo.org")
        page.wait_for_url(f"{live_server.url}/**")
        page.goto(f"{live_server.url}/manage/projects/{project.code}/certificates/")
        page.get_by_role("button", name="Issue certificates to every eligible participant").click()
        status = page.locator("#issuing-progress [data-progress-text]")
        # no worker runs here: the PDFs wait, and the test settles them one by one, as a worker would
        expect(status).to_contain_text("0 of 2 rendered, 0 e-mailed.")
        bar = page.locator("#issuing-progress progress")
        expect(bar).to_have_attribute("max", "2")

        first, second = Certificate.objects.order_by("sequence")
        services.certificate_render(certificate_id=first.pk)
        expect(status).to_contain_text("1 of 2 rendered, 0 e-mailed.")  # no reload: the partial, polled
        expect(bar).to_have_attribute("value", "1")
        OutgoingEmail.objects.filter(key=f"certificate:{first.pk}").update(status=OutgoingEmail.Status.SENT)
        services.certificate_render_failed(certificate_id=second.pk, error="WeasyPrint: font missing", final=True)
        expect(status).to_contain_text("1 of 2 rendered, 1 e-mailed; 1 failed to render.")
        expect(page.locator("#issuing-progress")).not_to_have_attribute("hx-trigger", "every 2s")  # stopped
        expect(page.locator("#issuing-progress")).to_contain_text("WeasyPrint: font missing")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(SCREENSHOTS / f"issuing-progress-{viewport['width']}.png"))

        page.locator("#issuing-progress").get_by_role("button", name=f"Retry {second.serial}").click()
        expect(page.get_by_text(f"{second.serial} is being prepared again.")).to_be_visible()
        expect(status).to_contain_text("1 of 2 rendered, 1 e-mailed. This updates by itself.")
        services.certificate_render(certificate_id=second.pk)
        expect(status).to_contain_text("2 of 2 rendered, 1 e-mailed.")
        OutgoingEmail.objects.filter(key=f"certificate:{second.pk}").update(status=OutgoingEmail.Status.SENT)
        expect(status).to_have_text("2 of 2 rendered, 2 e-mailed.")
    finally:
        context.close()
