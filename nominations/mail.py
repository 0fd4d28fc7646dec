"""Sending the e-mails the portal owes (OutgoingEmail rows), each at most once."""

import datetime
import smtplib

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.invitations import with_tokens

from .models import OutgoingEmail


class TemporaryMailError(Exception):
    """An SMTP failure that may pass (4xx, connection refused): worth trying again later."""


def email_queue(*, key: str, to: str, subject: str, template: str, context: dict, project) -> bool:
    """Owe someone an e-mail, once: a second call with the same key writes nothing. Call it inside the
    transaction that decided; the task that sends it is enqueued after commit. Returns whether it is new."""
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
    from apo_portal.queue import enqueue

    from .tasks import send_outgoing_email

    enqueue(send_outgoing_email, email_id)


def outgoing_email_send(*, email_id: int) -> bool:
    """Send one pending e-mail and mark it sent. Returns False if it is gone or was already sent.

    The row stays locked while the message goes out, so two workers given the same id send it once."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutgoingEmail.Status.SENT:
            return False
        try:
            EmailMessage(subject=email.subject, body=with_tokens(email.body), to=[email.to]).send()
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError) as error:
            raise TemporaryMailError(str(error)) from error
        except smtplib.SMTPResponseException as error:
            if 400 <= error.smtp_code < 500:
                raise TemporaryMailError(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["status", "sent_at", "attempts"])
    return True


def outgoing_email_failed(*, email_id: int, error: str, final: bool) -> None:
    OutgoingEmail.objects.filter(pk=email_id).exclude(status=OutgoingEmail.Status.SENT).update(
        attempts=F("attempts") + 1,
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


def outgoing_email_resend(*, actor, email: OutgoingEmail) -> bool:
    """Send a failed e-mail again, on the Secretariat's word. Side effects: audit entry; a send task."""
    from audit.services import audit_log

    with transaction.atomic():
        updated = OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.FAILED).update(
            status=OutgoingEmail.Status.PENDING, attempts=0, last_error=""
        )
        if updated:
            audit_log(actor=actor, action="nominations.email.resent", target=email, note=email.subject)
            transaction.on_commit(lambda: outgoing_email_enqueue(email.pk))
    return bool(updated)


def outgoing_emails_needing_attention():
    """Failed e-mails, and any still pending an hour after they were written."""
    stuck = timezone.now() - datetime.timedelta(hours=1)
    return (
        OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.FAILED) | Q(status=OutgoingEmail.Status.PENDING, created_at__lt=stuck)
        )
        .select_related("project")
        .order_by("-created_at")
    )
