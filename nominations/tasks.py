"""Thin Celery wrappers: they take ids, look the row up, and call a service."""

from celery import shared_task
from django.db import OperationalError

from apo_portal.queue import enqueue

from . import mail


@shared_task(bind=True, acks_late=True, max_retries=5, queue="email")
def send_outgoing_email(self, email_id: int) -> None:
    try:
        mail.outgoing_email_send(email_id=email_id)
    except OperationalError as error:
        # The database was too busy to claim the e-mail (nothing was sent): try again soon; beat's sweep
        # also finds it pending.
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=5 * (self.request.retries + 1)) from error
        raise
    except mail.TemporaryMailError as error:
        final = self.request.retries >= self.max_retries
        mail.outgoing_email_failed(email_id=email_id, error=str(error), final=final)
        if not final:
            raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 900)) from error


@shared_task(acks_late=True, queue="email")
def deliver_pending_emails() -> int:
    """Beat: enqueue e-mails still pending a while after they were written (the broker was down when
    they were decided). Sending is idempotent, so an e-mail enqueued twice is still sent once."""
    pending = mail.outgoing_emails_overdue()
    for email_id in pending:
        enqueue(send_outgoing_email, email_id)
    return len(pending)


@shared_task(acks_late=True, queue="email")
def send_due_reminders() -> int:
    """Beat: queue every reminder that is due; the database refuses any sent before."""
    from .reminders import reminders_send

    return reminders_send()
