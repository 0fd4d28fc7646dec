"""Issuing certificates shows "n of N rendered, m e-mailed", and announcing results "n of N sent": the bar
follows the rows as they settle, without a reload; a failure is listed with its retry, and the polling stops
when nothing is left to happen."""

import pytest
from playwright.sync_api import expect

from certificates import services
from certificates.models import Certificate
from mail.models import OutgoingEmail
from nominations.models import Nomination
from tests.browser.conftest import SCREENSHOTS
from tests.browser.walk import log_in
from tests.factories import NominationFactory, NPOOfficerFactory, ProjectFactory, SecretariatFactory

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


def test_the_results_e_mails_progress_updates_as_they_leave(live_server, page):
    project = ProjectFactory(participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk")
    for rank in (1, 2):
        NominationFactory(project=project, priority_rank=rank, status=Nomination.Status.SELECTED)
    SecretariatFactory(email="officer@apo-tokyo.org")
    log_in(page, live_server.url, "officer@apo-tokyo.org")
    page.wait_for_url(f"{live_server.url}/**")
    page.goto(f"{live_server.url}/manage/projects/{project.code}/announce/")
    page.get_by_role("button", name="Send the results").click()
    status = page.locator("#announce-progress [role=status]")
    expect(status).to_contain_text("0 of 3 sent; 3 on their way")  # no worker here: the rows wait
    first, second, third = OutgoingEmail.objects.filter(project=project).order_by("pk")
    OutgoingEmail.objects.filter(pk=first.pk).update(status=OutgoingEmail.Status.SENT)
    expect(status).to_contain_text("1 of 3 sent; 2 on their way")
    OutgoingEmail.objects.filter(pk=second.pk).update(status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(pk=third.pk).update(status=OutgoingEmail.Status.FAILED, last_error="550 unknown")
    expect(status).to_have_text("2 of 3 sent, 1 failed.")
    expect(page.locator("#announce-progress")).to_contain_text(f"Not sent {third.to}: 550 unknown")
    page.screenshot(path=str(SCREENSHOTS / "announce-progress-1280.png"))
