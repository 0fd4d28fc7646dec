"""Thin Celery wrappers for the notification PDFs (queue `pdf`)."""

from celery import shared_task

from common.queue import enqueue

from . import services


@shared_task(bind=True, acks_late=True, max_retries=3, queue="pdf")
def print_notification(self, version_id: int) -> None:
    try:
        services.notification_version_print(version_id=version_id)
    except Exception as error:  # a print can fail for passing reasons (memory, a killed worker): retry
        final = self.request.retries >= self.max_retries
        services.notification_version_failed(
            version_id=version_id, error=f"{type(error).__name__}: {error}", final=final
        )
        if final:
            return
        raise self.retry(exc=error, countdown=min(20 * 2**self.request.retries, 600)) from error


@shared_task(acks_late=True, queue="pdf")
def print_pending_notifications() -> int:
    """Beat: enqueue notification versions still pending a while after they were asked for (the broker
    was down, or a worker died holding one). Printing is idempotent, so a duplicate is harmless."""
    pending = services.notification_versions_pending_overdue()
    for version_id in pending:
        enqueue(print_notification, version_id)
    return len(pending)
