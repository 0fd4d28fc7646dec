"""Keeping `ProjectFigures` equal to what the nominations, sessions, marks and certificates say."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Sum

from attendance.models import Mark
from attendance.participation import ATTENDED
from common import generations
from common.db import count_of
from nominations import rules as nomination_rules
from nominations.models import Nomination
from projects.models import Project

from .models import ProjectFigures
from .selectors import COUNTED, GENERATION, Status, attended_every_session, certified

REBUILD_BATCH = 100  # projects per transaction in a rebuild: short locks, bounded memory


def _figures_of(project_ids: list[int]) -> list[ProjectFigures]:
    groups = (
        Nomination.objects.filter(project_id__in=project_ids)
        .values("project_id", "economy_id", "gender")
        .annotate(
            nominated=Count("id", filter=COUNTED),
            selected=Count("id", filter=Q(status=Status.SELECTED)),
            selected_announced=Count("id", filter=nomination_rules.npo_seen_as_q(Status.SELECTED)),
            attended_all=Count("id", filter=attended_every_session()),
            certified=Count("id", filter=certified()),
            selected_certified=Count("id", filter=Q(status=Status.SELECTED) & certified()),
            attended_marks=Sum(
                count_of(Mark.objects.filter(nomination=OuterRef("pk"), status__in=ATTENDED), "nomination"),
                filter=Q(status=Status.SELECTED),
                default=0,
            ),
        )
        .order_by()
    )
    return [ProjectFigures(**group) for group in groups if group["nominated"] or group["certified"]]


def figures_refresh(project_ids: Iterable[int]) -> None:
    """Replace the stored figures of these projects with ones computed from their records now.

    Run after the changes have committed. The projects' rows are locked first, so that two refreshes
    of one project take turns, and the second, reading after the first has committed, writes last."""
    project_ids = sorted(set(project_ids))
    if not project_ids:
        return
    with transaction.atomic():
        locked = list(Project.objects.select_for_update().filter(pk__in=project_ids).values_list("pk", flat=True))
        ProjectFigures.objects.filter(project_id__in=project_ids).delete()
        ProjectFigures.objects.bulk_create(_figures_of(locked))
    figures_changed()


def figures_changed() -> None:
    """Every cached report table is out of date (`selectors.summary_tables`). Call it after the change
    has committed: a table computed before the commit would otherwise be kept under the new token."""
    generations.advance(GENERATION)


def figures_rebuild() -> int:
    """Recompute the figures of every project: after data was changed behind the services' backs (a
    bulk load, a fix in SQL). Returns the number of projects."""
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(project_ids), REBUILD_BATCH):
        figures_refresh(project_ids[start : start + REBUILD_BATCH])
    return len(project_ids)
