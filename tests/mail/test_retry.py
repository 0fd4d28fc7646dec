"""The retry policy for a mail server that stays away (issue 20 item 6): attempts 1, 2, 4 … minutes apart, then
every four hours, for about a day; the row says "pending" (retrying) all that time, counts one attempt per
hand-over, and is marked failed only when the policy gives up. Beat's sweep runs every 20 s throughout, as in
production, and never attempts a row before its time."""

import datetime
import smtplib

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from apo_portal.celery import app
from mail import retry
from mail import services as mail
from mail.models import OutgoingEmail
from mail.tasks import deliver_pending_emails, send_outgoing_email
from tests.pages import page_text

MINUTE = datetime.timedelta(minutes=1)


def test_the_policy_waits_longer_each_time_for_about_a_day():
    waits = [retry.wait_after(attempts) for attempts in range(1, retry.ATTEMPTS + 1)]
    assert waits[:9] == [MINUTE * n for n in (1, 2, 4, 8, 16, 32, 64, 128, 240)]
    assert waits[-2] == datetime.timedelta(hours=4) and waits[-1] is None  # the last attempt's failure is final
    assert retry.ATTEMPTS == 13
    assert datetime.timedelta(hours=20) < sum(waits[:-1], datetime.timedelta(0)) <= datetime.timedelta(days=1)


@pytest.fixture
def mail_server_away(monkeypatch):
    """Every hand-over is answered 451, as by a mail server that is overloaded; each one is counted."""
    handed_over = []

    def refuse(self, messages):
        handed_over.append(messages[0].extra_headers["Message-ID"])
        raise smtplib.SMTPDataError(451, b"4.3.0 Mail server temporarily rejected message")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    return handed_over


@pytest.mark.django_db
def test_a_mail_server_away_for_a_day_gets_the_policys_attempts_and_then_the_email_fails(
    mail_server_away, clock, celery_eager
):
    start = clock.now
    email = OutgoingEmail.objects.create(key="certificate:1", to="an@example.org", subject="Ready", body="Hi")
    send_outgoing_email.apply(args=[email.pk])  # the after-commit task
    seen = {}  # status → the first time it was seen
    attempted_at = [start]
    sweep = datetime.timedelta(seconds=app.conf.beat_schedule["deliver-pending-emails"]["schedule"])
    while clock.now < start + datetime.timedelta(days=1, hours=2):
        clock.advance(seconds=sweep.total_seconds())
        before = len(mail_server_away)
        deliver_pending_emails.apply()
        if len(mail_server_away) > before:
            attempted_at.append(clock.now)
        status = OutgoingEmail.objects.values_list("status", flat=True).get(pk=email.pk)
        seen.setdefault(status, clock.now)

    email.refresh_from_db()
    assert (email.status, email.attempts, len(mail_server_away)) == ("failed", retry.ATTEMPTS, retry.ATTEMPTS)
    assert email.last_error == (
        "Gave up after 13 attempts over a day. The last: 451 4.3.0 Mail server temporarily rejected message"
    )
    # Each wait is the policy's, give or take one sweep; it was pending (retrying) until the last attempt failed.
    gaps = [later - earlier for earlier, later in zip(attempted_at, attempted_at[1:], strict=False)]
    for gap, wait in zip(gaps, retry.WAITS, strict=True):
        assert wait <= gap < wait + sweep
    assert list(seen) == ["pending", "failed"] and seen["failed"] == attempted_at[-1]
    assert len(set(mail_server_away)) == 1  # one Message-ID for every attempt


@pytest.mark.django_db(transaction=True)
def test_a_retrying_email_sent_again_twice_is_sent_once(clock, login, secretariat, celery_eager):
    """ "Send again" is for one the policy gave up on; clicked twice (or once more while it is being sent) it
    sends one message, and a retrying row offers no button at all."""
    email = OutgoingEmail.objects.create(
        key="certificate:1", to="an@example.org", subject="Ready", body="Hi", status="failed", attempts=13
    )
    client = login(secretariat)
    for _ in range(2):
        assert client.post(reverse("mail:failed_emails"), {"email": email.pk}).status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts, len(django_mail.outbox)) == ("sent", 1, 1)

    retrying = OutgoingEmail.objects.create(
        key="certificate:2",
        to="other@example.org",
        subject="Ready",
        body="Hi",
        attempts=2,
        last_error="451 4.3.0 later",
        next_attempt_at=clock.now + MINUTE,
    )
    assert not mail.outgoing_email_resend(actor=secretariat, email=retrying)
    page = page_text(client.get(reverse("mail:failed_emails")))
    assert "other@example.org" in page and "retrying" in page and "Send again" not in page


@pytest.mark.django_db
def test_a_message_delivered_early_attempts_nothing(mail_server_away, clock):
    """A copy of the task the broker delivers twice, or a retry queued by the old policy, does not attempt a
    row whose wait is not over."""
    email = OutgoingEmail.objects.create(key="certificate:1", to="an@example.org", subject="Ready", body="Hi")
    mail.outgoing_email_send(email_id=email.pk)
    clock.advance(seconds=30)
    assert mail.outgoing_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.attempts, len(mail_server_away)) == ("pending", 1, 1)
