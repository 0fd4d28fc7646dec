"""The undelivered-mail page as the Secretariat sees it during a mail-server outage: an e-mail the server refused
for good, with its answer and "Send again"; one being retried, with the next attempt in the reader's time; and
"Send again" queueing the refused one again."""

import datetime
import zoneinfo

import pytest
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from mail.models import OutgoingEmail
from tests.browser.walk import log_in
from tests.factories import SecretariatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_sees_refused_and_retrying_email_and_sends_one_again(live_server, page, screenshot):
    staff = SecretariatFactory(email="officer@apo-tokyo.org", time_zone="Asia/Tokyo")
    next_attempt = timezone.now() + datetime.timedelta(minutes=4)
    OutgoingEmail.objects.create(
        key="certificate:1",
        to="minh@example.org",
        subject="Your certificate",
        body="Hi",
        status=OutgoingEmail.Status.FAILED,
        attempts=1,
        last_error="Refused by the mail server: 550 5.1.1 <minh@example.org>: Recipient address rejected",
    )
    OutgoingEmail.objects.create(
        key="certificate:2",
        to="rahul@example.org",
        subject="Your certificate",
        body="Hi",
        attempts=3,
        last_error="451 4.3.0 Mail server temporarily rejected message",
        next_attempt_at=next_attempt,
    )
    log_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/manage/emails/")
    refused = page.get_by_role("row").filter(has_text="minh@example.org")
    retrying = page.get_by_role("row").filter(has_text="rahul@example.org")
    expect(refused).to_contain_text("550 5.1.1")
    shown = dateformat.format(timezone.localtime(next_attempt, zoneinfo.ZoneInfo("Asia/Tokyo")), "j M Y H:i")
    expect(retrying).to_contain_text(f"Retrying, next attempt at {shown} your time (Asia/Tokyo)")
    expect(retrying.get_by_role("button", name="Send again")).to_have_count(0)
    screenshot("undelivered-email")

    refused.get_by_role("button", name="Send again").click()
    page.get_by_text("“Your certificate” to minh@example.org is being sent again.").wait_for()
    assert OutgoingEmail.objects.get(key="certificate:1").status == "pending"  # queued (no worker runs here)
    assert page.get_by_role("row").filter(has_text="minh@example.org").count() == 0
