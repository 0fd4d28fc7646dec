"""Predicates on projects: where a project may move, and whether it is before its own closing date.

Nominations depend on the economy's closing instant, extensions included: that rule is
`nominations.rules`, above this app. What is here knows only the project's own date."""

from django.db.models import Q
from django.db.models.functions import Now

from .models import Project

Status = Project.Status

# Which statuses a project may move to from each status.
PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED, Status.CANCELLED}),
    Status.PUBLISHED: frozenset({Status.CLOSED, Status.CANCELLED}),
    Status.CLOSED: frozenset({Status.COMPLETED, Status.CANCELLED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}


def project_transitions(user, project: Project) -> frozenset[str]:
    """Where `user` may move the project from its status: the Secretariat only."""
    if not (user.is_authenticated and user.is_secretariat):
        return frozenset()
    return PROJECT_TRANSITIONS[project.status]


def before_own_closing_date_q() -> Q:
    """Published projects before their own closing instant, by the database clock, whatever extensions
    some economies have. For the Secretariat's "closing soon" list: the project's date is the one its
    notification printed and the one after which selection begins (the "awaiting selection" list); an
    extension lets one economy finish late, it does not move the project's date. Whether an economy may
    still nominate is `nominations.rules.nominations_open_q`."""
    return Q(status=Status.PUBLISHED, nomination_closes_at__gt=Now())
