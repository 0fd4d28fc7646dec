"""Thin Celery wrappers: they take ids, look the rows up, and call a service."""

from celery import shared_task

from .services import figures_rebuild


@shared_task(acks_late=True)
def rebuild_figures() -> int:
    """Beat, nightly: recompute every project's stored figures, so that a change made without the
    application (which sends no signal) shows in the reports by the next morning at the latest."""
    return figures_rebuild()
