"""Thin Celery wrappers for certificate PDFs (queue `pdf`).

Failures are retried from the database, not by Celery: a failed render leaves its certificate pending with a
time for the next attempt (`services.certificate_render_failed`), and beat's sweep enqueues it once due."""

from celery import shared_task
from django.utils import timezone

from common.queue import enqueue

from . import services


def _claim(task) -> str:
    """A redelivered message (its worker died) may take back the claims it made under the same task id."""
    return task.request.id or ""


def _look_again(task, outcome) -> None:
    """Another run holds some of these certificates: look again when its claim lapses, in case it died."""
    if outcome.held_until and task.request.retries < task.max_retries:
        seconds = max(1, (outcome.held_until - timezone.now()).total_seconds() + 1)
        raise task.retry(countdown=seconds)


@shared_task(bind=True, acks_late=True, max_retries=3, queue="pdf")
def render_certificates(self, certificate_ids: list[int]) -> None:
    """A batch: one WeasyPrint render for all of them, a PDF each."""
    _look_again(self, services.certificates_render(certificate_ids=certificate_ids, claim=_claim(self)))


@shared_task(bind=True, acks_late=True, max_retries=3, queue="pdf")
def render_certificate(self, certificate_id: int) -> None:
    _look_again(self, services.certificates_render(certificate_ids=[certificate_id], claim=_claim(self)))


@shared_task(acks_late=True, queue="pdf")
def render_pending_certificates() -> int:
    """Beat: enqueue certificates still pending a while after they were issued (the broker was down,
    or a worker died holding them). Rendering is idempotent, so a duplicate is harmless."""
    pending = services.certificates_pending_overdue()
    for certificate_id in pending:
        enqueue(render_certificate, certificate_id)
    return len(pending)
