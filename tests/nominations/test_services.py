"""PRODUCT.md rules 1-4, kept by the services whatever a browser sends."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEntry
from mail.models import OutgoingEmail
from nominations import services
from nominations.models import DeadlineExtension, Nomination
from projects.models import Project
from tests.factories import NominationFactory, ProjectFactory, candidate, documents, economy

Status = Nomination.Status


# ---------------------------------------------------------------- rule 1: only NPO officers, only their economy


@pytest.mark.django_db
def test_an_npo_officer_nominates_for_their_own_economy_at_the_end_of_the_list(npo_officer):
    project = ProjectFactory(hosting_economy=economy("JP"))
    first = services.nomination_create(actor=npo_officer, project=project, data=candidate(email="a@example.org"))
    second = services.nomination_create(
        actor=npo_officer, project=project, data=candidate(email="B@Example.org"), submit=True, documents=documents()
    )
    assert (first.economy.code, first.status, first.priority_rank, first.is_overseas) == ("LK", Status.DRAFT, 1, True)
    assert (second.status, second.priority_rank, second.email) == (Status.SUBMITTED, 2, "b@example.org")
    assert second.submitted_at is not None
    assert list(AuditEntry.objects.filter(target_id=str(second.pk)).values_list("action", flat=True)) == [
        "nominations.nomination.submitted",
        *["nominations.nomination.attachment_uploaded"] * 3,  # its documents, uploaded with it
        "nominations.nomination.created",
    ]


@pytest.mark.django_db
def test_a_candidate_of_the_host_economy_is_local(npo_officer):
    project = ProjectFactory(hosting_economy=economy("LK"))
    assert services.nomination_create(actor=npo_officer, project=project, data=candidate()).is_overseas is False


@pytest.mark.django_db
def test_only_npo_officers_nominate(secretariat, participant):
    project = ProjectFactory()
    for user in (secretariat, participant):
        with pytest.raises(PermissionDenied):
            services.nomination_create(actor=user, project=project, data=candidate())
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_an_economy_that_does_not_participate_cannot_nominate(other_npo_officer):
    project = ProjectFactory(participating_economies=["LK", "ID"])
    with pytest.raises(services.NominationError, match="Philippines does not participate in"):
        services.nomination_create(actor=other_npo_officer, project=project, data=candidate())
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_an_officer_cannot_touch_another_economys_nomination(npo_officer, other_npo_officer):
    project = ProjectFactory(participating_economies=["LK", "PH"])
    theirs = NominationFactory(project=project, economy=economy("PH"), status=Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.nomination_update(actor=npo_officer, nomination=theirs, data={"full_name": "Hijacked"})
    with pytest.raises(PermissionDenied):
        services.nomination_withdraw(actor=npo_officer, nomination=theirs)
    theirs.refresh_from_db()
    assert (theirs.full_name != "Hijacked", theirs.status) == (True, Status.DRAFT)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.CLOSED, Project.Status.CANCELLED])
def test_only_published_projects_take_nominations(npo_officer, status):
    project = ProjectFactory(status=status)
    with pytest.raises(services.NominationError, match="takes no nominations"):
        services.nomination_create(actor=npo_officer, project=project, data=candidate())


# ---------------------------------------------------------------- rule 2: the closing instant, by the database clock


def _closed_project(**kwargs):
    return ProjectFactory(
        nomination_closes_at=timezone.now() - datetime.timedelta(seconds=1), time_zone="Asia/Colombo", **kwargs
    )


@pytest.mark.django_db
def test_nothing_is_nominated_edited_submitted_or_withdrawn_after_the_closing_instant(npo_officer):
    project = _closed_project()
    draft = NominationFactory(project=project, status=Status.DRAFT)
    submitted = NominationFactory(project=project, status=Status.SUBMITTED)
    attempts = [
        lambda: services.nomination_create(actor=npo_officer, project=project, data=candidate()),
        lambda: services.nomination_update(actor=npo_officer, nomination=draft, data={"full_name": "Late"}),
        lambda: services.nomination_submit(actor=npo_officer, nomination=draft),
        lambda: services.nomination_withdraw(actor=npo_officer, nomination=submitted),
        lambda: services.nominations_reorder(
            actor=npo_officer, project=project, economy_id=draft.economy_id, ordered_ids=[submitted.pk, draft.pk]
        ),
    ]
    for attempt in attempts:
        with pytest.raises(services.NominationError, match=f"Nominations for {project.code} closed on"):
            attempt()
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.status, draft.full_name != "Late", submitted.status) == (Status.DRAFT, True, Status.SUBMITTED)
    assert Nomination.objects.count() == 2


@pytest.mark.django_db
def test_the_database_clock_decides_not_the_application_servers(npo_officer, monkeypatch):
    project = _closed_project()
    # A web server whose clock runs an hour slow must not reopen nominations.
    slow = timezone.now() - datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: slow)
    with pytest.raises(services.NominationError, match="closed on"):
        services.nomination_create(actor=npo_officer, project=project, data=candidate())


@pytest.mark.django_db
def test_an_extension_reopens_nominations_for_that_economy_only(npo_officer, other_npo_officer, secretariat):
    project = _closed_project(participating_economies=["LK", "PH"])
    until = timezone.now() + datetime.timedelta(days=2)
    services.deadline_extension_grant(
        actor=secretariat,
        project=project,
        economy=economy("LK"),
        closes_at=until,
        reason="The NPO's server was down on the closing day.",
    )
    nomination = services.nomination_create(actor=npo_officer, project=project, data=candidate())
    assert nomination.economy.code == "LK"
    with pytest.raises(services.NominationError, match="closed on"):
        services.nomination_create(actor=other_npo_officer, project=project, data=candidate(email="x@example.org"))
    entry = AuditEntry.objects.get(action="nominations.extension.granted")
    assert (entry.actor, entry.economy.code, entry.note) == (
        secretariat,
        "LK",
        "The NPO's server was down on the closing day.",
    )


@pytest.mark.django_db
def test_an_extension_needs_a_reason_and_must_end_before_the_project_starts(secretariat, npo_officer):
    project = _closed_project()
    with pytest.raises(services.NominationError, match="Give the reason"):
        services.deadline_extension_grant(
            actor=secretariat,
            project=project,
            economy=economy("LK"),
            closes_at=timezone.now() + datetime.timedelta(days=1),
            reason=" ",
        )
    starts = datetime.datetime.combine(project.start_date, datetime.time(9), tzinfo=project.zone)
    with pytest.raises(services.NominationError, match="must end before the project starts"):
        services.deadline_extension_grant(
            actor=secretariat, project=project, economy=economy("LK"), closes_at=starts, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.deadline_extension_grant(
            actor=npo_officer,
            project=project,
            economy=economy("LK"),
            closes_at=timezone.now() + datetime.timedelta(days=1),
            reason="x",
        )
    assert not DeadlineExtension.objects.exists()


# ---------------------------------------------------------------- one candidate once per project


@pytest.mark.django_db
def test_the_same_candidate_twice_on_one_project_is_refused_with_a_clear_message(npo_officer, other_npo_officer):
    project = ProjectFactory(participating_economies=["LK", "PH"])
    services.nomination_create(actor=npo_officer, project=project, data=candidate(email="an@example.org"))
    for officer in (npo_officer, other_npo_officer):
        with pytest.raises(
            services.NominationError, match=r"This candidate \(same e-mail address\) is already nominated"
        ):
            services.nomination_create(actor=officer, project=project, data=candidate(email="AN@example.org "))
    assert Nomination.objects.count() == 1
    # on another project the same person is welcome
    services.nomination_create(actor=npo_officer, project=ProjectFactory(), data=candidate(email="an@example.org"))


@pytest.mark.django_db
def test_a_withdrawn_candidate_can_be_nominated_again(npo_officer):
    project = ProjectFactory()
    first = services.nomination_create(
        actor=npo_officer, project=project, data=candidate(), submit=True, documents=documents()
    )
    services.nomination_withdraw(actor=npo_officer, nomination=first)
    again = services.nomination_create(actor=npo_officer, project=project, data=candidate())
    assert again.status == Status.DRAFT and again.priority_rank == 1


# ---------------------------------------------------------------- rule 4: the allowed moves, recorded


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start, to, allowed",
    [
        (Status.SUBMITTED, Status.SELECTED, True),
        (Status.SUBMITTED, Status.WAITLISTED, True),
        (Status.SUBMITTED, Status.REJECTED, True),
        (Status.WAITLISTED, Status.SELECTED, True),
        (Status.SELECTED, Status.WAITLISTED, True),
        (Status.REJECTED, Status.SUBMITTED, True),
        (Status.WAITLISTED, Status.SUBMITTED, True),
        (Status.REJECTED, Status.SELECTED, False),
        (Status.WITHDRAWN, Status.SELECTED, False),
        (Status.WITHDRAWN, Status.SUBMITTED, False),
        (Status.DRAFT, Status.SELECTED, False),
    ],
)
def test_the_secretariat_moves_a_nomination_only_along_allowed_transitions(secretariat, start, to, allowed):
    nomination = NominationFactory(status=start)
    if allowed:
        services.nomination_decide(actor=secretariat, nomination=nomination, to=to, note="Strong profile")
        entry = AuditEntry.objects.get(target_id=str(nomination.pk))
        assert (entry.actor, entry.changes, entry.note, entry.economy.code) == (
            secretariat,
            {"status": [start, to]},
            "Strong profile",
            "LK",
        )
    else:
        with pytest.raises(services.NominationError):
            services.nomination_decide(actor=secretariat, nomination=nomination, to=to)
        assert not AuditEntry.objects.exists()
    nomination.refresh_from_db()
    assert nomination.status == (to if allowed else start)


@pytest.mark.django_db
def test_deciding_twice_records_once(secretariat):
    nomination = NominationFactory()
    services.nomination_decide(actor=secretariat, nomination=nomination, to=Status.SELECTED)
    services.nomination_decide(actor=secretariat, nomination=nomination, to=Status.SELECTED)
    assert AuditEntry.objects.filter(action="nominations.nomination.selected").count() == 1


@pytest.mark.django_db
def test_npo_officers_do_not_decide(npo_officer):
    nomination = NominationFactory()
    with pytest.raises(PermissionDenied):
        services.nomination_decide(actor=npo_officer, nomination=nomination, to=Status.SELECTED)
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED


@pytest.mark.django_db
def test_after_closing_only_the_secretariat_records_a_withdrawal_with_a_reason(npo_officer, secretariat):
    project = _closed_project()
    nomination = NominationFactory(project=project, status=Status.SELECTED)
    with pytest.raises(services.NominationError, match="closed on"):
        services.nomination_withdraw(actor=npo_officer, nomination=nomination)
    with pytest.raises(services.NominationError, match="Give the reason"):
        services.nomination_withdraw(actor=secretariat, nomination=nomination)
    services.nomination_withdraw(actor=secretariat, nomination=nomination, reason="NPO e-mail of 3 May: candidate ill")
    nomination.refresh_from_db()
    assert nomination.status == Status.WITHDRAWN


# ---------------------------------------------------------------- rule 3: the limits


@pytest.mark.django_db
def test_selection_never_exceeds_the_per_economy_limit(secretariat):
    project = ProjectFactory(per_economy_limit=2)
    first, second, third = NominationFactory.create_batch(3, project=project)
    for nomination in (first, second):
        services.nomination_decide(actor=secretariat, nomination=nomination, to=Status.SELECTED)
    with pytest.raises(
        services.NominationError, match="Sri Lanka already has 2 selected participants: the limit is 2 per economy."
    ):
        services.nomination_decide(actor=secretariat, nomination=third, to=Status.SELECTED)
    third.refresh_from_db()
    assert third.status == Status.SUBMITTED
    # another economy still has its seats
    services.nomination_decide(
        actor=secretariat, nomination=NominationFactory(project=project, economy=economy("ID")), to=Status.SELECTED
    )


@pytest.mark.django_db
def test_selection_never_exceeds_the_overseas_or_local_numbers(secretariat):
    project = ProjectFactory(overseas_participants=1, local_participants=1, hosting_economy=economy("JP"))
    overseas = NominationFactory.create_batch(2, project=project, is_overseas=True)
    local = NominationFactory.create_batch(2, project=project, economy=economy("JP"), is_overseas=False)
    services.nomination_decide(actor=secretariat, nomination=overseas[0], to=Status.SELECTED)
    services.nomination_decide(actor=secretariat, nomination=local[0], to=Status.SELECTED)
    with pytest.raises(services.NominationError, match="All 1 overseas places are taken."):
        services.nomination_decide(actor=secretariat, nomination=overseas[1], to=Status.SELECTED)
    with pytest.raises(services.NominationError, match="All 1 local places are taken."):
        services.nomination_decide(actor=secretariat, nomination=local[1], to=Status.SELECTED)
    assert Nomination.objects.filter(status=Status.SELECTED).count() == 2


@pytest.mark.django_db
def test_bulk_selection_takes_the_npos_order_and_stops_at_the_limit(secretariat):
    project = ProjectFactory(per_economy_limit=2)
    ranked = [NominationFactory(project=project, priority_rank=rank, full_name=f"Rank {rank}") for rank in (3, 1, 2)]
    decided, refused = services.nominations_decide_bulk(
        actor=secretariat, project=project, nomination_ids=[n.pk for n in ranked], to=Status.SELECTED, note="Batch 1"
    )
    assert [n.full_name for n in decided] == ["Rank 1", "Rank 2"]
    assert refused == ["Sri Lanka already has 2 selected participants: the limit is 2 per economy."]
    assert set(Nomination.objects.filter(status=Status.SELECTED).values_list("full_name", flat=True)) == {
        "Rank 1",
        "Rank 2",
    }


@pytest.mark.django_db
def test_when_a_selected_participant_withdraws_the_next_wait_listed_of_that_economy_is_suggested(secretariat):
    from nominations.selectors import promotion_suggestions

    project = ProjectFactory(per_economy_limit=1)
    selected = NominationFactory(project=project, status=Status.SELECTED, priority_rank=1)
    NominationFactory(project=project, status=Status.WAITLISTED, priority_rank=3, full_name="Third")
    second = NominationFactory(project=project, status=Status.WAITLISTED, priority_rank=2, full_name="Second")
    assert promotion_suggestions(project) == []
    services.nomination_withdraw(actor=secretariat, nomination=selected, reason="Cannot travel")
    assert promotion_suggestions(project) == [second]


# ---------------------------------------------------------------- ranking


@pytest.mark.django_db
def test_the_npo_reorders_its_candidates_without_retyping(npo_officer):
    project = ProjectFactory()
    a, b, c = (
        services.nomination_create(
            actor=npo_officer, project=project, data=candidate(email=f"{x}@example.org", full_name=x)
        )
        for x in "ABC"
    )
    services.nomination_move(actor=npo_officer, nomination=c, up=True)
    services.nomination_move(actor=npo_officer, nomination=c, up=True)
    order = list(
        Nomination.objects.filter(project=project).order_by("priority_rank").values_list("full_name", flat=True)
    )
    assert order == ["C", "A", "B"]
    with pytest.raises(services.NominationError, match="The list changed"):
        services.nominations_reorder(
            actor=npo_officer, project=project, economy_id=a.economy_id, ordered_ids=[a.pk, b.pk]
        )


# ---------------------------------------------------------------- the announcement


@pytest.mark.django_db(transaction=True)
def test_the_announcement_sends_each_email_once_and_invites_selected_candidates(secretariat, npo_officer, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from apo_portal.celery import app

    app.conf.task_always_eager = True
    try:
        project = ProjectFactory()
        chosen = NominationFactory(
            project=project, status=Status.SELECTED, email="chosen@example.org", full_name="Chosen One"
        )
        NominationFactory(project=project, status=Status.WAITLISTED, full_name="Next In Line")
        queued = services.project_announce(actor=secretariat, project=project, base_url="https://portal.example.org")
        assert queued == {"outcomes": 1, "invitations": 1}
        assert sorted(m.to[0] for m in mail.outbox) == ["chosen@example.org", "npo@npslanka.gov.lk"]
        outcome = next(m for m in mail.outbox if m.to == ["npo@npslanka.gov.lk"])
        assert "Chosen One: Selected" in outcome.body and "Next In Line: Wait-listed" in outcome.body
        invitation = next(m for m in mail.outbox if m.to == ["chosen@example.org"])
        assert "https://portal.example.org/accounts/invitation/" in invitation.body
        chosen.refresh_from_db()
        assert chosen.participant.email == "chosen@example.org" and chosen.participant.is_participant

        again = services.project_announce(actor=secretariat, project=project, base_url="https://portal.example.org")
        assert again == {"outcomes": 0, "invitations": 0}
        assert len(mail.outbox) == 2
        assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 2
    finally:
        app.conf.task_always_eager = False


@pytest.mark.django_db
def test_an_announcement_needs_decisions(secretariat):
    with pytest.raises(services.NominationError, match="nothing to announce"):
        services.project_announce(actor=secretariat, project=ProjectFactory(), base_url="https://x")
