"""The figures of the reports, each computed by an aggregate query in the database (no loop over rows).

The funnel per economy: nominated (submitted, whatever became of it) → selected → attended every
session → certified (a valid certificate). Figures follow the filters (year, economy, type, modality)
and, for an NPO officer, their own economy only. The funnel and the gender balance add up the figures
stored per project (`ProjectFigures`, computed by `reports.services` with the expressions below).

The dashboard's summary tables are cached per filter until anything they count changes: every change
draws a new generation token (`reports.services.figures_changed`), and the cache keys contain it."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Economy
from attendance.models import Mark
from attendance.participation import ATTENDED, took_part_in_every_session_q
from certificates.models import Certificate
from common import generations
from common.db import count_of
from nominations.models import Nomination
from projects.models import Project, Session

from .models import ProjectFigures

Status = Nomination.Status
COUNTED = ~Q(status__in=[Status.DRAFT, Status.WITHDRAWN])


def _sum_of(figures: QuerySet, field: str) -> Subquery:
    """A correlated SUM of one column of the stored figures per outer project, 0 when there are none."""
    summed = figures.order_by().values("project").annotate(n=Sum(field)).values("n")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


def attended_every_session() -> Q:
    """A selected nomination whose participant took part in every session (attendance.participation)."""
    return Q(status=Status.SELECTED) & took_part_in_every_session_q()


def certified() -> Q:
    return Q(Exists(Certificate.objects.filter(nomination=OuterRef("pk"), revoked_at__isnull=True)))


@dataclass
class Filters:
    year: int | None = None
    economy: Economy | None = None
    project_type: str = ""
    modality: str = ""
    # An NPO's reports count a selection once it is announced (PRODUCT.md rule 11).
    announced_only: bool = False

    @property
    def selected_field(self) -> str:
        return "selected_announced" if self.announced_only else "selected"


def projects_in_scope(filters: Filters) -> QuerySet[Project]:
    projects = Project.objects.exclude(status__in=[Project.Status.DRAFT, Project.Status.CANCELLED])
    if filters.year:
        projects = projects.filter(start_date__year=filters.year)
    if filters.project_type:
        projects = projects.filter(project_type=filters.project_type)
    if filters.modality:
        projects = projects.filter(modality=filters.modality)
    if filters.economy:
        projects = projects.filter(participating_economies=filters.economy)
    return projects


def figures_in_scope(filters: Filters) -> QuerySet[ProjectFigures]:
    figures = ProjectFigures.objects.filter(project__in=projects_in_scope(filters))
    if filters.economy:
        figures = figures.filter(economy=filters.economy)
    return figures


def projects_held(filters: Filters) -> int:
    """Projects that took place: ended, neither draft nor cancelled."""
    return projects_in_scope(filters).filter(end_date__lt=timezone.localdate()).count()


def funnel_by_economy(filters: Filters) -> list[dict]:
    return list(
        figures_in_scope(filters)
        .values("economy__name", "economy__code")
        .annotate(
            nominated=Sum("nominated"),
            selected=Sum(filters.selected_field),
            attended_all=Sum("attended_all"),
            certified=Sum("certified"),
        )
        .order_by("economy__name")
    )


def gender_balance(filters: Filters) -> list[dict]:
    labels = dict(Nomination.Gender.choices)
    rows = (
        figures_in_scope(filters)
        .filter(**{f"{filters.selected_field}__gt": 0})
        .values("gender")
        .annotate(selected=Sum(filters.selected_field), certified=Sum("selected_certified"))
        .order_by("gender")
    )
    return [{**row, "label": labels.get(row["gender"], row["gender"])} for row in rows]


def attendance_by_project(filters: Filters) -> QuerySet[Project]:
    """Each project with its participants, sessions and attended marks; the rate is attended over
    participants × sessions. Participants and marks are those of the filtered economy, if one is set."""
    figures = ProjectFigures.objects.filter(project=OuterRef("pk"))
    if filters.economy:
        figures = figures.filter(economy=filters.economy)
    return (
        projects_in_scope(filters)
        .filter(start_date__lte=timezone.localdate())
        .only("code", "title", "start_date")  # what the table and its export show; not the long texts
        .annotate(
            participant_count=_sum_of(figures, filters.selected_field),
            session_count=count_of(Session.objects.filter(project=OuterRef("pk")), "project"),
            attended_count=_sum_of(figures, "attended_marks"),
        )
        .order_by("-start_date", "code")
    )


def attendance_totals(filters: Filters) -> dict:
    """The totals row of `attendance_by_project`, over every page: participants, sessions, attended marks,
    and the rate of all of them together (attended over the sum of participants × sessions), cached like
    the tables. One query."""

    def compute():
        # Summed here, not by the database: the counts are subqueries, which SQL cannot sum in the same query.
        # Three integers a project, read once an hour at most for each set of filters.
        rows = (
            attendance_by_project(filters)
            .order_by()
            .values_list("participant_count", "session_count", "attended_count")
        )
        participants = sessions = attended = possible = 0
        for participant_count, session_count, attended_count in rows:
            participants += participant_count or 0
            sessions += session_count or 0
            attended += attended_count or 0
            possible += (participant_count or 0) * (session_count or 0)
        return {
            "participant_count": participants,
            "session_count": sessions,
            "attended_count": attended,
            "rate": attended / possible if possible else None,
        }

    return cache.get_or_set(f"{_cache_key('attendance', filters)}:totals", compute, CACHE_SECONDS)


def totals_of(rows, keys) -> dict:
    """The totals row of a table of dicts: the sum of each of `keys`."""
    return {key: sum(row[key] or 0 for row in rows) for key in keys}


def attendance_rate(project) -> float | None:
    possible = project.participant_count * project.session_count
    return project.attended_count / possible if possible else None


def report_years() -> list[int]:
    return cache.get_or_set(
        f"reports:years:{generations.current(GENERATION)}",
        lambda: [
            d.year
            for d in Project.objects.exclude(status=Project.Status.DRAFT).dates("start_date", "year", order="DESC")
        ],
        CACHE_SECONDS,
    )


# ---------------------------------------------------------------- cached summary tables

GENERATION = "reports"  # see common.generations
CACHE_SECONDS = 60 * 60  # an upper bound: a change makes them unreachable at once


def _cache_key(kind: str, filters: Filters) -> str:
    return ":".join(
        [
            f"reports:{kind}",
            generations.current(GENERATION),
            today().isoformat(),  # "held" counts the projects that ended before today, "attendance" began
            str(filters.year or ""),
            filters.economy.code if filters.economy else "",
            filters.project_type,
            filters.modality,
            "announced" if filters.announced_only else "",
        ]
    )


def summary_tables(filters: Filters) -> dict:
    """Projects held, the funnel per economy and the gender balance under these filters."""
    return cache.get_or_set(
        _cache_key("tables", filters),
        lambda: {
            "held": projects_held(filters),
            "funnel": funnel_by_economy(filters),
            "gender": gender_balance(filters),
        },
        CACHE_SECONDS,
    )


@dataclass(frozen=True)
class ProjectAttendance:
    """A row of `attendance_by_project`, as the dashboard keeps it in the cache."""

    code: str
    title: str
    start_date: datetime.date
    participant_count: int
    session_count: int
    attended_count: int

    @property
    def rate(self) -> float | None:
        return attendance_rate(self)


ATTENDANCE_PAGE_SIZE = 25


def attendance_page(filters: Filters, number) -> Page:
    """A page of `attendance_by_project` (any `number` the request gave; a wrong one gives the first or
    the last page), cached like the summary tables: the count once per filters, the rows per page."""
    key = _cache_key("attendance", filters)
    count = cache.get_or_set(f"{key}:count", lambda: attendance_by_project(filters).count(), CACHE_SECONDS)
    page = Paginator(range(count), ATTENDANCE_PAGE_SIZE).get_page(number)  # the numbers, without a query
    if count:
        page.object_list = cache.get_or_set(
            f"{key}:page:{page.number}",
            lambda: [
                ProjectAttendance(p.code, p.title, p.start_date, p.participant_count, p.session_count, p.attended_count)
                for p in attendance_by_project(filters)[page.start_index() - 1 : page.end_index()]
            ],
            CACHE_SECONDS,
        )
    else:
        page.object_list = []
    return page


# ---------------------------------------------------------------- one project


def project_sessions_attendance(project: Project, economy=None) -> list[Session]:
    marks = Mark.objects.filter(session=OuterRef("pk"), nomination__status=Status.SELECTED)
    if economy:
        marks = marks.filter(nomination__economy=economy)
    return list(
        project.sessions.annotate(
            attended=count_of(marks.filter(status__in=ATTENDED), "session"),
            absent=count_of(marks.filter(status=Mark.Status.ABSENT), "session"),
            excused=count_of(marks.filter(status=Mark.Status.EXCUSED), "session"),
        ).order_by("starts_at")
    )


def project_sessions_totals(sessions: list[Session], participants: int) -> dict:
    """The totals row of `project_sessions_attendance`: marks by kind over all sessions, and the rate of
    attended marks over participants × sessions."""
    totals = {key: sum(getattr(session, key) for session in sessions) for key in ("attended", "absent", "excused")}
    possible = participants * len(sessions)
    return {**totals, "rate": totals["attended"] / possible if possible else None}


def project_decisions(project: Project) -> dict:
    counts = dict(project.nominations.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {label: counts.get(value, 0) for value, label in Status.choices}


def project_certificates(project: Project) -> dict:
    return Certificate.objects.filter(project=project).aggregate(
        valid=Count("id", filter=Q(revoked_at__isnull=True, render_status=Certificate.RenderStatus.RENDERED)),
        pending=Count("id", filter=Q(revoked_at__isnull=True) & ~Q(render_status=Certificate.RenderStatus.RENDERED)),
        revoked=Count("id", filter=Q(revoked_at__isnull=False)),
    )


def today() -> datetime.date:
    return timezone.localdate()
