"""attendance.participation: the Python and the database forms of full participation agree on the same data,
for every nomination of several projects, and so do the pages' and reports' figures built on them."""

import datetime

import pytest
from django.utils import timezone

from attendance import selectors
from attendance.models import EligibilityOverride, Mark
from attendance.participation import (
    ATTENDED,
    eligible_q,
    sessions_attended,
    sessions_attended_of,
    took_part_in_every_session,
    took_part_in_every_session_q,
)
from certificates.models import Certificate
from certificates.selectors import certificate_rows, certificates_needing_decision
from nominations.models import Nomination
from projects.models import Session
from reports.models import ProjectFigures
from reports.services import figures_refresh
from tests.factories import NominationFactory, ProjectFactory, SessionFactory

P, L, A, E = Mark.Status.PRESENT, Mark.Status.LATE, Mark.Status.ABSENT, Mark.Status.EXCUSED
SELECTED, WITHDRAWN = Nomination.Status.SELECTED, Nomination.Status.WITHDRAWN


def test_attended_is_present_or_late_and_nothing_else():
    assert set(ATTENDED) == {P, L}
    assert sessions_attended([P, L, A, E, None]) == 2
    assert took_part_in_every_session(attended=3, sessions=3) is True
    assert took_part_in_every_session(attended=2, sessions=3) is False
    assert took_part_in_every_session(attended=0, sessions=0) is False  # no sessions: no full participation


@pytest.fixture
def projects(secretariat):
    """Three projects: one with three sessions (the last still to come), one with none, one with two. Their
    nominations, by name: (status, a mark per session or None, an override, a valid certificate)."""
    now = timezone.now()
    three = ProjectFactory(code="26-CP-01-GE-WSP-A")
    for day in (-3, -2, 5):
        SessionFactory(project=three, starts_at=now + datetime.timedelta(days=day))
    none = ProjectFactory(code="26-CP-02-GE-WSP-A")
    two = ProjectFactory(code="26-CP-03-GE-WSP-A")
    for day in (-10, -9):
        SessionFactory(project=two, starts_at=now + datetime.timedelta(days=day))
    plan = {
        three: {
            "every one present or late": (SELECTED, [P, L, P], False, True),
            "the session to come not yet marked": (SELECTED, [P, P, None], False, False),
            "one absent": (SELECTED, [P, A, P], False, True),
            "one excused": (SELECTED, [E, P, P], True, False),
            "no mark at all, by override": (SELECTED, [None, None, None], True, True),
            "every one late": (SELECTED, [L, L, L], True, False),
            "withdrawn after attending": (WITHDRAWN, [P, P, P], False, False),
            "withdrawn, absent": (WITHDRAWN, [A, None, None], False, False),
        },
        none: {
            "a project without sessions": (SELECTED, [], False, True),
            "without sessions, by override": (SELECTED, [], True, False),
        },
        two: {
            "both present": (SELECTED, [P, P], False, True),
            "both present, by override too": (SELECTED, [P, L], True, True),
            "one unmarked": (SELECTED, [P, None], False, True),
        },
    }
    for project, people in plan.items():
        sessions = list(project.sessions.order_by("starts_at"))
        for name, (status, marks, override, certified) in people.items():
            nomination = NominationFactory(project=project, full_name=name, status=status)
            for session, mark in zip(sessions, marks, strict=True):
                if mark:
                    Mark.objects.create(session=session, nomination=nomination, status=mark, source="staff", set_at=now)
            if override:
                EligibilityOverride.objects.create(nomination=nomination, reason="Was ill", granted_by=secretariat)
            if certified:
                Certificate.objects.create(
                    project=project,
                    nomination=nomination,
                    sequence=nomination.pk,
                    serial=f"APO-{project.code}-{nomination.pk:03d}",
                    holder_name=name,
                )
    # A mark of a participant of one project in another project's session is no part of either.
    stray = Nomination.objects.get(full_name="one unmarked")
    Mark.objects.create(session=sessions_of(three)[2], nomination=stray, status=P, source="staff", set_at=now)
    return three, none, two


def sessions_of(project) -> list[Session]:
    return list(project.sessions.order_by("starts_at"))


def python_forms() -> dict[int, tuple[int, bool, bool]]:
    """Each nomination's (sessions attended, every session, eligible) from its own marks, read into Python."""
    result = {}
    for nomination in Nomination.objects.select_related("project"):
        session_ids = {session.pk for session in nomination.project.sessions.all()}
        statuses = [mark.status for mark in nomination.marks.all() if mark.session_id in session_ids]
        attended = sessions_attended(statuses)
        complete = took_part_in_every_session(attended=attended, sessions=len(session_ids))
        override = EligibilityOverride.objects.filter(nomination=nomination).exists()
        result[nomination.pk] = (attended, complete, complete or override)
    return result


def database_forms() -> dict[int, tuple[int, bool, bool]]:
    """The same, computed by the database: the count per row, and the rows each filter keeps."""
    attended = dict(Nomination.objects.annotate(attended=sessions_attended_of()).values_list("pk", "attended"))
    complete = set(Nomination.objects.filter(took_part_in_every_session_q()).values_list("pk", flat=True))
    eligible = set(Nomination.objects.filter(eligible_q()).values_list("pk", flat=True))
    return {pk: (count, pk in complete, pk in eligible) for pk, count in attended.items()}


def names(pks) -> set[str]:
    return set(Nomination.objects.filter(pk__in=pks).values_list("full_name", flat=True))


def assert_the_forms_agree(projects):
    python = python_forms()
    assert database_forms() == python
    # The register, an import's preview and issuing: each participant's row, from the counted marks.
    for project in projects:
        rows = selectors.participation(selectors.participants_of(project), project)
        participants = Nomination.objects.filter(project=project, status=SELECTED).values_list("pk", flat=True)
        assert {row.nomination.pk: (row.attended, row.complete, row.eligible) for row in rows} == {
            pk: python[pk] for pk in participants
        }
    # The certificates whose holder is no longer eligible: on the home page (SQL) and each project's page.
    valid = Certificate.objects.filter(revoked_at__isnull=True)
    flagged = {c.pk for c in valid if not python[c.nomination_id][2]}
    assert {c.pk for c in certificates_needing_decision()} == flagged
    on_pages = {row.certificate.pk for p in projects for row in certificate_rows(p) if row.needs_decision}
    assert on_pages == flagged
    # The reports' "attended every session": the selected participants who took part in every session.
    figures_refresh([p.pk for p in projects])
    for project in projects:
        stored = sum(ProjectFigures.objects.filter(project=project).values_list("attended_all", flat=True))
        selected = Nomination.objects.filter(project=project, status=SELECTED).values_list("pk", flat=True)
        assert stored == sum(python[pk][1] for pk in selected)
    return python


@pytest.mark.django_db
def test_the_python_and_the_database_forms_agree_for_every_nomination(projects):
    python = assert_the_forms_agree(projects)

    assert names(pk for pk, (_, complete, _) in python.items() if complete) == {
        "every one present or late",
        "every one late",
        "withdrawn after attending",
        "both present",
        "both present, by override too",
    }
    assert names(pk for pk, (_, complete, eligible) in python.items() if eligible and not complete) == {
        "one excused",
        "no mark at all, by override",
        "without sessions, by override",
    }
    assert names(c.nomination_id for c in certificates_needing_decision()) == {
        "one absent",
        "a project without sessions",
        "one unmarked",
    }


@pytest.mark.django_db
def test_they_agree_again_once_sessions_are_added_later(projects):
    three, none, two = projects
    SessionFactory(project=none)
    later = SessionFactory(project=two, starts_at=timezone.now() + datetime.timedelta(days=1))
    Mark.objects.create(
        session=later,
        nomination=Nomination.objects.get(full_name="both present"),
        status=L,
        source="staff",
        set_at=timezone.now(),
    )

    python = assert_the_forms_agree(projects)

    assert names(pk for pk, (_, complete, _) in python.items() if complete) == {
        "every one present or late",
        "every one late",
        "withdrawn after attending",
        "both present",
    }
    assert names(c.nomination_id for c in certificates_needing_decision()) == {
        "one absent",
        "a project without sessions",
        "one unmarked",
    }  # "both present, by override too" keeps theirs by the override
