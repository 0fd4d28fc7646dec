"""Reads of attendance that depend on who is asking."""

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Now
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.module_loading import import_string

from common.db import Bounded, bounded, count_of
from nominations import rules as nomination_rules
from nominations.models import Nomination
from projects.models import Project, Session

from .models import Mark
from .participation import Participation, with_participation


def participants_of(project: Project) -> QuerySet[Nomination]:
    """A project's participants: its selected nominations."""
    return (
        Nomination.objects.filter(project=project, status=Nomination.Status.SELECTED)
        .select_related("economy")
        .order_by("economy__name", "full_name", "id")
    )


def participants_visible_to(user, project: Project) -> QuerySet[Nomination]:
    """Secretariat: every participant. NPO officer: their economy's, once announced (PRODUCT.md rule 11).
    Participant: themselves."""
    participants = participants_of(project)
    if user.is_secretariat:
        return participants
    if user.is_npo_officer:
        return participants.filter(
            nomination_rules.npo_seen_as_q(Nomination.Status.SELECTED), economy_id=user.economy_id
        )
    if user.is_participant:
        return participants.filter(participant=user)
    return participants.none()


def economy_selection_state(project: Project, economy_id: int) -> str:
    """Why an NPO officer's economy has no participant to show in a project it takes part in:
    "none_nominated", "awaiting_announcement" (its candidates are still under review, rule 11) or
    "none_selected" (announced, and none was selected). One query."""
    nominations = Nomination.objects.filter(project=project, economy_id=economy_id).exclude(
        status=Nomination.Status.DRAFT
    )
    seen = nominations.aggregate(submitted=Count("pk"), announced=Count("pk", filter=~Q(announced_status="")))
    if not seen["submitted"]:
        return "none_nominated"
    return "none_selected" if seen["announced"] else "awaiting_announcement"


def participation(
    participants: QuerySet[Nomination], project: Project, *, total: int | None = None
) -> list[Participation]:
    if total is None:
        total = project.sessions.count()
    return [
        Participation(nomination=n, attended=n.attended, total=total, override=n.has_override)
        for n in with_participation(participants, project)
    ]


STATUS_LABELS = dict(Mark.Status.choices)
SOURCE_LABELS = dict(Mark.Source.choices)


class CellMark(NamedTuple):
    """A mark as a table of participants shows it: read as a tuple, not a model instance (a register of 60
    participants × 6 sessions has 360 of them, each with who set it)."""

    status: str
    source: str
    minutes: int | None  # inside the session, by a meeting report
    set_by_name: str | None  # None: nobody (the user is gone); for a self check-in, the participant
    # A self check-in: when, the start of the code's window, and the device (address, user agent).
    checked_in_at: datetime.datetime | None = None
    code_shown_at: datetime.datetime | None = None
    client_address: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, mark: Mark) -> "CellMark":
        check_in = mark.check_in if mark.check_in_id else None
        return cls(
            mark.status,
            mark.source,
            mark.minutes,
            mark.set_by.full_name if mark.set_by else None,
            *(
                (check_in.at, check_in.window_starts_at, check_in.client_address, check_in.user_agent)
                if check_in
                else ()
            ),
        )

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def title(self) -> str:
        """The status, how it was set, minutes in the session and by whom; for a self check-in, when, with the
        code of which moment, and from which device."""
        parts = [self.label, SOURCE_LABELS.get(self.source, self.source)]
        if self.minutes is not None:
            parts.append(f"{self.minutes} min")
        if self.set_by_name is not None:
            parts.append(self.set_by_name)
        if self.checked_in_at is not None:
            parts.append(f"at {timezone.localtime(self.checked_in_at):%d %b %H:%M:%S}")
            parts.append(f"code shown from {timezone.localtime(self.code_shown_at):%H:%M:%S}")
            parts.append(f"from {self.client_address or 'an unknown address'}")
            if self.user_agent:
                parts.append(self.user_agent[:120])
        return " · ".join(parts)


CELL_FIELDS = (
    "nomination_id",
    "session_id",
    "status",
    "source",
    "minutes",
    "set_by__full_name",
    "check_in__at",
    "check_in__window_starts_at",
    "check_in__client_address",
    "check_in__user_agent",
)


def marks_by_cell(sessions: list[Session], nominations: list[Nomination]) -> dict[tuple[int, int], CellMark]:
    """The marks of these participants in these sessions by (nomination id, session id): one query."""
    marks = Mark.objects.filter(session__in=[s.pk for s in sessions], nomination__in=[n.pk for n in nominations])
    return {
        (n, s): CellMark(status, source, minutes, by, at, shown, address, agent or "")
        for n, s, status, source, minutes, by, at, shown, address, agent in marks.values_list(*CELL_FIELDS)
    }


def register(project: Project, participants: QuerySet[Nomination]) -> dict:
    """A table of participants by session: the project's sessions, each participant's participation (`rows`)
    and their marks by (nomination id, session id). Three queries, whatever the size."""
    sessions = list(project.sessions.all())
    rows = participation(participants, project, total=len(sessions))
    return {"sessions": sessions, "rows": rows, "marks": marks_by_cell(sessions, [row.nomination for row in rows])}


@dataclass(frozen=True)
class ShownCertificates:
    """What the participants page and a participant's project page show of the project's certificates."""

    downloadable: dict[int, Any]  # by nomination id: the valid certificates the viewer may download
    revoked: list  # the revoked ones the viewer may see, each with what replaces it


def certificates_shown_to(user, project: Project) -> ShownCertificates:
    """The project's certificates as these pages show them to `user`.

    Certificates build on attendance (the apps' one-way order: attendance → certificates), so attendance
    imports nothing of them: it calls the function `settings.ATTENDANCE_PAGE_CERTIFICATES` names, as the
    outbox calls the sending hooks of accounts (`settings.MAIL_SENDING_HOOKS`)."""
    return import_string(settings.ATTENDANCE_PAGE_CERTIFICATES)(user=user, project=project)


def session_for_secretariat(*, project: Project, session_id: int) -> Session:
    return get_object_or_404(Session.objects.select_related("project"), pk=session_id, project=project)


# ---------------------------------------------------------------- what the home pages gather


def projects_with_attendance_to_record(*, limit: int) -> Bounded:
    """For the Secretariat: projects with participants and a session that has ended with no mark at all (a
    meeting report to import, or the register to fill in), earliest session first, each with
    `sessions_unrecorded` (how many)."""
    unrecorded = Session.objects.filter(project=OuterRef("pk"), ends_at__lte=Now()).exclude(
        Exists(Mark.objects.filter(session=OuterRef("pk")))
    )
    participants = Nomination.objects.filter(project=OuterRef("pk"), status=Nomination.Status.SELECTED)
    projects = (
        Project.objects.filter(
            Exists(unrecorded),
            Exists(participants),
            status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED, Project.Status.COMPLETED],
        )
        .only("code", "title", "modality", "start_date", "end_date", "time_zone")
        .annotate(sessions_unrecorded=count_of(unrecorded, "project"))
        .order_by("start_date", "code")
    )
    return bounded(projects, limit)


def sessions_of_participant(user, *, limit: int) -> list[Session]:
    """A participant's sessions not yet ended (with the check-in grace), in the projects they were selected
    for, soonest first: the first is their next session."""
    grace = datetime.timedelta(minutes=settings.CHECK_IN_GRACE_MINUTES)
    return list(
        Session.objects.filter(
            project__nominations__participant=user,
            project__nominations__status=Nomination.Status.SELECTED,
            project__status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED, Project.Status.COMPLETED],
            ends_at__gte=timezone.now() - grace,
        )
        .select_related("project")
        .order_by("starts_at", "pk")[:limit]
    )
