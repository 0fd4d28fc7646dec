"""The predicates of nominations/rules.py: a page offers exactly what the services accept, and an NPO never
learns a decision before it is announced (PRODUCT.md rules 4 and 11)."""

import datetime
import itertools
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nominations import rules, services
from nominations.models import DeadlineExtension, Nomination
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, economy
from tests.pages import page_text

Status = Nomination.Status
pytestmark = pytest.mark.django_db


def _actions_offered(page: str, pk: int) -> set[str]:
    """The actions on one nomination a page offers: its forms' targets and its edit link."""
    offered = set(re.findall(rf'action="/nominations/{pk}/([a-z_]+)/"', page))
    if f'href="/nominations/{pk}/edit/"' in page:
        offered.add("edit")
    return offered


def _accepted(call) -> bool:
    try:
        call()
    except (services.NominationError, PermissionDenied):
        return False
    return True


# ---------------------------------------------------------------- the Secretariat (issue 14, item 7)

SECRETARIAT_ACTIONS = [Status.SELECTED, Status.WAITLISTED, Status.REJECTED, Status.SUBMITTED, "withdraw"]


def _secretariat_does(actor, nomination, action) -> bool:
    """Whether the service moves the nomination (deciding what it already is moves nothing)."""
    before = nomination.status
    if action == "withdraw":
        call = lambda: services.nomination_withdraw(actor=actor, nomination=nomination, reason="On the NPO's word")  # noqa: E731
    else:
        call = lambda: services.nomination_decide(actor=actor, nomination=nomination, to=action)  # noqa: E731
    if not _accepted(call):
        return False
    nomination.refresh_from_db()
    return nomination.status != before


def test_the_secretariat_cannot_withdraw_a_rejected_nomination(secretariat):
    nomination = NominationFactory(status=Status.REJECTED)
    with pytest.raises(services.NominationError, match="A rejected nomination cannot be withdrawn."):
        services.nomination_withdraw(actor=secretariat, nomination=nomination, reason="The NPO asked")
    nomination.refresh_from_db()
    assert nomination.status == Status.REJECTED


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.SELECTED, Status.WAITLISTED, Status.REJECTED, Status.WITHDRAWN]
)
def test_the_secretariat_is_offered_exactly_the_moves_the_service_accepts(login, secretariat, status):
    project = ProjectFactory()
    shown = NominationFactory(project=project, status=status)
    page = login(secretariat).get(reverse("nominations:detail", args=[shown.pk])).content.decode()
    offered = _actions_offered(page, shown.pk)
    accepted = {
        action
        for action in SECRETARIAT_ACTIONS
        if _secretariat_does(secretariat, NominationFactory(project=project, status=status), action)
    }
    assert offered == accepted
    assert offered == set(rules.SECRETARIAT_TRANSITIONS.get(status, ())) - {Status.WITHDRAWN} | (
        {"withdraw"} if Status.WITHDRAWN in rules.SECRETARIAT_TRANSITIONS.get(status, ()) else set()
    )


# ---------------------------------------------------------------- an NPO officer

PDF = b"%PDF-1.7\n%test\n"
NPO_ACTIONS = ["edit", "submit", "withdraw", "attachments"]
# (status, announced status): what the Secretariat decided, and what the NPO was told.
NPO_CASES = [
    (Status.DRAFT, ""),
    (Status.SUBMITTED, ""),
    (Status.SELECTED, ""),  # tentative
    (Status.WAITLISTED, ""),
    (Status.REJECTED, ""),
    (Status.SELECTED, Status.SELECTED),  # announced
    (Status.WAITLISTED, Status.WAITLISTED),
    (Status.REJECTED, Status.REJECTED),
    (Status.SUBMITTED, Status.REJECTED),  # reinstated since the announcement
    (Status.WAITLISTED, Status.SELECTED),  # moved since the announcement
    (Status.WITHDRAWN, ""),
]


def _npo_does(actor, nomination, action) -> bool:
    calls = {
        "edit": lambda: services.nomination_update(actor=actor, nomination=nomination, data={"designation": "Head"}),
        "submit": lambda: services.nomination_submit(actor=actor, nomination=nomination),
        "withdraw": lambda: services.nomination_withdraw(actor=actor, nomination=nomination),
        "attachments": lambda: services.attachment_upload(
            actor=actor, nomination=nomination, kind="cv", uploaded=SimpleUploadedFile("cv.pdf", PDF)
        ),
    }
    before = nomination.status
    if not _accepted(calls[action]):
        return False
    nomination.refresh_from_db()
    return action in ("edit", "attachments") or nomination.status != before  # submitting twice moves nothing


@pytest.mark.parametrize("is_open", [True, False], ids=["open", "closed"])
@pytest.mark.parametrize("status, announced", NPO_CASES)
def test_an_npo_officer_is_offered_exactly_what_the_service_accepts(login, npo_officer, status, announced, is_open):
    closes = timezone.now() + datetime.timedelta(days=1 if is_open else -1)
    project = ProjectFactory(nomination_closes_at=closes)

    def make():
        return NominationFactory(project=project, status=status, announced_status=announced)

    shown = make()
    page = login(npo_officer).get(reverse("nominations:detail", args=[shown.pk])).content.decode()
    offered = _actions_offered(page, shown.pk) & set(NPO_ACTIONS)
    accepted = {action for action in NPO_ACTIONS if _npo_does(npo_officer, make(), action)}
    assert offered == accepted
    if not is_open:
        assert offered == set()


@pytest.mark.parametrize("decision", sorted(rules.DECISIONS))
def test_an_npo_page_does_not_tell_a_tentative_decision_from_none(login, npo_officer, secretariat, decision):
    """The same page, buttons and history for a candidate the Secretariat decided on as for one it did not,
    until the announcement."""
    project = ProjectFactory()
    undecided = NominationFactory(project=project, full_name="Chamari Jayasinghe", email="a@example.org")
    decided = NominationFactory(project=project, full_name="Chamari Jayasinghe", email="b@example.org")
    services.nomination_decide(actor=secretariat, nomination=decided, to=decision, note="Strong candidate")

    def seen(nomination):
        body = login(npo_officer).get(reverse("nominations:detail", args=[nomination.pk])).content.decode()
        body = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "CSRF", body)
        return body.replace(f"/nominations/{nomination.pk}/", "/nominations/PK/").replace(nomination.email, "EMAIL")

    assert seen(decided) == seen(undecided)
    assert "Under review" in page_text(login(npo_officer).get(reverse("nominations:detail", args=[decided.pk])))


# ---------------------------------------------------------------- what an NPO sees


@pytest.mark.parametrize(
    "status, announced", [(s, a) for s, a in itertools.product(Status.values, ["", *sorted(rules.DECISIONS)])]
)
def test_the_status_an_npo_sees_is_the_same_on_a_page_and_in_a_count(npo_officer, secretariat, status, announced):
    nomination = NominationFactory(status=status, announced_status=announced)
    for user in (npo_officer, secretariat):
        seen = rules.status_seen_by(user, nomination)
        matching = {s for s in Status.values if Nomination.objects.filter(rules.seen_as_q(user, s)).exists()}
        assert matching == {seen}
    assert rules.status_seen_by(secretariat, nomination) == status
    if status not in rules.SEEN_AS_THEY_ARE and not announced:
        assert rules.status_seen_by(npo_officer, nomination) == Status.SUBMITTED


def test_a_decision_reaches_the_npo_with_the_announcement_and_a_later_one_with_the_next(secretariat, npo_officer):
    project = ProjectFactory()
    nomination = NominationFactory(project=project)
    services.nomination_decide(actor=secretariat, nomination=nomination, to=Status.SELECTED)
    nomination.refresh_from_db()
    assert rules.status_seen_by(npo_officer, nomination) == Status.SUBMITTED
    services.project_announce(actor=secretariat, project=project, base_url="https://portal.example")
    nomination.refresh_from_db()
    assert rules.status_seen_by(npo_officer, nomination) == Status.SELECTED
    services.nomination_decide(actor=secretariat, nomination=nomination, to=Status.WAITLISTED)
    nomination.refresh_from_db()
    assert rules.status_seen_by(npo_officer, nomination) == Status.SELECTED  # what it was told, until told again
    services.project_announce(actor=secretariat, project=project, base_url="https://portal.example")
    nomination.refresh_from_db()
    assert rules.status_seen_by(npo_officer, nomination) == Status.WAITLISTED


# ---------------------------------------------------------------- the order of priority


def _extended_project():
    """Sri Lanka nominates during an extension, after the project's own closing instant."""
    project = ProjectFactory(nomination_closes_at=timezone.now() - datetime.timedelta(days=1))
    DeadlineExtension.objects.create(
        project=project,
        economy=economy("LK"),
        closes_at=timezone.now() + datetime.timedelta(days=2),
        reason="Holiday",
        granted_by=SecretariatFactory(),
    )
    return project


def _ranks(project) -> dict[str, int]:
    return dict(Nomination.objects.filter(project=project).values_list("full_name", "priority_rank"))


def test_the_order_of_priority_is_fixed_once_the_secretariat_decides_without_telling_whom(
    login, npo_officer, secretariat
):
    project = _extended_project()
    selected = NominationFactory(project=project, full_name="Amara", priority_rank=1)
    NominationFactory(project=project, full_name="Bandula", priority_rank=2)
    services.nomination_decide(actor=secretariat, nomination=selected, to=Status.SELECTED)
    client = login(npo_officer)

    page = client.get(reverse("nominations:economy", args=[project.code]))
    text = page_text(page)
    assert "Move " not in page.content.decode()
    assert services.RANKING_FIXED in text
    assert "Selected" not in text and text.count("Under review") == 2
    refusals = []
    for nomination in Nomination.objects.filter(project=project).order_by("priority_rank"):
        direction = "down" if nomination.priority_rank == 1 else "up"
        response = client.post(reverse("nominations:move", args=[nomination.pk, direction]), follow=True)
        refusals.append(services.RANKING_FIXED in page_text(response))
    assert refusals == [True, True]  # the same answer for the selected candidate and the other
    assert _ranks(project) == {"Amara": 1, "Bandula": 2}


def test_before_any_decision_the_npo_ranks_during_its_extension(login, npo_officer):
    project = _extended_project()
    NominationFactory(project=project, full_name="Amara", priority_rank=1)
    bandula = NominationFactory(project=project, full_name="Bandula", priority_rank=2)
    client = login(npo_officer)
    page = client.get(reverse("nominations:economy", args=[project.code])).content.decode()
    assert 'aria-label="Move Bandula up"' in page
    client.post(reverse("nominations:move", args=[bandula.pk, "up"]))
    assert _ranks(project) == {"Amara": 2, "Bandula": 1}
