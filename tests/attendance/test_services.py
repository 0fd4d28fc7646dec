"""PRODUCT.md rule 5: the certificate needs every session; marks and overrides are recorded."""

import datetime
import time
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from attendance import selectors, services
from attendance.models import CheckIn, EligibilityOverride, Mark
from audit.models import AuditEntry
from nominations.models import Nomination
from projects.models import Project
from tests.factories import NominationFactory, ParticipantFactory, ProjectFactory, SessionFactory

Status = Mark.Status


def _project_with_sessions(n=3, **kwargs):
    project = ProjectFactory(**kwargs)
    sessions = [
        SessionFactory(
            project=project,
            title=f"Day {i + 1}",
            starts_at=datetime.datetime.combine(project.start_date, datetime.time(9 + i), tzinfo=project.zone),
            ends_at=datetime.datetime.combine(project.start_date, datetime.time(9 + i, 50), tzinfo=project.zone),
        )
        for i in range(n)
    ]
    return project, sessions


def _participation(project, nomination):
    return next(
        p for p in selectors.participation(selectors.participants_of(project), project) if p.nomination == nomination
    )


@pytest.mark.django_db
def test_eligible_only_when_every_session_is_attended_and_late_counts(secretariat):
    project, sessions = _project_with_sessions(3)
    nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED)
    services.mark_set(actor=secretariat, session=sessions[0], nomination=nomination, status=Status.PRESENT)
    services.mark_set(actor=secretariat, session=sessions[1], nomination=nomination, status=Status.LATE)
    row = _participation(project, nomination)
    assert (row.attended, row.total, row.eligible) == (2, 3, False)  # the session still to come counts too
    services.mark_set(actor=secretariat, session=sessions[2], nomination=nomination, status=Status.EXCUSED)
    assert _participation(project, nomination).eligible is False  # excused is not attended
    services.mark_set(actor=secretariat, session=sessions[2], nomination=nomination, status=Status.PRESENT)
    row = _participation(project, nomination)
    assert (row.attended, row.eligible) == (3, True)


@pytest.mark.django_db
def test_a_project_without_sessions_makes_nobody_eligible():
    project = ProjectFactory()
    nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED)
    assert _participation(project, nomination).eligible is False


@pytest.mark.django_db
def test_an_override_needs_a_written_reason_and_is_audited(secretariat, npo_officer):
    project, sessions = _project_with_sessions(2)
    nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED)
    with pytest.raises(services.AttendanceError, match="Write the reason"):
        services.eligibility_override_grant(actor=secretariat, nomination=nomination, reason="  ")
    with pytest.raises(PermissionDenied):
        services.eligibility_override_grant(actor=npo_officer, nomination=nomination, reason="Please")
    assert not EligibilityOverride.objects.exists()
    services.eligibility_override_grant(
        actor=secretariat, nomination=nomination, reason="Hospitalised on day 2; attended the make-up session"
    )
    row = _participation(project, nomination)
    assert (row.attended, row.complete, row.eligible) == (0, False, True)
    entry = AuditEntry.objects.get(action="attendance.eligibility.overridden")
    assert (entry.actor, entry.note) == (secretariat, "Hospitalised on day 2; attended the make-up session")


@pytest.mark.django_db
def test_setting_a_mark_records_who_and_when_once(secretariat):
    project, sessions = _project_with_sessions(1)
    nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED)
    mark, changed = services.mark_set(
        actor=secretariat, session=sessions[0], nomination=nomination, status=Status.ABSENT
    )
    assert changed and (mark.set_by, mark.source) == (secretariat, Mark.Source.STAFF)
    _, changed_again = services.mark_set(
        actor=secretariat, session=sessions[0], nomination=nomination, status=Status.ABSENT
    )
    assert changed_again is False
    services.mark_set(actor=secretariat, session=sessions[0], nomination=nomination, status=Status.PRESENT)
    changes = [e.changes["status"] for e in AuditEntry.objects.filter(action="attendance.mark.set").order_by("id")]
    assert changes == [[None, "absent"], ["absent", "present"]]


@pytest.mark.django_db
def test_only_selected_participants_of_the_project_get_marks(secretariat):
    project, sessions = _project_with_sessions(1)
    for nomination in (
        NominationFactory(project=project, status=Nomination.Status.WAITLISTED),
        NominationFactory(status=Nomination.Status.SELECTED),
    ):
        with pytest.raises(services.AttendanceError, match="is not a participant of this project"):
            services.mark_set(actor=secretariat, session=sessions[0], nomination=nomination, status=Status.PRESENT)
    assert not Mark.objects.exists()


@pytest.mark.django_db
def test_all_present_marks_only_those_not_yet_marked(secretariat):
    project, sessions = _project_with_sessions(1)
    a, b, c = NominationFactory.create_batch(3, project=project, status=Nomination.Status.SELECTED)
    services.mark_set(actor=secretariat, session=sessions[0], nomination=a, status=Status.EXCUSED)
    assert services.marks_all_present(actor=secretariat, session=sessions[0]) == 2
    assert dict(Mark.objects.values_list("nomination_id", "status")) == {
        a.pk: "excused",
        b.pk: "present",
        c.pk: "present",
    }


# ---------------------------------------------------------------- self check-in


def _live_session(project, *, starts_in, minutes=60):
    starts = timezone.now() + starts_in
    return SessionFactory(project=project, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=minutes))


@pytest.fixture
def checked_in_setup(db):
    today = timezone.localdate()
    project = ProjectFactory(
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=5),
        modality=Project.Modality.FACE_TO_FACE,
    )
    person = ParticipantFactory()
    nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED, participant=person)
    return project, person, nomination


@pytest.mark.parametrize(
    "starts_in, allowed",
    [
        (datetime.timedelta(minutes=14), True),  # inside the 15-minute grace before the start
        (datetime.timedelta(minutes=16), False),  # too early
        (-datetime.timedelta(minutes=74), True),  # the session ended 14 minutes ago
        (-datetime.timedelta(minutes=76), False),  # too late
    ],
)
def test_check_in_is_open_during_the_session_plus_the_grace(checked_in_setup, settings, starts_in, allowed):
    settings.CHECK_IN_GRACE_MINUTES = 15
    project, person, nomination = checked_in_setup
    session = _live_session(project, starts_in=starts_in)
    code = services.check_in_code(session)
    if allowed:
        mark = services.check_in(user=person, session=session, code=code)
        assert (mark.status, mark.source, mark.set_by) == (Status.PRESENT, Mark.Source.CHECK_IN, person)
    else:
        with pytest.raises(services.AttendanceError, match="Check-in for .* is open from"):
            services.check_in(user=person, session=session, code=code)
        assert not Mark.objects.exists()


def test_an_old_code_is_refused_and_last_minutes_code_still_works(checked_in_setup):
    project, person, nomination = checked_in_setup
    session = _live_session(project, starts_in=datetime.timedelta(0))
    stale = services.check_in_code(session, at=time.time() - 150)
    with pytest.raises(services.AttendanceError, match="This QR code has expired"):
        services.check_in(user=person, session=session, code=stale)
    with pytest.raises(services.AttendanceError, match="expired"):
        services.check_in(user=person, session=session, code="not-a-code")
    assert not Mark.objects.exists()
    previous = services.check_in_code(session, at=time.time() - services.CHECK_IN_PERIOD)
    assert services.check_in(user=person, session=session, code=previous).status == Status.PRESENT


def _set_clock(monkeypatch, seconds: float) -> None:
    """The clock the check-in codes are read by (only theirs: Django's own keeps running)."""
    monkeypatch.setattr(services, "time", SimpleNamespace(time=lambda: seconds))


def test_a_code_is_accepted_for_at_most_a_minute_after_it_appears(checked_in_setup, monkeypatch):
    """Issue 15, item 7: the previous minute's code worked; now a code changes every 30 s and is accepted in its
    own window and the next one only."""
    project, person, nomination = checked_in_setup
    session = _live_session(project, starts_in=datetime.timedelta(0))
    shown_at = (time.time() // 30) * 30  # a code appears on the screen
    code = services.check_in_code(session, at=shown_at)
    accepted = {}
    for later in (0, 29, 31, 59, 61, 90):
        _set_clock(monkeypatch, shown_at + later)
        accepted[later] = services.check_in_code_is_current(session, code)
    assert accepted == {0: True, 29: True, 31: True, 59: True, 61: False, 90: False}
    _set_clock(monkeypatch, shown_at + 61)
    with pytest.raises(services.AttendanceError, match="This QR code has expired"):
        services.check_in(user=person, session=session, code=code)
    assert not Mark.objects.exists()


def test_each_check_in_records_the_codes_window_and_the_device(checked_in_setup, monkeypatch):
    project, person, nomination = checked_in_setup
    session = _live_session(project, starts_in=datetime.timedelta(0))
    shown_at = (time.time() // 30) * 30
    code = services.check_in_code(session, at=shown_at)
    _set_clock(monkeypatch, shown_at + 40)  # scanned just before the change, sent after it
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)\x00 <script>"
    mark = services.check_in(user=person, session=session, code=code, client_address="203.0.113.7", user_agent=phone)
    record = CheckIn.objects.get()
    assert (record.session, record.nomination, record.user, record.marked) == (session, nomination, person, True)
    assert record.code_window == int(shown_at // 30)
    assert record.window_starts_at == datetime.datetime.fromtimestamp(shown_at, tz=datetime.UTC)
    assert (record.client_address, record.user_agent) == (
        "203.0.113.7",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) <script>",
    )
    assert mark.check_in == record
    # Checking in again leaves the mark as it is, and is recorded too.
    services.check_in(user=person, session=session, code=code, client_address="198.51.100.9", user_agent="Other")
    assert list(CheckIn.objects.order_by("pk").values_list("client_address", "marked")) == [
        ("203.0.113.7", True),
        ("198.51.100.9", False),
    ]
    assert Mark.objects.get().check_in == record


def test_there_is_no_self_check_in_in_a_digital_project(checked_in_setup):
    project, person, nomination = checked_in_setup
    Project.objects.filter(pk=project.pk).update(modality=Project.Modality.DIGITAL)
    session = _live_session(Project.objects.get(pk=project.pk), starts_in=datetime.timedelta(0))
    with pytest.raises(services.AttendanceError, match="Self check-in is not offered for online sessions"):
        services.check_in(user=person, session=session, code=services.check_in_code(session))
    assert not Mark.objects.exists() and not CheckIn.objects.exists()


def test_another_projects_participant_cannot_check_in(checked_in_setup):
    project, person, nomination = checked_in_setup
    session = _live_session(project, starts_in=datetime.timedelta(0))
    stranger = ParticipantFactory()
    NominationFactory(status=Nomination.Status.SELECTED, participant=stranger)
    with pytest.raises(PermissionDenied):
        services.check_in(user=stranger, session=session, code=services.check_in_code(session))
    assert not Mark.objects.exists()


def test_check_in_keeps_a_mark_the_secretariat_set(checked_in_setup, secretariat):
    project, person, nomination = checked_in_setup
    session = _live_session(project, starts_in=datetime.timedelta(0))
    services.mark_set(actor=secretariat, session=session, nomination=nomination, status=Status.EXCUSED)
    mark = services.check_in(user=person, session=session, code=services.check_in_code(session))
    assert (mark.status, mark.source) == (Status.EXCUSED, Mark.Source.STAFF)
