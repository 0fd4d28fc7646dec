"""projects/rules.py: the project page offers exactly the moves `project_transition` accepts, and the
project's own closing date is what the Secretariat's "closing soon" list goes by."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from nominations.models import DeadlineExtension
from projects import rules, services
from projects.models import Project
from tests.factories import ProjectFactory, SecretariatFactory, economy

Status = Project.Status
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", Status.values)
def test_a_project_page_offers_exactly_the_moves_the_service_accepts(login, secretariat, status):
    shown = ProjectFactory(status=status)
    page = login(secretariat).get(reverse("projects:detail", args=[shown.code])).content.decode()
    offered = set(re.findall(rf'href="/manage/projects/{shown.code}/status/([a-z]+)/"', page))
    accepted = set()
    for to in Status.values:
        project = ProjectFactory(status=status)
        try:
            moved = services.project_transition(project=project, actor=secretariat, to=to, note="The host withdrew.")
        except services.ProjectTransitionError:
            continue
        if to != status:
            accepted.add(to)
            assert moved.status == to
            entry = AuditEntry.objects.get(action=f"projects.project.{to}", target_id=str(project.pk))
            assert entry.changes == {"status": [status, to]}
    assert offered == accepted == set(rules.PROJECT_TRANSITIONS[status])


def test_only_the_secretariat_may_move_a_project(npo_officer):
    assert rules.project_transitions(npo_officer, ProjectFactory()) == frozenset()


def test_closing_soon_goes_by_the_projects_own_date_not_an_economys_extension():
    now = timezone.now()
    soon = ProjectFactory(nomination_closes_at=now + datetime.timedelta(days=3))
    closed = ProjectFactory(nomination_closes_at=now - datetime.timedelta(hours=1))
    DeadlineExtension.objects.create(
        project=closed,
        economy=economy("LK"),
        closes_at=now + datetime.timedelta(days=2),
        reason="Holiday",
        granted_by=SecretariatFactory(),
    )
    ProjectFactory(status=Status.DRAFT, nomination_closes_at=now + datetime.timedelta(days=3))
    found = set(Project.objects.filter(rules.before_own_closing_date_q()).values_list("pk", flat=True))
    assert soon.pk in found and closed.pk not in found
