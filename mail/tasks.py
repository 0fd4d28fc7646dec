"""Thin Celery wrappers: they take ids, look the row up, and call a service."""

from celery import shared_task
from django.db import OperationalError

from common.queue import enqueue

from . import services


@shared_task(bind=True, acks_late=True, max_retries=5, queue="email")
def send_outgoing_email(self, email_id: int) -> None:
    """Send one e-mail. What the mail server says is recorded on the row by the service, and the row's retry
    policy (`mail/retry.py`), not this task's retries, decides when it is tried again: beat's sweep enqueues
    it then."""
    try:
        services.outgoing_email_send(email_id=email_id)
    except OperationalError as error:
        # The database would not let the e-mail be claimed or written (nothing was sent): try again soon; beat's
        # sweep also finds it pending.
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=5 * (self.request.retries + 1)) from error
        raise


@shared_task(acks_late=True, queue="email")
def send_outgoing_emails(email_ids: list[int]) -> None:
    """Give each of the e-mails owed together its own send task. The worker that owed them, a PDF worker with a
    batch of certificates, asks the broker once instead of once an e-mail; each e-mail is still sent by its
    own task, with its own retries and time limit, by whichever e-mail worker is free. Delivered twice, it
    enqueues them twice, which sends each once."""
    for email_id in email_ids:
        enqueue(send_outgoing_email, email_id)


@shared_task(acks_late=True, queue="email")
def deliver_pending_emails() -> int:
    """Beat, every 20 s: enqueue the e-mails whose attempt is due (never taken by the broker, or their retry's
    wait over), and take back those a crash left being sent. Sending is idempotent, so an e-mail enqueued
    twice is still sent once."""
    return services.outgoing_emails_sweep()


# The names these tasks had while the outbox lived in `nominations`, kept for one release: a message already
# in the queue (a send enqueued, a retry counting down, or beat's entry from a beat not yet restarted) names
# its task by that string, and a worker that knows no such name drops the message. Each only hands over to the
# task above (a send is enqueued anew, with its own retries), so there is one code path; remove them in the
# release after this one.
@shared_task(name="nominations.tasks.send_outgoing_email", acks_late=True, queue="email")
def send_outgoing_email_under_its_old_name(email_id: int) -> None:
    enqueue(send_outgoing_email, email_id)


@shared_task(name="nominations.tasks.deliver_pending_emails", acks_late=True, queue="email")
def deliver_pending_emails_under_its_old_name() -> int:
    return deliver_pending_emails()
