"""Thin Celery wrappers for certificate PDFs (queue `pdf`)."""

from celery import shared_task

from common.queue import enqueue

from . import services


@shared_task(bind=True, acks_late=True, max_retries=3, queue="pdf")
def render_certificate(self, certificate_id: int) -> None:
    try:
        services.certificate_render(certificate_id=certificate_id)
    except Exception as error:  # a render can fail for passing reasons (memory, a killed worker): retry
        final = self.request.retries >= self.max_retries
        services.certificate_render_failed(
            certificate_id=certificate_id, error=f"{type(error).__name__}: {error}", final=final
        )
        if final:
            return
        raise self.retry(exc=error, countdown=min(20 * 2**self.request.retries, 600)) from error


@shared_task(acks_late=True, queue="pdf")
def render_pending_certificates() -> int:
    """Beat: enqueue certificates still pending a while after they were issued (the broker was down,
    or a worker died holding them). Rendering is idempotent, so a duplicate is harmless."""
    pending = services.certificates_pending_overdue()
    for certificate_id in pending:
        enqueue(render_certificate, certificate_id)
    return len(pending)
