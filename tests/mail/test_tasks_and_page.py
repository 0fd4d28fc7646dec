"""The outbox's own names: its tasks (and the names they had in `nominations`, for messages already queued),
the queue they go to, the page's address, and the audit action of a resend."""

import datetime

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone

from apo_portal.celery import app
from audit.models import AuditEntry
from mail.models import OutgoingEmail
from tests.pages import page_text


def _owed(**kwargs) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        key=kwargs.pop("key", "certificate:1"),
        to="o'brien@example.org",
        subject="Your certificate",
        body="Hi",
        **kwargs,
    )


@pytest.mark.parametrize(
    "name",
    ["mail.tasks.send_outgoing_email", "mail.tasks.deliver_pending_emails", "nominations.tasks.send_due_reminders"],
)
def test_the_outbox_tasks_go_to_the_email_queue(name):
    assert app.amqp.router.route({}, name)["queue"].name == "email"


def test_beat_asks_the_mail_app_for_the_sweep():
    sweeps = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert "mail.tasks.deliver_pending_emails" in sweeps and "nominations.tasks.deliver_pending_emails" not in sweeps


@pytest.mark.django_db(transaction=True)
def test_a_message_queued_under_the_old_task_name_is_still_sent_once(celery_eager):
    """A send enqueued before the upgrade names `nominations.tasks.send_outgoing_email`."""
    email = _owed()
    app.tasks["nominations.tasks.send_outgoing_email"].apply(args=[email.pk])
    app.tasks["nominations.tasks.send_outgoing_email"].apply(args=[email.pk])  # delivered twice by the broker
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and [m.to for m in django_mail.outbox] == [["o'brien@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_beat_under_the_old_task_name_still_sweeps(celery_eager):
    email = _owed()
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2020))
    assert app.tasks["nominations.tasks.deliver_pending_emails"].apply().get() == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_resend_is_audited_as_the_mail_apps_and_old_entries_keep_their_action(login, secretariat, celery_eager):
    email = _owed(status=OutgoingEmail.Status.FAILED, attempts=6, last_error="550 mailbox unavailable")
    old = AuditEntry.objects.create(
        action="nominations.email.resent", target_type="nominations.outgoingemail", target_id=str(email.pk)
    )
    response = login(secretariat).post("/manage/emails/", {"email": email.pk})  # the address the page always had
    assert response.status_code == 302 and response["Location"] == reverse("mail:failed_emails") == "/manage/emails/"
    entry = AuditEntry.objects.exclude(pk=old.pk).get(target_id=str(email.pk))
    assert (entry.action, entry.target_type, entry.actor) == ("mail.email.resent", "mail.outgoingemail", secretariat)
    old.refresh_from_db()
    assert (old.action, old.target_type) == ("nominations.email.resent", "nominations.outgoingemail")
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT


@pytest.mark.django_db
@pytest.mark.parametrize("each", [1, 8])
def test_the_undelivered_page_reads_a_fixed_number_of_queries(each, login, secretariat, django_assert_num_queries):
    now = timezone.now()
    for i in range(each):
        _owed(key=f"f:{i}", status=OutgoingEmail.Status.FAILED, attempts=1, last_error="Refused: 550 no such user")
        _owed(key=f"r:{i}", attempts=2, last_error="451 later", next_attempt_at=now + datetime.timedelta(minutes=2))
        _owed(key=f"s:{i}", status=OutgoingEmail.Status.SENDING, claimed_at=now - datetime.timedelta(hours=1))
    client = login(secretariat)
    client.get(reverse("mail:failed_emails"))  # a first visit
    with django_assert_num_queries(3):  # the user, the count and the page of rows, at any size
        response = client.get(reverse("mail:failed_emails"))
    text = page_text(response)
    assert text.count("Retrying, next attempt at") == each and text.count("Send again") == 2 * each
    assert text.count("Interrupted while being sent") == each
