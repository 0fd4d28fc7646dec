"""Sending the e-mails the portal owes (OutgoingEmail rows), each at most once.

What only another app knows is added at sending by the functions `settings.MAIL_SENDING_HOOKS` names, by key
prefix, in order; this module imports none of them. Each is called as `hook(key=, to=, subject=, body=)`
and returns the `(subject, body)` to send, or a string: why nothing is sent (the row is then cancelled with
it). Accounts adds the invitation links' tokens and writes password resets this way, so that a token is made
when the e-mail leaves and is never stored."""

import datetime
import smtplib
import time

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import BooleanField, Case, F, Q, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.services import audit_log
from common.queue import enqueue

from . import tasks  # the tasks call these services; both import the module, not names, so either loads first
from .models import OutgoingEmail

# Tries to record what became of an e-mail, 0.1 s apart and doubling: about 25 s in all.
RECORD_TRIES = 9


class TemporaryMailError(Exception):
    """An SMTP failure that may pass (4xx, connection refused): worth trying again later."""


class OutcomeNotRecorded(Exception):
    """The database would not take what became of a claimed e-mail: the row stays "sending" and nothing sends
    it again on its own (the undelivered-mail page shows it once it is old)."""


def email_queue(*, key: str, to: str, subject: str, template: str, context: dict, project) -> bool:
    """Owe someone an e-mail, once: a second call with the same key writes nothing. Call it inside the
    transaction that decided; the task that sends it is enqueued after commit. Returns whether it is new."""
    # One line: a subject with a line break in it is a header that Django refuses to write.
    subject = " ".join(subject.split())
    email = OutgoingEmail(key=key, to=to, subject=subject, body=render_to_string(template, context), project=project)
    try:
        with transaction.atomic():  # a savepoint: the duplicate's error must not spoil the caller's transaction
            email.save(force_insert=True)
    except IntegrityError:  # an INSERT that may fail rather than a SELECT before every INSERT
        if OutgoingEmail.objects.filter(key=key).exists():  # owed already: the key is unique
            return False
        raise
    transaction.on_commit(lambda: outgoing_email_enqueue(email.pk))
    return True


def outgoing_email_enqueue(email_id: int) -> None:
    enqueue(tasks.send_outgoing_email, email_id)


def outgoing_email_send(*, email_id: int) -> bool:
    """Send one pending e-mail, at most once. Returns False if it is gone or not pending (sent, failed, or
    being sent by another worker).

    Three steps, each in a transaction of its own: claim the row (pending → sending), hand the message to
    the mail server, record the outcome. Only the claim's holder sends, so two workers given the same id
    send it once; and once the message is handed over it is never handed over again: a database too busy
    to record the outcome delays the record (retried here), never repeats the send. Raises
    TemporaryMailError for a failure that may pass (the row is pending again once the task says so)."""
    email = _claim(email_id)
    if email is None:
        return False
    try:
        message = _message(email)
    except Exception:
        _record(email_id, status=OutgoingEmail.Status.PENDING)  # nothing was handed over: another try may send
        raise
    if isinstance(message, str):  # a hook's reason not to send it
        _record(email_id, status=OutgoingEmail.Status.CANCELLED, last_error=message[:2000])
        return False
    try:
        message.send()
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError) as error:
        raise TemporaryMailError(str(error)) from error
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TemporaryMailError(f"{error.smtp_code} {error.smtp_error!r}") from error
        _record(email_id, status=OutgoingEmail.Status.FAILED, last_error=f"{error.smtp_code} {error.smtp_error!r}")
        raise
    except Exception as error:
        # Refused for good (a header Django will not write, a 5xx) or lost on the way: the Secretariat sees
        # it on the undelivered-mail page and decides whether to send it again.
        _record(email_id, status=OutgoingEmail.Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000])
        raise
    _record(email_id, status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def _message(email: OutgoingEmail) -> EmailMessage | str:
    """The message as it is sent, written now by the sending hooks whose prefix the key has; or the reason one
    of them gave for sending nothing."""
    subject, body = email.subject, email.body
    for prefix, path in settings.MAIL_SENDING_HOOKS:
        if email.key.startswith(prefix):
            written = import_string(path)(key=email.key, to=email.to, subject=subject, body=body)
            if isinstance(written, str):
                return written
            subject, body = written
    return EmailMessage(subject=subject, body=body, to=[email.to])


def email_queue_again(*, key: str, to: str, subject: str, body: str) -> bool:
    """Owe an e-mail that may be asked for again and again (a password reset): one row per key, written anew
    for each request once the last one is done (sent, cancelled, failed or interrupted); while one is still
    waiting, a second request adds nothing. `body` is stored as it is (a sending hook may write the text
    then). Returns whether one was queued. Side effect: a send task after commit."""
    with transaction.atomic():
        email, created = OutgoingEmail.objects.get_or_create(
            key=key, defaults={"to": to, "subject": " ".join(subject.split()), "body": body}
        )
        queued = created or bool(
            OutgoingEmail.objects.filter(
                (~Q(status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING]) | _interrupted()),
                pk=email.pk,
            ).update(
                status=OutgoingEmail.Status.PENDING,
                attempts=0,
                last_error="",
                created_at=timezone.now(),
                claimed_at=None,
                sent_at=None,
            )
        )
        if queued:
            transaction.on_commit(lambda: outgoing_email_enqueue(email.pk))
    return queued


def _claim(email_id: int) -> OutgoingEmail | None:
    with transaction.atomic():
        claimed = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING).update(
            status=OutgoingEmail.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return OutgoingEmail.objects.get(pk=email_id) if claimed else None


def _record(email_id: int, **outcome) -> None:
    """Write what became of a claimed e-mail. A busy or briefly unreachable database is waited for, with
    back-off, for about half a minute: this write is what keeps a handed-over message from being sent
    again, so it is retried rather than given up after one try."""
    delay = 0.1
    for attempt in range(RECORD_TRIES):
        try:
            with transaction.atomic():
                OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.SENDING).update(**outcome)
            return
        except OperationalError as error:
            if connection.in_atomic_block or attempt == RECORD_TRIES - 1:
                raise OutcomeNotRecorded(
                    f"E-mail {email_id}: could not record {outcome.get('status')}; it stays 'sending' and is not "
                    "sent again unless the Secretariat asks"
                ) from error
            connection.close()  # a connection the database dropped is opened anew by the next try
            time.sleep(delay)
            delay *= 2


def outgoing_email_failed(*, email_id: int, error: str, final: bool) -> None:
    """A claimed e-mail could not be handed over: pending again, to be tried later, or failed for good."""
    _record(
        email_id,
        last_error=error[:2000],
        status=OutgoingEmail.Status.FAILED if final else OutgoingEmail.Status.PENDING,
    )


def outgoing_emails_overdue(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def outgoing_email_cancel(*, key: str, reason: str) -> bool:
    """No longer owe an e-mail that is still waiting (one being sent is past recall). Call it in the
    transaction that made it moot. Returns whether one was cancelled."""
    return bool(
        OutgoingEmail.objects.filter(key=key, status=OutgoingEmail.Status.PENDING).update(
            status=OutgoingEmail.Status.CANCELLED, last_error=reason
        )
    )


def _interrupted() -> Q:
    """Claimed long enough ago that no worker is still at it (the task's hard time limit has passed twice):
    the worker died, or the database would not take the outcome, after the claim, perhaps after the message
    was handed over. Nothing sends these again on its own."""
    cutoff = timezone.now() - datetime.timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    return Q(status=OutgoingEmail.Status.SENDING, claimed_at__lt=cutoff)


def outgoing_email_resend(*, actor, email: OutgoingEmail) -> bool:
    """Send a failed or interrupted e-mail again, on the Secretariat's word. Side effects: audit entry; a send
    task."""
    with transaction.atomic():
        updated = OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.FAILED) | _interrupted(), pk=email.pk
        ).update(status=OutgoingEmail.Status.PENDING, attempts=0, last_error="")
        if updated:
            audit_log(actor=actor, action="mail.email.resent", target=email, note=email.subject)
            transaction.on_commit(lambda: outgoing_email_enqueue(email.pk))
    return bool(updated)


def outgoing_emails_needing_attention():
    """Failed e-mails, interrupted ones, and any still pending an hour after they were written. Each has
    `may_resend`: whether the Secretariat may send it again."""
    stuck = timezone.now() - datetime.timedelta(hours=1)
    return (
        OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.FAILED)
            | _interrupted()
            | Q(status=OutgoingEmail.Status.PENDING, created_at__lt=stuck)
        )
        .annotate(
            may_resend=Case(
                When(Q(status=OutgoingEmail.Status.FAILED) | _interrupted(), then=True),
                default=False,
                output_field=BooleanField(),
            )
        )
        .select_related("project")
        .order_by("-created_at")
    )
