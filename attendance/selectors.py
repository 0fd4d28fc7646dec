"""Reads of attendance that depend on who is asking."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from nominations.models import Nomination
from projects.models import Project, Session

from .models import ATTENDED, EligibilityOverride, Mark


def participants_of(project: Project) -> QuerySet[Nomination]:
    """A project's participants: its selected nominations."""
    return (
        Nomination.objects.filter(project=project, status=Nomination.Status.SELECTED)
        .select_related("economy")
        .order_by("economy__name", "full_name", "id")
    )


def participants_visible_to(user, project: Project) -> QuerySet[Nomination]:
    """Secretariat: every participant. NPO officer: their economy's. Participant: themselves."""
    participants = participants_of(project)
    if user.is_secretariat:
        return participants
    if user.is_npo_officer:
        return participants.filter(economy_id=user.economy_id)
    if user.is_participant:
        return participants.filter(participant=user)
    return participants.none()


def with_participation(participants: QuerySet[Nomination], project: Project) -> QuerySet[Nomination]:
    """Each participant annotated with `attended` (sessions present or late), `session_total` (every
    scheduled session of the project, also those still to come) and `has_override`."""
    return participants.annotate(
        attended=Count("marks", filter=Q(marks__status__in=ATTENDED, marks__session__project=project), distinct=True),
        has_override=Exists(EligibilityOverride.objects.filter(nomination=OuterRef("pk"))),
    )


@dataclass
class Participation:
    nomination: Nomination
    attended: int
    total: int
    override: bool

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.attended >= self.total

    @property
    def eligible(self) -> bool:
        """Eligible for the certificate: every session attended, or a recorded Secretariat override."""
        return self.complete or self.override


def participation(
    participants: QuerySet[Nomination], project: Project, *, total: int | None = None
) -> list[Participation]:
    if total is None:
        total = project.sessions.count()
    return [
        Participation(nomination=n, attended=n.attended, total=total, override=n.has_override)
        for n in with_participation(participants, project)
    ]


def register(project: Project, participants: QuerySet[Nomination]) -> dict:
    """The grid: sessions, participants with their participation, and marks by (nomination, session)."""
    sessions = list(project.sessions.all())
    rows = participation(participants, project, total=len(sessions))
    marks = {
        (mark.nomination_id, mark.session_id): mark
        for mark in Mark.objects.filter(session__project=project, nomination__in=participants).select_related("set_by")
    }
    return {"sessions": sessions, "rows": rows, "marks": marks}


def session_for_secretariat(*, project: Project, session_id: int) -> Session:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Session.objects.select_related("project"), pk=session_id, project=project)
