"""Refresh a project's stored figures after a transaction that changed its records commits.

A receiver rather than a call in each service: the figures are derived data, like a cache, and every
write of a nomination, session, mark or certificate must reach them, whichever service (or the demo
loader, or an admin) made it. Writes that send no signal (`QuerySet.update()`, `bulk_create()`, raw SQL)
must be followed by `manage.py refresh_report_figures`; the application's own writes of that kind touch
only fields the figures do not use (a certificate's rendering state, an e-mail's status).

All the projects touched by one transaction are refreshed once, together, after it commits; nothing is
refreshed if it rolls back. A change to a project itself refreshes nothing, but its status, dates, type
and economies decide what a filter adds up, so it too makes the cached report tables out of date."""

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import Economy
from attendance.models import Mark
from certificates.models import Certificate
from nominations.models import Nomination
from projects.models import Project, Session

from .services import figures_changed, figures_refresh


class _PendingRefresh:
    """The on-commit callback of one transaction, collecting its projects. It lives in Django's list
    of on-commit callbacks, so a rollback discards it with the rest."""

    def __init__(self):
        self.project_ids: set[int] = set()
        self.done = False

    def __call__(self):
        self.done = True
        figures_refresh(self.project_ids)


def figures_stale(project_id: int) -> None:
    """Refresh the project's figures after the current transaction commits (at once, outside one)."""
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _PendingRefresh) and not callback.done:
            callback.project_ids.add(project_id)
            return
    pending = _PendingRefresh()
    pending.project_ids.add(project_id)
    # robust: the change has committed; a refresh that fails is logged (and redone by the nightly rebuild)
    # rather than turned into an error page for a change that was made.
    transaction.on_commit(pending, robust=True)


@receiver([post_save, post_delete], sender=Nomination)
@receiver([post_save, post_delete], sender=Session)
@receiver([post_save, post_delete], sender=Certificate)
def _project_record_changed(sender, instance, **kwargs):
    figures_stale(instance.project_id)


@receiver([post_save, post_delete], sender=Mark)
def _mark_changed(sender, instance, origin=None, **kwargs):
    if origin is not None and getattr(origin, "model", type(origin)) is not Mark:
        return  # deleted along with its session or nomination, whose own signal names the project
    if Mark.session.is_cached(instance):
        project_id = instance.session.project_id
    else:
        project_id = Session.objects.filter(pk=instance.session_id).values_list("project_id", flat=True).first()
    if project_id is not None:
        figures_stale(project_id)


@receiver([post_save, post_delete], sender=Project)
@receiver(m2m_changed, sender=Project.participating_economies.through)
@receiver(post_save, sender=Economy)
def _project_changed(sender, **kwargs):
    """A project's status, dates, type or economies decide which figures a filter adds up; the cached
    tables also hold the economies' names."""
    transaction.on_commit(figures_changed, robust=True)
