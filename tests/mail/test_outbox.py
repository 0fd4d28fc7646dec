"""Mail can fail (PRODUCT.md rule 7): passing SMTP errors are retried; the last failure is shown and can be
sent again."""

import datetime
import smtplib

import pytest
from django.core import mail as django_mail
from django.db import IntegrityError
from django.urls import reverse

from mail import retry
from mail import services as mail
from mail.models import OutgoingEmail
from mail.tasks import send_outgoing_email, send_outgoing_emails
from tests.pages import page_text


def _owed(**kwargs) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        key=kwargs.pop("key", "test:1"), to="an@example.org", subject="Results", body="Hello", **kwargs
    )


@pytest.fixture
def smtp_says(monkeypatch):
    """Make the next sends fail as an SMTP server would."""

    def fail_with(error):
        def send(self, *args, **kwargs):
            raise error

        monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", send)

    return fail_with


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPResponseException(451, b"4.3.0 Mail server temporarily rejected message"),
        ConnectionRefusedError(111, "Connection refused"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        TimeoutError("timed out"),
    ],
)
def test_passing_smtp_errors_wait_for_the_policys_next_attempt(smtp_says, error, clock, celery_eager):
    email = _owed()
    smtp_says(error)
    send_outgoing_email.apply(args=[email.pk])
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == ("pending", 1, clock.now + retry.FIRST_WAIT)
    assert email.last_error
    assert mail.outgoing_emails_overdue() == []  # not before its time (tests/mail/test_retry.py runs the day)


@pytest.mark.django_db
def test_a_permanent_smtp_error_is_not_retried(smtp_says):
    email = _owed()
    smtp_says(smtplib.SMTPResponseException(550, b"5.1.1 No such user"))
    assert mail.outgoing_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    # Failed for good after one try, and listed for the Secretariat: beat's sweep does not send it again.
    assert (email.status, email.attempts, email.last_error) == (
        "failed",
        1,
        "Refused by the mail server: 550 5.1.1 No such user",
    )
    assert mail.outgoing_emails_overdue(older_than=datetime.timedelta(0)) == []


@pytest.mark.django_db
def test_sending_is_once_however_often_the_task_runs():
    email = _owed()
    assert mail.outgoing_email_send(email_id=email.pk) is True
    assert mail.outgoing_email_send(email_id=email.pk) is False
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_secretariat_sees_a_failed_email_and_sends_it_again(login, secretariat, celery_eager):
    email = _owed(status=OutgoingEmail.Status.FAILED, attempts=6, last_error="451 try later")
    client = login(secretariat)
    assert "1 e-mail could not be delivered." in page_text(client.get(reverse("home")))
    page = page_text(client.get(reverse("mail:failed_emails")))
    assert "an@example.org" in page and "451 try later" in page
    client.post(reverse("mail:failed_emails"), {"email": email.pk})
    email.refresh_from_db()
    assert email.status == "sent" and len(django_mail.outbox) == 1
    assert "Every e-mail was delivered." in page_text(client.get(reverse("mail:failed_emails")))


@pytest.mark.django_db
def test_only_the_secretariat_sees_undelivered_email(client, login, npo_officer):
    assert client.get(reverse("mail:failed_emails")).status_code == 302
    assert login(npo_officer).get(reverse("mail:failed_emails")).status_code == 404


@pytest.mark.django_db
def test_an_email_is_owed_once_per_key_and_other_errors_are_not_hidden(django_capture_on_commit_callbacks):
    def owe(key="certificate:7", to="an@example.org"):
        return mail.email_queue(
            key=key, to=to, subject="Ready", template="certificates/email/ready.txt", context={}, project=None
        )

    with django_capture_on_commit_callbacks() as enqueued:
        assert owe() is True
        assert owe(to="someone.else@example.org") is False  # the first one stands
    assert list(OutgoingEmail.objects.values_list("key", "to")) == [("certificate:7", "an@example.org")]
    assert len(enqueued) == 1  # one message to the broker, for the one row

    with pytest.raises(IntegrityError):  # a broken row is not taken for a duplicate
        owe(key="certificate:8", to=None)


@pytest.mark.django_db
def test_many_emails_owed_at_once_are_each_owed_once(django_capture_on_commit_callbacks):
    """A batch of certificates owes its e-mails in one INSERT; if one of them is owed already, that one writes
    nothing (the first stands) and the others are still owed, each by itself."""

    def owed(number, to="an@example.org"):
        return {
            "key": f"certificate:{number}",
            "to": to,
            "subject": "Your certificate\nis ready",
            "template": "certificates/email/ready.txt",
            "context": {},
            "project": None,
        }

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert mail.email_queue_many([owed(1), owed(2)]) == 2
    assert len(enqueued) == 1  # one message for the batch (the next test sends it)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert mail.email_queue_many([owed(3), owed(2, to="someone.else@example.org"), owed(4)]) == 2
    assert len(enqueued) == 2
    rows = OutgoingEmail.objects.order_by("key")
    assert list(rows.values_list("key", "to")) == [(f"certificate:{n}", "an@example.org") for n in [1, 2, 3, 4]]
    assert set(rows.values_list("subject", flat=True)) == {"Your certificate is ready"}


@pytest.mark.django_db
def test_emails_owed_together_are_sent_once_each_from_one_message(celery_eager, django_capture_on_commit_callbacks):
    """A PDF worker's batch asks the broker once for all its e-mails; an e-mail worker gives each its own send.
    The message delivered twice (a worker died before acknowledging it) still sends each e-mail once."""
    owed = [
        {
            "key": f"certificate:{number}",
            "to": f"holder{number}@example.org",
            "subject": "Your certificate is ready",
            "template": "certificates/email/ready.txt",
            "context": {},
            "project": None,
        }
        for number in [1, 2, 3]
    ]
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        assert mail.email_queue_many(owed) == 3
    assert len(enqueued) == 1
    assert sorted(message.to[0] for message in django_mail.outbox) == [f"holder{n}@example.org" for n in [1, 2, 3]]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}

    send_outgoing_emails.apply(args=[list(OutgoingEmail.objects.values_list("pk", flat=True))])  # delivered again
    assert len(django_mail.outbox) == 3


@pytest.mark.django_db
def test_an_invitation_is_stored_without_its_token_and_sent_with_a_fresh_one(secretariat):
    """The set-password token is never written to the database (nor to the admin's view of the outbox): it
    is made when the e-mail is sent, so sending again after an outage carries a live one."""
    import re

    from django.contrib.auth.tokens import default_token_generator

    from accounts.invitations import TOKEN_PLACEHOLDER
    from nominations.models import Nomination
    from nominations.services import project_announce
    from tests.factories import NominationFactory, ProjectFactory

    project = ProjectFactory()
    chosen = NominationFactory(project=project, status=Nomination.Status.SELECTED, email="chosen@example.org")
    project_announce(actor=secretariat, project=project, base_url="https://portal.apo.test")
    owed = OutgoingEmail.objects.get(key=f"invitation:{chosen.pk}")
    user = Nomination.objects.get(pk=chosen.pk).participant
    link = re.compile(r"https://portal\.apo\.test/accounts/invitation/[\w-]+/(?P<token>[\w-]+)/")
    assert link.search(owed.body)["token"] == TOKEN_PLACEHOLDER

    tokens = []
    for _ in range(2):  # sent, then sent again (as after a mail outage)
        OutgoingEmail.objects.filter(pk=owed.pk).update(status=OutgoingEmail.Status.PENDING)
        assert mail.outgoing_email_send(email_id=owed.pk)
        tokens.append(link.search(django_mail.outbox[-1].body)["token"])
    assert all(default_token_generator.check_token(user, token) for token in tokens)
    assert TOKEN_PLACEHOLDER not in django_mail.outbox[-1].body
    owed.refresh_from_db()
    assert not any(token in owed.body for token in tokens) and owed.status == OutgoingEmail.Status.SENT


@pytest.fixture
def database_too_busy_to_record(monkeypatch):
    """Make the database refuse the write that records a sent e-mail, as SQLite does while another process
    holds its write lock ("database is locked"), the first `times` times."""
    from django.db import OperationalError, connection

    waited = [0.0]  # the pauses between tries pass at once, on a clock of their own

    def sleep(seconds):
        waited[0] += seconds

    monkeypatch.setattr(mail.time, "sleep", sleep)
    monkeypatch.setattr(mail.time, "monotonic", lambda: waited[0])
    refused = []

    def refuse_to_record(times: int):
        def wrapper(execute, sql, params, many, context):
            if sql.startswith('UPDATE "mail_outgoingemail"') and "sent" in (params or ()) and len(refused) < times:
                refused.append(sql)
                raise OperationalError("database is locked")
            return execute(sql, params, many, context)

        return connection.execute_wrapper(wrapper)

    refuse_to_record.refused = refused
    refuse_to_record.waited = waited
    return refuse_to_record


@pytest.mark.django_db(transaction=True)
def test_a_send_is_never_repeated_because_recording_it_failed(database_too_busy_to_record):
    email = _owed()
    with database_too_busy_to_record(times=3):
        send_outgoing_email.apply(args=[email.pk])
    assert len(database_too_busy_to_record.refused) == 3  # the record was retried, not the send
    email.refresh_from_db()
    assert (email.status, email.attempts, len(django_mail.outbox)) == ("sent", 1, 1)


@pytest.mark.django_db(transaction=True)
def test_an_email_whose_send_could_not_be_recorded_is_sent_again_later_as_the_same_message(
    database_too_busy_to_record, clock, login, secretariat, celery_eager
):
    """A database away for longer than the record is retried (the worker gives up after RECORD_FOR): the row
    stays "sending", nothing sends it while a worker might still be at it, and then beat's sweep tries it again
    under the retry policy, with the same Message-ID, so that a mail client shows one e-mail."""
    from mail.tasks import deliver_pending_emails

    email = _owed()
    with database_too_busy_to_record(times=1000), pytest.raises(mail.OutcomeNotRecorded):
        send_outgoing_email.apply(args=[email.pk], throw=True)
    assert database_too_busy_to_record.waited[0] <= mail.RECORD_FOR.total_seconds()
    assert 20 < len(database_too_busy_to_record.refused) < 1000  # tried for RECORD_FOR, then given up
    assert len(django_mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == "sending"

    send_outgoing_email.apply(args=[email.pk])  # the task delivered again, and beat's sweep, soon after
    clock.advance(minutes=5)
    deliver_pending_emails.apply()
    assert len(django_mail.outbox) == 1
    client = login(secretariat)
    assert "Every e-mail was delivered." in page_text(client.get(reverse("mail:failed_emails")))

    clock.advance(minutes=5, seconds=1)  # no worker can still be at it: twice the task's hard time limit
    deliver_pending_emails.apply()
    email.refresh_from_db()
    assert (email.status, email.attempts, len(django_mail.outbox)) == ("sent", 2, 2)
    first, repeat = django_mail.outbox
    assert first.extra_headers["Message-ID"] == repeat.extra_headers["Message-ID"]
    assert repeat.message()["Message-ID"] == mail.outgoing_email_message_id(email)


@pytest.mark.django_db
def test_a_subject_with_a_line_break_is_sent_on_one_line(secretariat):
    assert mail.email_queue(
        key="x:1",
        to="an@example.org",
        subject="APO 26-CP-01\r\nBcc: all@example.org",
        template="certificates/email/ready.txt",
        context={},
        project=None,
    )
    email = OutgoingEmail.objects.get(key="x:1")
    assert mail.outgoing_email_send(email_id=email.pk)
    assert django_mail.outbox[0].subject == "APO 26-CP-01 Bcc: all@example.org"
    assert django_mail.outbox[0].bcc == []


@pytest.mark.django_db
def test_an_email_django_refuses_to_write_is_marked_failed_not_queued_again():
    email = _owed()
    OutgoingEmail.objects.filter(pk=email.pk).update(subject="Results\nfor Indonesia")  # as written before
    with pytest.raises(ValueError):
        mail.outgoing_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == "failed" and "BadHeaderError" in email.last_error
    assert mail.outgoing_emails_overdue(older_than=datetime.timedelta(0)) == []


@pytest.mark.django_db
def test_a_project_title_with_a_line_break_still_sends_every_invitation_and_result(
    secretariat, npo_officer, celery_eager, django_capture_on_commit_callbacks
):
    """The walk of issue 15, item 8: a title posted with CR/LF once left every invitation pending for ever."""
    from nominations import services
    from nominations.models import Nomination
    from tests.factories import NominationFactory, ProjectFactory, economy

    project = ProjectFactory(
        code="26-CP-78-GE-DLN-A", title="Smart Factories\r\nfor Asia", participating_economies=["LK"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("Amara", "Bandula"):
            nomination = NominationFactory(project=project, economy=economy("LK"), full_name=name)
            services.nomination_decide(actor=secretariat, nomination=nomination, to=Nomination.Status.SELECTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_announce(actor=secretariat, project=project, base_url="https://portal.example")
    rows = OutgoingEmail.objects.filter(project=project)
    assert rows.count() == 3  # two invitations and Sri Lanka's results
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert len(django_mail.outbox) == rows.count()
    for message in django_mail.outbox:
        assert "\r" not in message.subject and "\n" not in message.subject
    invitations = [m.subject for m in django_mail.outbox if m.subject.startswith("You are selected")]
    assert len(invitations) == 2 and all("Smart Factories for Asia" in subject for subject in invitations)
