"""Thin Celery wrappers: they take ids, look the row up, and call a service."""

from celery import shared_task

from . import reminders


@shared_task(acks_late=True, queue="email")
def send_due_reminders() -> int:
    """Beat: queue every reminder that is due; the database refuses any sent before."""
    return reminders.reminders_send()
