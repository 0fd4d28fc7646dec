"""Deadline reminders: the right ones on the right days, each once (PRODUCT.md rule 7)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from mail.models import OutgoingEmail
from nominations.models import DeadlineExtension, Nomination
from nominations.reminders import reminders_due, reminders_send
from tests.concurrency import at_once
from tests.factories import NominationFactory, ProjectFactory, SessionFactory, economy

UTC = datetime.UTC
CLOSES = datetime.datetime(2030, 3, 1, 14, 59, 59, tzinfo=UTC)  # end of 1 March 2030 in Tokyo


def _kinds(now):
    return sorted((r.kind, r.to) for r in reminders_due(now=now))


@pytest.fixture
def open_project(db):
    return ProjectFactory(
        nomination_closes_at=CLOSES,
        start_date=datetime.date(2030, 4, 1),
        end_date=datetime.date(2030, 4, 3),
        per_economy_limit=2,
        participating_economies=["LK", "PH"],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "before, kind",
    [
        (datetime.timedelta(days=15), None),
        (datetime.timedelta(days=14), "npo-14d"),
        (datetime.timedelta(days=8), "npo-14d"),
        (datetime.timedelta(days=7), "npo-7d"),
        (datetime.timedelta(days=3), "npo-3d"),
        (datetime.timedelta(days=1), "npo-1d"),
        (datetime.timedelta(hours=1), "npo-1d"),
        (-datetime.timedelta(seconds=1), None),
    ],
)
def test_npo_officers_are_reminded_14_7_3_and_1_days_before_closing(open_project, npo_officer, before, kind):
    now = CLOSES - before
    assert _kinds(now) == ([(kind, npo_officer.email)] if kind else [])


@pytest.mark.django_db
def test_each_reminder_goes_once(open_project, npo_officer):
    now = CLOSES - datetime.timedelta(days=7)
    assert reminders_send(now=now) == 1
    assert reminders_send(now=now) == 0
    assert reminders_send(now=now + datetime.timedelta(hours=5)) == 0
    assert OutgoingEmail.objects.filter(to=npo_officer.email).count() == 1
    assert reminders_due(now=now) == []


@pytest.mark.django_db
def test_no_reminder_once_the_economy_has_nominated_up_to_its_limit(open_project, npo_officer):
    NominationFactory(project=open_project, status=Nomination.Status.SUBMITTED)
    NominationFactory(project=open_project, status=Nomination.Status.DRAFT)  # drafts do not count
    now = CLOSES - datetime.timedelta(days=3)
    assert _kinds(now) == [("npo-3d", npo_officer.email)]
    NominationFactory(project=open_project, status=Nomination.Status.SUBMITTED)
    assert _kinds(now) == []


@pytest.mark.django_db
def test_without_a_limit_only_economies_that_nominated_nobody_are_reminded(open_project, npo_officer):
    open_project.per_economy_limit = None
    open_project.save()
    now = CLOSES - datetime.timedelta(days=1)
    assert _kinds(now) == [("npo-1d", npo_officer.email)]
    NominationFactory(project=open_project, status=Nomination.Status.SUBMITTED)
    assert _kinds(now) == []


@pytest.mark.django_db
def test_the_reminder_says_the_deadline_in_the_officers_time_zone_and_what_is_submitted(open_project, npo_officer):
    NominationFactory(project=open_project, status=Nomination.Status.SUBMITTED)
    NominationFactory(project=open_project, status=Nomination.Status.DRAFT)
    reminders_send(now=CLOSES - datetime.timedelta(days=7))
    body = OutgoingEmail.objects.get().body
    assert "Friday 1 March 2030, 20:29 your time (Asia/Colombo)" in body  # 23:59:59 Tokyo = 20:29 Colombo
    assert (
        "Sri Lanka has submitted 1 nomination (at most 2 per economy will be selected), and 1 more is still a draft"
        in body
    )


@pytest.mark.django_db
def test_when_the_closing_date_moves_the_reminders_follow(open_project, npo_officer):
    reminders_send(now=CLOSES - datetime.timedelta(days=7))
    open_project.nomination_closes_at = CLOSES + datetime.timedelta(days=7)
    open_project.save()
    assert _kinds(CLOSES - datetime.timedelta(days=1)) == []  # the old date's last day is now 8 days before
    assert _kinds(CLOSES + datetime.timedelta(days=4)) == [("npo-3d", npo_officer.email)]


@pytest.mark.django_db
def test_an_economy_with_an_extension_is_reminded_of_its_own_date(
    open_project, npo_officer, other_npo_officer, secretariat
):
    DeadlineExtension.objects.create(
        project=open_project,
        economy=economy("LK"),
        closes_at=CLOSES + datetime.timedelta(days=2),
        reason="Holiday",
        granted_by=secretariat,
    )
    now = CLOSES - datetime.timedelta(hours=2)
    assert _kinds(now) == [("npo-1d", other_npo_officer.email), ("npo-3d", npo_officer.email)]


@pytest.mark.django_db
def test_the_secretariat_gets_a_summary_the_day_after_closing(open_project, secretariat):
    NominationFactory.create_batch(2, project=open_project, status=Nomination.Status.SUBMITTED)
    NominationFactory(project=open_project, economy=economy("PH"), status=Nomination.Status.DRAFT)
    assert _kinds(CLOSES - datetime.timedelta(minutes=1)) == []
    assert reminders_send(now=CLOSES + datetime.timedelta(hours=9)) == 1
    email = OutgoingEmail.objects.get(to=secretariat.email)
    assert "closed; 2 submitted" in email.subject
    assert "Sri Lanka: 2" in email.body and "Philippines: 0 / 1 draft" in email.body


@pytest.mark.django_db
def test_selected_participants_get_their_program_two_days_before_the_first_session(db):
    from tests.factories import ParticipantFactory

    project = ProjectFactory(
        nomination_closes_at=CLOSES,
        start_date=datetime.date(2030, 4, 1),
        end_date=datetime.date(2030, 4, 3),
        time_zone="Asia/Colombo",
    )
    SessionFactory(
        project=project,
        title="Opening",
        starts_at=datetime.datetime(2030, 4, 1, 7, 30, tzinfo=UTC),
        ends_at=datetime.datetime(2030, 4, 1, 10, 30, tzinfo=UTC),
    )
    person = ParticipantFactory(email="minh@example.vn", time_zone="Asia/Ho_Chi_Minh")
    NominationFactory(project=project, status=Nomination.Status.SELECTED, participant=person)
    NominationFactory(project=project, status=Nomination.Status.WAITLISTED)
    starts = datetime.datetime(2030, 4, 1, 7, 30, tzinfo=UTC)
    assert _kinds(starts - datetime.timedelta(days=2, minutes=1)) == []
    assert reminders_send(now=starts - datetime.timedelta(days=1)) == 1
    body = OutgoingEmail.objects.get().body
    assert "Mon 1 Apr, 14:30–17:30  Opening" in body and "(Asia/Ho_Chi_Minh)" in body


@pytest.mark.django_db
def test_the_command_lists_what_is_due_and_sends_only_when_asked(open_project, npo_officer):
    out = StringIO()
    at = (CLOSES - datetime.timedelta(days=3)).isoformat()
    call_command("reminders", "--at", at, stdout=out)
    assert f"npo-3d               {open_project.code}" in out.getvalue() and "Dry run" in out.getvalue()
    assert not OutgoingEmail.objects.exists()
    call_command("reminders", "--at", at, "--send", stdout=StringIO())
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_moment_send_each_reminder_once(open_project, npo_officer):
    now = CLOSES - datetime.timedelta(days=7)
    outcomes = at_once(lambda: reminders_send(now=now), lambda: reminders_send(now=now))
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert OutgoingEmail.objects.filter(key__startswith="reminder:").count() == 1
