"""Reads of projects that depend on who is asking. Views reach projects only through these."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Now
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Economy
from common.db import Bounded, bounded

from .models import PUBLIC_STATUSES, NotificationVersion, Project, Session
from .notifications.reader import NotificationReading, read_notification
from .rules import before_own_closing_date_q

# What the public catalogue shows; its cached pages are kept under this generation (common.generations).
CATALOGUE_GENERATION = "catalogue"


def projects_public() -> QuerySet[Project]:
    return Project.objects.filter(status__in=PUBLIC_STATUSES)


def projects_visible_to(user) -> QuerySet[Project]:
    """Secretariat staff see every project; everyone else sees published ones (drafts are 404)."""
    if user.is_authenticated and user.is_secretariat:
        return Project.objects.all()
    return projects_public()


def project_get_for_viewer(*, user, code: str) -> Project:
    return get_object_or_404(projects_visible_to(user).select_related("hosting_economy"), code=code)


def project_get_for_secretariat(*, code: str) -> Project:
    return get_object_or_404(Project.objects.select_related("hosting_economy"), code=code)


def project_list(
    *, base: QuerySet[Project], q="", year=None, project_type="", modality="", economy=None, status=""
) -> QuerySet[Project]:
    """Filter a project queryset as the catalogue and the Secretariat's list do."""
    projects = base.select_related("hosting_economy")
    if q:
        projects = projects.filter(Q(title__icontains=q) | Q(code__icontains=q))
    if year:
        projects = projects.filter(start_date__year=year)
    if project_type:
        projects = projects.filter(project_type=project_type)
    if modality:
        projects = projects.filter(modality=modality)
    if economy:
        projects = projects.filter(participating_economies=economy)
    if status:
        projects = projects.filter(status=status)
    return projects.order_by("-start_date", "code")


def catalogue_years() -> list[int]:
    return [
        d.year for d in Project.objects.filter(status__in=PUBLIC_STATUSES).dates("start_date", "year", order="DESC")
    ]


def project_years() -> list[int]:
    return [d.year for d in Project.objects.dates("start_date", "year", order="DESC")]


def projects_needing_attention(*, limit: int = 10) -> dict[str, Bounded]:
    """What a program officer should look at today, each list oldest problem first, with its count. What
    waits on nominations, attendance or certificates is asked of those apps (home/views.py)."""
    base = Project.objects.select_related("hosting_economy")
    soon = Now() + datetime.timedelta(days=14)
    return {
        "drafts": bounded(base.filter(status=Project.Status.DRAFT).order_by("start_date", "code"), limit),
        "closing_soon": bounded(
            base.filter(before_own_closing_date_q(), nomination_closes_at__lte=soon).order_by(
                "nomination_closes_at", "code"
            ),
            limit,
        ),
        "without_program": bounded(
            base.filter(status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED])
            .exclude(Exists(Session.objects.filter(project=OuterRef("pk"))))
            .order_by("start_date", "code"),
            limit,
        ),
    }


def project_sessions_by_day(project: Project) -> list[tuple[datetime.date, list]]:
    """The program grouped by day in the project's time zone, as the notification prints it."""

    days: dict[datetime.date, list] = {}
    for session in project.sessions.all():
        day = timezone.localtime(session.starts_at, project.zone).date()
        days.setdefault(day, []).append(session)
    return list(days.items())


def project_participation(project: Project) -> dict:
    """The participating economies, and whether they are all the member economies (the notification
    then says "All member countries")."""
    economies = list(project.participating_economies.all())
    return {"participating_economies": economies, "all_economies": len(economies) == Economy.objects.count()}


def notification_reading(text: str) -> NotificationReading:
    """A project read from a notification's text, against the member economies the portal holds."""
    return read_notification(text, Economy.objects.order_by("name").values_list("code", "name"))


def notification_versions(project: Project) -> list[NotificationVersion]:
    """The notification PDFs the portal printed for the project, the latest first."""
    return list(
        project.notification_versions.filter(status=NotificationVersion.Status.PRINTED)
        .only("number", "printed_at", "size", "pdf", "project_id")
        .order_by("-number")
    )
