"""What the mail server answers decides what becomes of an e-mail (issue 21 item 1): a refusal for good (5xx) is
recorded with the server's words, failed at once, never tried again, and listed for the Secretariat with the
reason; a refusal that may pass (4xx, a refused connection) follows the retry policy and is shown as retrying.
Sent to a real SMTP server on the loopback address through Django's SMTP backend, as in production."""

import datetime
import socket
import time
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from mail import retry
from mail import services as mail
from mail.models import OutgoingEmail
from mail.tasks import deliver_pending_emails
from tests.pages import page_text

TO = "an@example.org"


def _owed() -> OutgoingEmail:
    return OutgoingEmail.objects.create(key="certificate:1", to=TO, subject="Your certificate", body="Hello")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "said"),
    [
        ({"rcpt": "550 5.1.1 <an@example.org>: Recipient address rejected: User unknown"}, "550 5.1.1"),
        ({"mail": "553 5.7.1 Sender address rejected: not owned by user"}, "553 5.7.1"),
        ({"data": "554 5.6.0 Message content rejected"}, "554 5.6.0"),
    ],
    ids=["recipient", "sender", "data"],
)
def test_a_refusal_for_good_is_failed_at_once_with_the_servers_answer(
    smtp_server, answers, said, login, secretariat, celery_eager
):
    email = _owed()
    smtp_server.answer(**answers)
    assert mail.outgoing_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", 1, None)
    assert email.last_error.startswith(f"Refused by the mail server: {said}")
    assert smtp_server.received == []

    # Not tried again, however long the sweep runs: the server said so.
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=email.created_at - datetime.timedelta(days=1))
    assert deliver_pending_emails.apply().get() == 0
    assert smtp_server.attempts == 1

    page = page_text(login(secretariat).get(reverse("mail:failed_emails")))
    assert TO in page and email.last_error in page and "Send again" in page
    assert "1 e-mail could not be delivered." in page_text(login(secretariat).get(reverse("home")))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers",
    [
        {"data": "451 4.3.0 Mail server temporarily rejected message"},
        {"rcpt": "450 4.2.1 Mailbox busy, try again later"},
        {"mail": "421 4.7.0 Too many connections, closing"},
    ],
    ids=["data", "recipient", "closing"],
)
def test_a_refusal_that_may_pass_is_retried_at_the_policys_time_and_then_delivered(
    smtp_server, answers, clock, login, secretariat, celery_eager
):
    email = _owed()
    smtp_server.answer(**answers)
    assert mail.outgoing_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    said = next(iter(answers.values()))[:9]
    assert (email.status, email.attempts, email.last_error[:9]) == ("pending", 1, said)
    assert email.next_attempt_at == clock.now + retry.wait_after(1) == clock.now + datetime.timedelta(minutes=1)

    # Staff see it as retrying, with the next attempt in their own time zone.
    tokyo = timezone.localtime(email.next_attempt_at, zoneinfo.ZoneInfo(secretariat.time_zone))
    page = page_text(login(secretariat).get(reverse("mail:failed_emails")))
    assert f"Retrying, next attempt at {dateformat.format(tokyo, 'j M Y H:i')} your time (Asia/Tokyo)." in page
    assert said in page and "Send again" not in page

    # Beat's sweep leaves it alone until then, however often it runs...
    for _ in range(3):
        clock.advance(seconds=15)
        deliver_pending_emails.apply()
    assert smtp_server.attempts == 1
    # ... and sends it once its time has come and the server takes it.
    smtp_server.answer()
    clock.advance(seconds=15)
    assert deliver_pending_emails.apply().get() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert [message["To"] for message in smtp_server.received] == [TO]


@pytest.mark.django_db
def test_no_mail_server_listening_is_retried(settings, clock):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    email = _owed()
    assert mail.outgoing_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.next_attempt_at == clock.now + retry.FIRST_WAIT


@pytest.mark.django_db
def test_the_message_id_is_the_rows_own_on_every_attempt(smtp_server, clock, celery_eager):
    email = _owed()
    smtp_server.answer(data="451 4.3.0 Try again later")
    mail.outgoing_email_send(email_id=email.pk)
    smtp_server.answer()
    clock.advance(minutes=1)
    deliver_pending_emails.apply()
    email.refresh_from_db()
    (message,) = smtp_server.received
    assert message["Message-ID"] == mail.outgoing_email_message_id(email)
    assert message["Message-ID"].startswith(f"<outbox-{email.pk}.") and message["Message-ID"].endswith(
        "@apo-portal.local>"
    )


@pytest.mark.django_db
def test_a_mail_server_that_never_answers_fails_the_attempt_within_the_timeout(settings, clock):
    """A server that accepts the connection and says nothing (hung) costs one attempt of EMAIL_TIMEOUT, retried
    on the policy's schedule, rather than a mail worker held until the task's time limit."""
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens; the kernel accepts; nobody answers
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
        settings.EMAIL_TIMEOUT = 1
        email = _owed()
        started = time.monotonic()
        assert mail.outgoing_email_send(email_id=email.pk) is False
        assert time.monotonic() - started < 30  # a generous ceiling: only a hang fails it
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == ("pending", 1, clock.now + retry.FIRST_WAIT)
    assert "timed out" in email.last_error
