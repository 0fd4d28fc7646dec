import datetime
import io
import re
import zoneinfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Economy, User
from attendance.models import Mark
from audit.models import AuditEntry
from demo.loader import (
    ALL_DEMO_USERS,
    DEMO_PASSWORD,
    DEMO_USERS,
    NPO_OFFICERS,
    OTHER_NPO_OFFICERS,
    PARTICIPANT_BY_EMAIL,
    demo_projects,
    load_demo,
)
from nominations import selectors as nomination_selectors
from nominations.models import Nomination
from projects import selectors
from projects.models import PROJECT_CODE_PATTERN, Project, Session

Status = Project.Status
NominationStatus = Nomination.Status


@pytest.fixture
def demo(db):
    return load_demo()


def _table_sizes() -> dict:
    return {model.__name__: model.objects.count() for model in (User, Project, Session, Nomination, AuditEntry)}


def _last_changes() -> dict:
    return {
        "projects": sorted(Project.objects.values_list("code", "updated_at", "published_at")),
        "nominations": sorted(Nomination.objects.values_list("pk", "updated_at")),
        "passwords": sorted(User.objects.values_list("email", "password")),
    }


# ---------------------------------------------------------------- idempotence


@pytest.mark.django_db
def test_loading_twice_gives_the_same_counts_and_changes_nothing():
    first = load_demo()
    sizes, changes = _table_sizes(), _last_changes()

    second = load_demo()

    kinds = ("users", "projects", "sessions", "nominations", "marks", "certificates")
    assert {k: second[k] for k in kinds} == {k: first[k] for k in kinds}
    assert first["created"] == sum(first[k] for k in kinds)
    assert (second["created"], second["updated"], second["warnings"]) == (0, 0, [])
    assert _table_sizes() == sizes  # no duplicates, and no audit entries for changes that did not happen
    assert _last_changes() == changes
    # The demo's users, and an account for each selected candidate, made by the announcement.
    assert first["users"] == len(ALL_DEMO_USERS)
    demo_emails = {user.email for user in ALL_DEMO_USERS}
    selected = set(Nomination.objects.filter(status=NominationStatus.SELECTED).values_list("email", flat=True))
    assert sizes["User"] == len(demo_emails | selected)
    assert sizes["Project"] == first["projects"] == 14


@pytest.mark.django_db
def test_loading_on_a_later_day_moves_the_current_projects_without_duplicating_them():
    load_demo(today=datetime.date(2026, 12, 1))
    sizes = _table_sizes()
    assert Project.objects.filter(code="26-CP-07-GE-TRC-A", start_date=datetime.date(2026, 12, 31)).exists()

    counts = load_demo(today=datetime.date(2026, 12, 5))

    # The course now starts in 2027: the same project, under its new code.
    smart = Project.objects.get(title="Smart Manufacturing for SMEs")
    assert (smart.code, smart.start_date, smart.closing_date) == (
        "27-CP-07-GE-TRC-A",
        datetime.date(2027, 1, 4),
        datetime.date(2026, 12, 7),
    )
    assert counts["created"] == 0
    assert {k: v for k, v in _table_sizes().items() if k != "AuditEntry"} == {
        k: v for k, v in sizes.items() if k != "AuditEntry"
    }
    assert AuditEntry.objects.filter(action="projects.project.updated", target_id=str(smart.pk)).count() == 1
    # The seed projects do not move.
    assert Project.objects.get(code="22-CP-41-GE-DLN-A").start_date == datetime.date(2022, 8, 24)


@pytest.mark.django_db
def test_a_demo_project_whose_status_was_changed_by_hand_is_left_alone_with_a_warning(demo):
    from projects.services import project_transition

    secretariat = User.objects.get(email="secretariat@example.org")
    smart = Project.objects.get(title="Smart Manufacturing for SMEs")
    project_transition(project=smart, actor=secretariat, to=Status.CANCELLED, note="Testing.")

    counts = load_demo()

    smart.refresh_from_db()
    assert smart.status == Status.CANCELLED
    assert counts["warnings"] == [f"{smart.code} is cancelled and cannot be made published again; left as it is."]


@pytest.mark.django_db
def test_the_command_prints_a_short_summary():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)

    lines = out.getvalue().splitlines()
    summaries = [line for line in lines if line.startswith("Demo data loaded")]
    assert len(summaries) == 2
    assert re.fullmatch(
        r"Demo data loaded: 32 users, 14 projects, \d+ sessions, \d+ nominations, \d+ attendance marks, "
        r"\d+ certificates "
        r"\(0 records created, 0 updated\)\.",
        summaries[1],
    )
    assert DEMO_PASSWORD in lines[-1]


# ---------------------------------------------------------------- the two seed documents


@pytest.mark.django_db
def test_the_public_sector_workshop_is_the_2022_notification(demo):
    project = Project.objects.get(code="22-CP-41-GE-DLN-A")

    assert project.title == "Productivity of the Public Sector"
    assert (project.project_type, project.modality, project.scope) == (
        Project.Type.WORKSHOP,
        Project.Modality.DIGITAL,
        Project.Scope.MULTICOUNTRY,
    )
    assert (project.start_date, project.end_date) == (datetime.date(2022, 8, 24), datetime.date(2022, 8, 26))
    assert project.hosting_economy.name == "Sri Lanka"
    assert (project.time_zone, project.venue, project.venue_display) == ("Asia/Colombo", "", "Online")
    assert project.implementing_organizations == "National Productivity Secretariat, Sri Lanka and APO Secretariat"
    assert project.participating_economies.count() == Economy.objects.count() == 21
    assert (project.overseas_participants, project.local_participants) == (38, 12)
    assert project.closing_date == datetime.date(2022, 8, 3)
    assert project.nomination_closes_at == datetime.datetime(
        2022, 8, 3, 23, 59, 59, 999999, tzinfo=zoneinfo.ZoneInfo("Asia/Colombo")
    )
    assert project.qualifications.startswith("Policymakers and government officials, representatives of local")
    assert [line[:3] for line in project.objectives.splitlines()] == ["a. ", "b. ", "c. "]
    assert "postpandemic era" in project.objectives
    assert project.background.count("\n\n") == 2
    assert project.status == Status.COMPLETED
    # The notification's sections 3 to 5 and its signature (issue 18), as the seed prints them.
    assert project.methodology.startswith("The duration of each day’s sessions will be around three hours")
    assert project.financial_arrangements.split("\n\n")[1].startswith("b. The host country will meet")
    assert project.implementation_procedures.startswith("Please refer to the implementation procedures")
    assert (project.signatory_name, project.signatory_title) == ("Dr. AKP Mochtan", "Secretary-General")

    program = selectors.project_sessions_by_day(project)
    assert [day for day, _ in program] == [
        datetime.date(2022, 8, 24),
        datetime.date(2022, 8, 25),
        datetime.date(2022, 8, 26),
    ]
    colombo = zoneinfo.ZoneInfo("Asia/Colombo")
    for _day, sessions in program:
        assert len(sessions) == 1
        session = sessions[0]
        assert timezone.localtime(session.starts_at, colombo).time() == datetime.time(13, 0)
        assert session.duration_minutes == 180
        assert session.resource_person_list
    assert program[0][1][0].topic_list == [
        "Definition and evolution of performance management systems in the public sector",
        "Linking digital transformation and performance management systems in the public sector",
    ]


@pytest.mark.django_db
def test_the_high_performance_culture_tes_is_the_2023_news_item(demo):
    project = Project.objects.get(title="High-performance Culture in the Public Sector")

    assert re.fullmatch(r"23-[A-Z]{2,3}-\d{1,3}-[A-Z]{2}-TES-[A-Z]", project.code)
    assert (project.project_type, project.modality, project.scope) == (
        Project.Type.TES,
        Project.Modality.FACE_TO_FACE,
        Project.Scope.INDIVIDUAL_COUNTRY,
    )
    assert (project.start_date, project.end_date, project.duration_days) == (
        datetime.date(2023, 5, 16),
        datetime.date(2023, 5, 19),
        4,
    )
    assert (project.hosting_economy.name, project.time_zone, project.venue) == ("Indonesia", "Asia/Jakarta", "Jakarta")
    assert project.implementing_organizations == "National Civil Service Agency, Indonesia"
    assert list(project.participating_economies.values_list("code", flat=True)) == ["ID"]
    assert (project.overseas_participants, project.local_participants) == (0, 200)
    assert project.status == Status.COMPLETED

    sessions = list(project.sessions.all())
    assert len(selectors.project_sessions_by_day(project)) == 4
    topics = " ".join(topic for session in sessions for topic in session.topic_list + [session.title]).lower()
    for subject in (
        "performance management systems",
        "performance information systems",
        "organizational value",
        "leadership",
        "innovation in performance management",
    ):
        assert subject in topics
    resource_persons = {person for session in sessions for person in session.resource_person_list}
    assert sum("France" in person for person in resource_persons) == 2
    assert sum("India" in person for person in resource_persons) == 1
    assert all("virtual" in person for person in resource_persons)


# ---------------------------------------------------------------- every project


@pytest.mark.django_db
def test_every_demo_project_and_session_is_valid(demo):
    projects = list(Project.objects.prefetch_related("sessions"))
    assert len(projects) == 14
    for project in projects:
        project.full_clean()
        assert re.fullmatch(PROJECT_CODE_PATTERN, project.code)
        for session in project.sessions.all():
            session.full_clean()
        if project.status != Status.DRAFT:
            assert project.published_at < project.nomination_closes_at
            assert project.published_at < timezone.now()

    assert {p.project_type for p in projects} == set(Project.Type.values)
    assert {p.modality for p in projects} == set(Project.Modality.values)
    assert {p.scope for p in projects} == set(Project.Scope.values)
    assert {p.status for p in projects} == set(Status.values)
    assert {p.start_date.year for p in projects} >= {2022, 2023, 2024, 2025}
    assert len({p.hosting_economy_id for p in projects}) >= 10
    assert len({p.time_zone for p in projects}) >= 10
    assert any(p.per_economy_limit for p in projects)


@pytest.mark.django_db
def test_the_current_projects_show_every_stage_of_a_project(demo):
    now = timezone.now()
    published = Project.objects.filter(status=Status.PUBLISHED)
    open_projects = published.filter(nomination_closes_at__gt=now)
    days_left = sorted((p.nomination_closes_at - now).days for p in open_projects)
    assert len(days_left) >= 4
    assert days_left[0] < 3 and any(3 <= d < 7 for d in days_left) and days_left[-1] >= 30

    awaiting = published.filter(nomination_closes_at__lte=now)
    assert awaiting.count() == 1
    assert awaiting.get().start_date > timezone.localdate()
    assert published.annotate(n=Count("sessions")).filter(n=0).count() == 1
    assert Project.objects.filter(status=Status.CLOSED, start_date__gt=timezone.localdate()).count() == 1


# ---------------------------------------------------------------- what each demo login sees


@pytest.mark.django_db
def test_each_demo_npo_officer_has_projects_open_to_their_economy_closing_within_three_and_seven_days(demo):
    now = timezone.now()
    for spec in NPO_OFFICERS:
        officer = User.objects.get(email=spec.email)
        assert officer.is_npo_officer
        assert officer.time_zone == officer.npo.economy.time_zone
        open_projects = list(nomination_selectors.projects_open_to_economy(officer.npo.economy))
        assert len(open_projects) >= 3, spec.email
        closes_in = [p.nomination_closes_at - now for p in open_projects]
        assert any(left <= datetime.timedelta(days=3) for left in closes_in), spec.email
        assert any(datetime.timedelta(days=3) < left <= datetime.timedelta(days=7) for left in closes_in), spec.email
        # Work in progress on the home page: their NPO has drafts and submitted nominations.
        statuses = set(
            Nomination.objects.filter(project__in=open_projects, economy=officer.npo.economy).values_list(
                "status", flat=True
            )
        )
        assert {NominationStatus.DRAFT, NominationStatus.SUBMITTED} <= statuses


@pytest.mark.django_db
def test_the_participant_has_past_and_upcoming_projects(demo):
    participant = User.objects.get(email="participant@example.org")
    assert (participant.full_name, participant.role, participant.time_zone) == (
        "Nguyễn Thị Minh Anh",
        User.Role.PARTICIPANT,
        "Asia/Ho_Chi_Minh",
    )

    projects = list(nomination_selectors.projects_of_participant(participant))

    assert len(projects) >= 3
    today = timezone.localdate()
    assert any(p.end_date < today for p in projects)
    assert any(p.start_date > today for p in projects)
    assert "22-CP-41-GE-DLN-A" in {p.code for p in projects}
    nomination = Nomination.objects.get(project__code="22-CP-41-GE-DLN-A", participant=participant)
    assert (nomination.full_name, nomination.economy.code, nomination.email) == (
        "Nguyễn Thị Minh Anh",
        "VN",
        "participant@example.org",
    )


@pytest.mark.django_db
def test_every_demo_participant_was_selected_for_a_project(demo):
    participants = User.objects.filter(role=User.Role.PARTICIPANT)
    assert participants.count() >= 9
    assert len({p.time_zone for p in participants}) >= 8
    for participant in participants:
        assert nomination_selectors.projects_of_participant(participant).exists(), participant.email


@pytest.mark.django_db
def test_every_demo_login_authenticates_with_the_demo_password(demo):
    for spec in DEMO_USERS:
        user = authenticate(RequestFactory().post("/accounts/login/"), email=spec.email, password=DEMO_PASSWORD)
        assert user is not None, spec.email
        assert user.email == spec.email
    secretariat = User.objects.get(email="secretariat@example.org")
    assert (secretariat.full_name, secretariat.role, secretariat.time_zone) == (
        "Aiko Tanaka",
        User.Role.SECRETARIAT,
        "Asia/Tokyo",
    )
    assert secretariat.is_staff and secretariat.is_superuser and secretariat.is_secretariat
    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"), email="secretariat@example.org", password="wrong-password"
        )
        is None
    )


# ---------------------------------------------------------------- nominations


@pytest.mark.django_db
def test_demo_nominations_use_every_status_and_keep_the_rules(demo):
    assert set(Nomination.objects.values_list("status", flat=True)) == set(NominationStatus.values)

    for project in Project.objects.all():
        nominations = project.nominations.all()
        emails = [n.email.lower() for n in nominations]
        assert len(emails) == len(set(emails)), project.code
        assert not nominations.exclude(economy__in=project.participating_economies.all()).exists(), project.code
        for nomination in nominations:
            nomination.full_clean()
            assert nomination.is_overseas == (nomination.economy_id != project.hosting_economy_id)
            if nomination.status == NominationStatus.DRAFT:
                assert nomination.submitted_at is None
            else:
                assert nomination.submitted_at < project.nomination_closes_at
                assert nomination.submitted_at < timezone.now()

        selected = nominations.filter(status=NominationStatus.SELECTED)
        if project.status in (Status.DRAFT, Status.PUBLISHED, Status.CANCELLED):
            assert not selected.exists(), project.code
            continue
        assert selected.filter(is_overseas=True).count() <= project.overseas_participants
        assert selected.filter(is_overseas=False).count() <= project.local_participants
        if project.per_economy_limit:
            per_economy = selected.values("economy").annotate(n=Count("id")).order_by()
            assert max(row["n"] for row in per_economy) <= project.per_economy_limit, project.code

    # Participants are linked only to their own nominations, and only once selected.
    linked = Nomination.objects.filter(participant__isnull=False)
    assert not linked.exclude(status=NominationStatus.SELECTED).exists()
    assert not linked.exclude(email=F("participant__email")).exists()
    assert Nomination.objects.filter(~Q(status=NominationStatus.DRAFT), submitted_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_the_demo_has_attendance_and_a_participant_who_missed_one_session(demo):
    from attendance import selectors as attendance_selectors

    seed = Project.objects.get(code="22-CP-41-GE-DLN-A")
    rows = attendance_selectors.participation(attendance_selectors.participants_of(seed), seed)
    assert rows and all(row.total == 3 for row in rows)
    assert [row.attended for row in rows if not row.eligible] == [2]  # one missed one session
    assert sum(row.eligible for row in rows) == len(rows) - 1


@pytest.mark.django_db
def test_the_demo_has_its_report_figures_even_when_nothing_in_it_changes(django_capture_on_commit_callbacks):
    from reports import selectors as reports
    from reports.models import ProjectFigures

    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    funnel = reports.funnel_by_economy(reports.Filters())
    ProjectFigures.objects.all().delete()  # as in a database made before the figures were stored
    with django_capture_on_commit_callbacks(execute=True):
        second = load_demo()
    assert (second["created"], second["updated"]) == (0, 0)
    assert reports.funnel_by_economy(reports.Filters()) == funnel
    assert sum(row["certified"] for row in funnel) == second["certificates"] > 0


def test_the_demo_npos_were_told_the_decisions_of_its_decided_projects(demo):
    """Their results were announced: an NPO sees a decision, not "under review" (PRODUCT.md rule 11)."""
    decided = Nomination.objects.filter(status__in=["selected", "waitlisted", "rejected"])
    assert decided.exists()
    assert list(decided.exclude(announced_status=F("status"))) == []


# ---------------------------------------------------------------- the data files and the services


def test_the_data_files_read_as_the_demo_projects():
    projects = demo_projects(datetime.date(2026, 12, 1))

    assert len(projects) == 14
    assert len({p.code for p in projects}) == len({p.title for p in projects}) == 14
    economies = {code for officer in [*NPO_OFFICERS, *OTHER_NPO_OFFICERS] for code in [officer.economy]}
    assert len(economies) == 21  # every member economy has an officer to nominate for it
    for project in projects:
        assert re.fullmatch(PROJECT_CODE_PATTERN, project.code), project.code
        assert project.closing_date < project.start_date <= project.end_date, project.code
        assert set(project.nominating) <= economies, project.code
        assert {PARTICIPANT_BY_EMAIL[email].economy for email in project.selected_participants} <= set(
            project.nominating
        ), project.code
        for session in project.sessions:
            assert session.start < session.end, (project.code, session.title)
            assert project.start_date + datetime.timedelta(days=session.day) <= project.end_date
            # A resource person's key was resolved to the person: a name, then who they are.
            assert all("," in person for person in session.resource_persons), (project.code, session.title)
    smart = next(p for p in projects if p.title == "Smart Manufacturing for SMEs")
    assert (smart.code, smart.start_date, smart.closing_date) == (
        "26-CP-07-GE-TRC-A",
        datetime.date(2026, 12, 31),
        datetime.date(2026, 12, 3),
    )


@pytest.mark.django_db
def test_every_state_change_of_the_demo_went_through_the_services(demo):
    """Each nomination was made by an officer of its economy, each decision and mark is audited, and the
    stamps of what the services did now are dated to when it would have happened."""
    secretariat = User.objects.get(email="secretariat@example.org")
    nominations = Nomination.objects.select_related("created_by__npo", "economy")
    assert all(n.created_by.is_npo_officer and n.created_by.npo.economy == n.economy for n in nominations)

    def audited(action, **filters):
        return set(AuditEntry.objects.filter(action=action, **filters).values_list("target_id", flat=True))

    for status in (NominationStatus.SELECTED, NominationStatus.WAITLISTED, NominationStatus.REJECTED):
        decided = {str(pk) for pk in nominations.filter(status=status).values_list("pk", flat=True)}
        assert decided and decided <= audited(f"nominations.nomination.{status}", actor=secretariat), status
    withdrawn = nominations.filter(status=NominationStatus.WITHDRAWN)
    assert {str(n.pk) for n in withdrawn} <= audited("nominations.nomination.withdrawn")

    marks = Mark.objects.select_related("session")
    assert AuditEntry.objects.filter(action="attendance.mark.set").count() == marks.count() > 0
    assert all(mark.set_at == mark.session.ends_at and mark.set_by == secretariat for mark in marks)

    for project in Project.objects.exclude(status__in=[Status.DRAFT, Status.PUBLISHED, Status.CANCELLED]):
        assert audited("nominations.project.announced") >= {str(project.pk)}, project.code
        starts = datetime.datetime.combine(project.start_date, datetime.time(0), tzinfo=project.zone)
        announced = project.nominations.filter(announced_at__isnull=False)
        assert announced.exists() and not announced.filter(announced_at__gte=starts).exists(), project.code
