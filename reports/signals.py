"""Refresh a project's stored figures after a transaction that changed its records commits.

The services that write a nomination, session, mark or certificate say so explicitly
(`projects.changes.project_records_changed_on_commit`); the figures of each project that one transaction
changed are refreshed once after it commits, and nothing is refreshed if it rolls back. Writes made
behind the services' backs (an admin form, `QuerySet.update()`, `bulk_create()`, SQL by hand, a bulk
load) must be followed by `manage.py refresh_report_figures`; beat runs it nightly as well.

A change to a project itself refreshes nothing, but its status, dates, type and economies decide what a
filter adds up, so it too makes the cached report tables out of date."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import Economy
from projects.changes import project_records_changed
from projects.models import Project

from .services import figures_changed, figures_refresh


@receiver(project_records_changed)
def _project_records_changed(sender, project_id, **kwargs):
    figures_refresh([project_id])


@receiver([post_save, post_delete], sender=Project)
@receiver(m2m_changed, sender=Project.participating_economies.through)
@receiver(post_save, sender=Economy)
def _project_changed(sender, **kwargs):
    """A project's status, dates, type or economies decide which figures a filter adds up; the cached
    tables also hold the economies' names."""
    transaction.on_commit(figures_changed, robust=True)
