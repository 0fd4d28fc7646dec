"""The closing rule (PRODUCT.md rule 2) in its two forms, on the same data: the Python one that pages,
reminders and messages use for a row already read, and the database one that filters and annotates
projects. And the pages: each button is offered exactly when the service accepts the action, whatever
the deadline and the economy's extension."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from nominations import rules, services
from nominations.models import DeadlineExtension, Nomination
from projects.models import Project
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, economy
from tests.nominations.test_rules import NPO_ACTIONS, NPO_CASES, _actions_offered, _npo_does
from tests.nominations.test_services import candidate

Status = Nomination.Status
pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def _grant(project, code, closes_at):
    DeadlineExtension.objects.create(
        project=project, economy=economy(code), closes_at=closes_at, reason="Holiday", granted_by=SecretariatFactory()
    )


@pytest.fixture
def world():
    """Projects of every status, own closing instant and extension for Sri Lanka (none, earlier than the
    project's own instant, later): the rule is asked for Sri Lanka (LK) and Indonesia (ID, never
    extended). Returns the projects and the instants worth asking at."""
    base = timezone.now().replace(microsecond=0) + 10 * 24 * HOUR
    own_instants = [base - 2 * HOUR, base + 2 * HOUR]
    extensions = [None, -HOUR, +3 * HOUR]  # relative to the project's own instant
    projects = []
    for status, own, extension in itertools.product(Project.Status.values, own_instants, extensions):
        project = ProjectFactory(status=status, nomination_closes_at=own, participating_economies=["LK", "ID"])
        if extension is not None:
            # Granted before the closing date moved past it, for the "earlier" case.
            _grant(project, "LK", own + extension)
        projects.append(project)
    instants = sorted(
        {own + offset for own in own_instants for offset in (-HOUR, 0 * HOUR, HOUR, 3 * HOUR, 4 * HOUR)}
        | {own + datetime.timedelta(microseconds=d) for own in own_instants for d in (-1, 1)}
    )
    return projects, instants


def test_the_economys_closing_instant_is_the_same_computed_in_python_and_in_the_database(world):
    projects, _ = world
    for code in ("LK", "ID"):
        economy_id = economy(code).pk
        annotated = dict(
            Project.objects.filter(pk__in=[p.pk for p in projects])
            .annotate(closes_at=rules.economy_closes_at_expression(economy_id))
            .values_list("pk", "closes_at")
        )
        for project in projects:
            assert annotated[project.pk] == rules.closing_instant_for(project=project, economy_id=economy_id)
            assert annotated[project.pk] >= project.nomination_closes_at


def test_whether_nominations_are_open_is_the_same_in_python_and_in_the_database(world):
    projects, instants = world
    answers = set()
    for code, now in itertools.product(("LK", "ID"), instants):
        economy_id = economy(code).pk
        in_database = set(
            Project.objects.filter(
                rules.nominations_open_q(economy_id, now=now), pk__in=[p.pk for p in projects]
            ).values_list("pk", flat=True)
        )
        in_python = {
            p.pk
            for p in projects
            if rules.nominations_open_at(
                project_status=p.status,
                closes_at=rules.closing_instant_for(project=p, economy_id=economy_id),
                now=now,
            )
        }
        assert in_database == in_python, (code, now)
        for p in projects:
            answers.add((p.pk in in_python, p.status == Project.Status.PUBLISHED and now < p.nomination_closes_at))
    # The data reach every answer: closed, open by the project's own date, and open by an extension only.
    assert answers == {(False, False), (True, True), (True, False)}


def test_an_extension_earlier_than_a_moved_closing_date_changes_nothing():
    own = timezone.now() + 5 * 24 * HOUR
    project = ProjectFactory(nomination_closes_at=own)
    _grant(project, "LK", own - HOUR)
    assert rules.closing_instant_for(project=project, economy_id=economy("LK").pk) == own
    assert rules.nominations_are_open(project=project, economy_id=economy("LK").pk)


def test_the_npo_home_shows_the_economys_closing_instant(login, npo_officer):
    own = timezone.now() - HOUR
    extended = ProjectFactory(nomination_closes_at=own, title="Extended workshop")
    _grant(extended, "LK", timezone.now() + 3 * 24 * HOUR)
    ProjectFactory(nomination_closes_at=own, title="Closed workshop")
    page = login(npo_officer).get(reverse("home")).content.decode()
    assert "Extended workshop" in page and "Closed workshop" not in page
    assert "(extended)" in page


# ---------------------------------------------------------------- the pages ask the same rule

DEADLINES = ["open", "closed", "extended", "extended-for-another", "extension-over"]


def _project(deadline):
    now = timezone.now()
    project = ProjectFactory(
        nomination_closes_at=now + 24 * HOUR if deadline == "open" else now - 24 * HOUR,
        participating_economies=["LK", "ID"],
        required_documents=[],  # the deadline is the point here; tests/nominations/test_documents.py the documents
    )
    if deadline == "extended":
        _grant(project, "LK", now + 24 * HOUR)
    elif deadline == "extended-for-another":
        _grant(project, "ID", now + 24 * HOUR)
    elif deadline == "extension-over":
        _grant(project, "LK", now - HOUR)
    return project


@pytest.mark.parametrize("deadline", DEADLINES)
@pytest.mark.parametrize("status, announced", NPO_CASES)
def test_a_nomination_page_offers_exactly_what_the_service_accepts_whatever_the_deadline(
    login, npo_officer, status, announced, deadline
):
    project = _project(deadline)

    def make():
        return NominationFactory(project=project, status=status, announced_status=announced)

    shown = make()
    page = login(npo_officer).get(reverse("nominations:detail", args=[shown.pk])).content.decode()
    offered = _actions_offered(page, shown.pk) & set(NPO_ACTIONS)
    accepted = {action for action in NPO_ACTIONS if _npo_does(npo_officer, make(), action)}
    assert offered == accepted
    if deadline not in ("open", "extended"):
        assert offered == set()
    elif (status, announced) == (Status.DRAFT, ""):
        assert offered == {"edit", "submit", "withdraw", "attachments"}


@pytest.mark.parametrize("deadline", DEADLINES)
def test_the_economy_page_offers_to_nominate_and_rank_exactly_when_the_service_accepts(login, npo_officer, deadline):
    project = _project(deadline)
    first = NominationFactory(project=project, priority_rank=1, email="first@example.org")
    second = NominationFactory(project=project, priority_rank=2, email="second@example.org")
    page = login(npo_officer).get(reverse("nominations:economy", args=[project.code])).content.decode()
    offers_nominate = f'href="{reverse("nominations:create", args=[project.code])}"' in page
    offers_ranking = f'action="{reverse("nominations:move", args=[second.pk, "up"])}"' in page
    form = login(npo_officer).get(reverse("nominations:create", args=[project.code])).content.decode()
    offers_form = 'name="full_name"' in form

    def accepted(call):
        try:
            call()
        except services.NominationError:
            return False
        return True

    ranks = accepted(
        lambda: services.nominations_reorder(
            actor=npo_officer, project=project, economy_id=first.economy_id, ordered_ids=[second.pk, first.pk]
        )
    )
    nominates = accepted(lambda: services.nomination_create(actor=npo_officer, project=project, data=candidate()))
    assert offers_nominate == offers_form == nominates == (deadline in ("open", "extended"))
    assert offers_ranking == ranks == nominates
