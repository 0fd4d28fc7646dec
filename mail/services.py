"""Sending the e-mails the portal owes (OutgoingEmail rows), each at most once.

What only another app knows is added at sending by the functions `settings.MAIL_SENDING_HOOKS` names, by key
prefix, in order; this module imports none of them. Each is called as `hook(key=, to=, subject=, body=)`
and returns the `(subject, body)` to send, or a string: why nothing is sent (the row is then cancelled with
it). Accounts adds the invitation links' tokens and writes password resets this way, so that a token is made
when the e-mail leaves and is never stored."""

import datetime
import functools
import logging
import smtplib
import time
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import BooleanField, Case, F, Q, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from audit.services import audit_log
from common.queue import enqueue

from . import (
    retry,
    tasks,  # the tasks call these services; both import the module, not names, so either loads first
)
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# How long the outcome of a handed-over e-mail is retried against a database that will not take it (restarting,
# unreachable, locked), 0.1 s apart and doubling to 5 s: long enough for a database restart, well inside the
# task's soft time limit. Only the record is retried, never the send.
RECORD_FOR = datetime.timedelta(minutes=2)
RECORD_LONGEST_PAUSE = 5.0
# A new row is the after-commit task's for this long; then beat's sweep (every 20 s) enqueues it, so work decided
# while the broker was away leaves within a minute of its return.
SWEEP_GRACE = datetime.timedelta(seconds=30)
# The sweep enqueues a row at most once in this long, so a queue that drains slowly is not filled with copies.
ENQUEUED_LEASE = datetime.timedelta(minutes=2)
# A worker whose clock is a little behind the sweep's still takes a row the sweep found due.
CLOCK_SLACK = datetime.timedelta(seconds=10)
SWEEP_BATCH = 500
# SMTP answers about the portal's own connection (greeting, HELO, log-in) rather than about the message: even
# in the 5xx range they are the portal's configuration, which an administrator corrects, so they are retried.
_ANSWERS_ABOUT_THE_CONNECTION = (smtplib.SMTPConnectError, smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError)


class OutcomeNotRecorded(Exception):
    """The database would not take what became of a claimed e-mail for RECORD_FOR: the row stays "sending",
    and beat's sweep tries it again once no worker can still be at it, with the same Message-ID."""


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


def email_queue_many(emails: list[dict]) -> int:
    """email_queue for many e-mails at once (each a dict of its arguments), in one INSERT and with one message
    to the broker after commit (`outgoing_emails_enqueue`): a batch of certificates owes one each. If any is
    owed already, each is queued by itself, so that one writes nothing and the rest are queued. Returns how
    many are new."""
    rows = [
        OutgoingEmail(
            key=email["key"],
            to=email["to"],
            subject=" ".join(email["subject"].split()),
            body=render_to_string(email["template"], email["context"]),
            project=email["project"],
        )
        for email in emails
    ]
    try:
        with transaction.atomic():  # a savepoint, as in email_queue
            OutgoingEmail.objects.bulk_create(rows)
    except IntegrityError:
        return sum(email_queue(**email) for email in emails)
    transaction.on_commit(functools.partial(outgoing_emails_enqueue, [row.pk for row in rows]))
    return len(rows)


def outgoing_email_enqueue(email_id: int) -> None:
    enqueue(tasks.send_outgoing_email, email_id)


def outgoing_emails_enqueue(email_ids: list[int]) -> None:
    """One message for e-mails owed together: a PDF worker with a batch of twenty certificates asks the broker
    once, not twenty times, and an e-mail worker enqueues each e-mail's own send (`tasks.send_outgoing_emails`).
    If that message is lost, beat's sweep enqueues them as it does any e-mail the broker never took."""
    if len(email_ids) == 1:
        outgoing_email_enqueue(email_ids[0])
    elif email_ids:
        enqueue(tasks.send_outgoing_emails, email_ids)


def outgoing_email_send(*, email_id: int) -> bool:
    """Send one pending e-mail whose attempt is due, at most once. Returns whether it was handed over now;
    False if it is gone, not pending (sent, failed, or being sent by another worker), not yet due, or failed.

    Three steps, each in a transaction of its own: claim the row (pending → sending, an attempt counted), hand
    the message to the mail server, record the outcome. Only the claim's holder sends, so two workers given the
    same id send it once; and once the message is handed over it is never handed over again because the
    database would not record it: that write is retried for RECORD_FOR. The outcome: sent; pending again
    until `next_attempt_at` for a failure that may pass (`mail/retry.py`), or failed once the policy gives
    up; failed at once for a refusal for good (5xx), with the server's answer. Raises OperationalError when
    the database would not let the row be claimed or written (nothing was handed over), and an error that
    is not the mail server's (a header Django will not write) after recording it as the failure."""
    email = _claim(email_id)
    if email is None:
        return False
    try:
        message = _message(email)
    except OperationalError:  # a hook could not read the database: nothing was handed over, nor attempted
        _record(email_id, status=OutgoingEmail.Status.PENDING, attempts=F("attempts") - 1)
        raise
    except Exception as error:
        _record(email_id, status=OutgoingEmail.Status.FAILED, last_error=_described(error))
        raise
    if isinstance(message, str):  # a hook's reason not to send it
        _record(email_id, status=OutgoingEmail.Status.CANCELLED, last_error=message[:2000])
        return False
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:  # every SMTP answer, and refused, dropped or timed out
        answer, permanent = _smtp_answer(error)
        if permanent:
            logger.warning("E-mail %s refused for good: %s", email_id, answer)
            _record(
                email_id,
                status=OutgoingEmail.Status.FAILED,
                last_error=f"Refused by the mail server: {answer}"[:2000],
                next_attempt_at=None,
            )
        else:
            _retry_later(email_id, attempts=email.attempts, error=answer)
        return False
    except Exception as error:
        # Not the mail server's answer (Django will not write a header, say): it would fail the same way again.
        _record(email_id, status=OutgoingEmail.Status.FAILED, last_error=_described(error))
        raise
    _record(email_id, status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None)
    return True


def _smtp_answer(error: Exception) -> tuple[str, bool]:
    """What the mail server said, as staff read it, and whether it refused the message for good: a 5xx
    answer to the sender, the recipient or the message itself. A 4xx answer, a refused, dropped or timed-out
    connection and a complaint about the portal's own log-in may pass."""

    def said(code, text) -> str:
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{code} {' '.join(text.split())}"

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        permanent = bool(answers) and all(500 <= code < 600 for code, _ in answers)
        return "; ".join(said(code, text) for code, text in answers) or str(error), permanent
    if isinstance(error, smtplib.SMTPResponseException):
        permanent = 500 <= error.smtp_code < 600 and not isinstance(error, _ANSWERS_ABOUT_THE_CONNECTION)
        return said(error.smtp_code, error.smtp_error), permanent
    return _described(error), False


def _described(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _retry_later(email_id: int, *, attempts: int, error: str) -> None:
    """A claimed e-mail could not be handed over, for a reason that may pass: pending again until the retry
    policy's next attempt, or failed once it gives up."""
    wait = retry.wait_after(attempts)
    if wait is None:
        _record(
            email_id,
            status=OutgoingEmail.Status.FAILED,
            last_error=f"Gave up after {attempts} attempts over a day. The last: {error}"[:2000],
            next_attempt_at=None,
        )
    else:
        _record(
            email_id,
            status=OutgoingEmail.Status.PENDING,
            last_error=error[:2000],
            next_attempt_at=timezone.now() + wait,
            enqueued_at=None,  # the message that brought it is spent: the sweep enqueues it when it is due
        )


def outgoing_email_message_id(email: OutgoingEmail) -> str:
    """The Message-ID of the e-mail a row holds: the same on every attempt, from any worker, so that in the
    rare case a message is handed over twice (a crash after the hand-over, before the record) mail clients
    fold the copies. A row written anew for a new request (a second password reset) gets a new one, as its
    creation time is part of it. Keyed with the secret key, so it tells nothing about the row's key."""
    digest = salted_hmac("mail.message-id", f"{email.pk}:{email.key}:{email.created_at.isoformat()}").hexdigest()
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "apo-portal.local"
    return f"<outbox-{email.pk}.{digest[:20]}@{domain}>"


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
    return EmailMessage(
        subject=subject, body=body, to=[email.to], headers={"Message-ID": outgoing_email_message_id(email)}
    )


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
                next_attempt_at=None,
                enqueued_at=None,
            )
        )
        if queued:
            transaction.on_commit(lambda: outgoing_email_enqueue(email.pk))
    return queued


def _claim(email_id: int) -> OutgoingEmail | None:
    """Take a pending e-mail whose attempt is due (never tried, or its wait is over): one attempt counted, in a
    transaction of its own, before anything is handed over. A message that arrives early (a copy the broker
    delivered twice, a retry queued before this policy) takes nothing, so the policy's waits hold."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLOCK_SLACK))
            .update(status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        )
    return OutgoingEmail.objects.get(pk=email_id) if claimed else None


def _record(email_id: int, **outcome) -> None:
    """Write what became of a claimed e-mail. A busy, restarting or unreachable database is waited for, with
    back-off, for RECORD_FOR: this write is what keeps a handed-over message from being handed over again,
    so it is retried rather than given up after one try (and the send is never repeated here)."""
    give_up = time.monotonic() + RECORD_FOR.total_seconds()
    pause = 0.1
    while True:
        try:
            with transaction.atomic():
                OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.SENDING).update(**outcome)
            return
        except OperationalError as error:
            if connection.in_atomic_block or time.monotonic() + pause > give_up:
                raise OutcomeNotRecorded(
                    f"E-mail {email_id}: could not record {outcome.get('status')}; it stays 'sending', and beat's "
                    "sweep tries it again later with the same Message-ID"
                ) from error
            logger.warning("E-mail %s: the database would not record %s; trying again", email_id, outcome["status"])
            connection.close()  # a connection the database dropped is opened anew by the next try
            time.sleep(pause)
            pause = min(pause * 2, RECORD_LONGEST_PAUSE)


def _due(now: datetime.datetime, grace: datetime.timedelta) -> Q:
    """Pending and its attempt due: never tried and past the after-commit task's grace, or its wait over."""
    return Q(status=OutgoingEmail.Status.PENDING) & (
        Q(next_attempt_at__isnull=True, created_at__lt=now - grace) | Q(next_attempt_at__lte=now)
    )


def outgoing_emails_overdue(*, older_than: datetime.timedelta = SWEEP_GRACE) -> list[int]:
    """The e-mails beat's sweep enqueues now: due (see `_due`), and not enqueued by it in the last
    ENQUEUED_LEASE. Oldest first, SWEEP_BATCH at most."""
    now = timezone.now()
    return list(
        OutgoingEmail.objects.filter(_due(now, older_than))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - ENQUEUED_LEASE))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def outgoing_emails_sweep() -> int:
    """Beat's sweep: take back the e-mails a crash left "sending" (`outgoing_emails_interrupted_retry`), then
    enqueue every one that is due. Each row is marked enqueued first, so the next sweeps leave it to the
    queue for a while; when the broker refuses, the sweep stops and unmarks the rest, which the next sweep
    (once the broker is back) takes at once. Returns how many were enqueued."""
    outgoing_emails_interrupted_retry()
    due = outgoing_emails_overdue()
    if not due:
        return 0
    OutgoingEmail.objects.filter(pk__in=due, status=OutgoingEmail.Status.PENDING).update(enqueued_at=timezone.now())
    for done, email_id in enumerate(due):
        if not enqueue(tasks.send_outgoing_email, email_id):
            OutgoingEmail.objects.filter(pk__in=due[done:]).update(enqueued_at=None)
            return done
    return len(due)


def outgoing_emails_interrupted_retry() -> int:
    """E-mails left "sending" by a crash (a worker killed, or a database away longer than RECORD_FOR, after the
    claim): perhaps handed over, perhaps not. Each is tried again under the retry policy, the interruption
    counting as an attempt that may pass; a repeat carries the same Message-ID, so a mail client shows one
    e-mail. Returns how many."""
    interrupted = list(OutgoingEmail.objects.filter(_interrupted()).only("pk", "attempts", "claimed_at")[:SWEEP_BATCH])
    why = (
        "Interrupted while being sent (a worker stopped, or the database was away): it may have been "
        "delivered; it is sent again with the same Message-ID."
    )
    for email in interrupted:
        wait = retry.wait_after(email.attempts)
        rows = OutgoingEmail.objects.filter(_interrupted(), pk=email.pk)
        if wait is None:
            rows.update(
                status=OutgoingEmail.Status.FAILED,
                last_error=f"Gave up after {email.attempts} attempts over a day. The last: {why}",
                next_attempt_at=None,
            )
        else:
            rows.update(
                status=OutgoingEmail.Status.PENDING,
                last_error=why,
                next_attempt_at=email.claimed_at + wait,
                enqueued_at=None,
            )
        logger.warning("E-mail %s was interrupted while being sent: %s", email.pk, "failed" if wait is None else why)
    return len(interrupted)


def outgoing_email_cancel(*, key: str, reason: str) -> bool:
    """No longer owe an e-mail that is still waiting (one being sent is past recall). Call it in the
    transaction that made it moot. Returns whether one was cancelled."""
    return bool(
        OutgoingEmail.objects.filter(key=key, status=OutgoingEmail.Status.PENDING).update(
            status=OutgoingEmail.Status.CANCELLED, last_error=reason, next_attempt_at=None
        )
    )


def _interrupted() -> Q:
    """Claimed long enough ago that no worker is still at it (the task's hard time limit has passed twice):
    the worker died, or the database would not take the outcome, after the claim, perhaps after the message
    was handed over. Beat's sweep tries these again (`outgoing_emails_interrupted_retry`)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    return Q(status=OutgoingEmail.Status.SENDING, claimed_at__lt=cutoff)


def _retrying() -> Q:
    return Q(status=OutgoingEmail.Status.PENDING, next_attempt_at__isnull=False)


def outgoing_email_resend(*, actor, email: OutgoingEmail) -> bool:
    """Send a failed or interrupted e-mail again, on the Secretariat's word, at once and with a fresh retry
    policy; one already waiting (a second click) is left as it is. Side effects: audit entry; a send task."""
    with transaction.atomic():
        updated = OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.FAILED) | _interrupted(), pk=email.pk
        ).update(status=OutgoingEmail.Status.PENDING, attempts=0, last_error="", next_attempt_at=None, enqueued_at=None)
        if updated:
            audit_log(actor=actor, action="mail.email.resent", target=email, note=email.subject)
            transaction.on_commit(lambda: outgoing_email_enqueue(email.pk))
    return bool(updated)


def outgoing_emails_needing_attention():
    """Failed e-mails, interrupted ones, those retrying after a failure that may pass (`next_attempt_at`), and
    any still pending an hour after they were written. Each has `may_resend`: whether the Secretariat may
    send it again (a retrying one is still the policy's)."""
    stuck = timezone.now() - datetime.timedelta(hours=1)
    return (
        OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.FAILED)
            | _interrupted()
            | _retrying()
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
