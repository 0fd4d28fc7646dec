"""Each role's home says what to do next: counts that match the records, links to the page that acts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Mark
from attendance.services import check_in_code
from certificates.models import Certificate
from mail.models import OutgoingEmail
from nominations.models import Attachment, Nomination
from projects.models import Project
from tests.factories import NominationFactory, ParticipantFactory, ProjectFactory, SessionFactory, economy
from tests.pages import page_text

Status = Nomination.Status
NOW = timezone.now


def _attach(nomination, *kinds):
    for kind in kinds:
        Attachment.objects.create(
            nomination=nomination,
            kind=kind,
            file=f"nominations/x/{nomination.pk}{kind}",
            file_type="pdf",
            original_name=f"{kind}.pdf",
            size=1,
            sha256="0" * 64,
        )


def _certificate(nomination, sequence, **fields):
    return Certificate.objects.create(
        project=nomination.project,
        nomination=nomination,
        sequence=sequence,
        serial=f"APO-{nomination.project.code}-{sequence:03d}",
        holder_name=nomination.full_name,
        render_status=fields.pop("render_status", Certificate.RenderStatus.RENDERED),
        sha256="0" * 64,
        **fields,
    )


def _past_project(**fields):
    start = timezone.localdate() - datetime.timedelta(days=20)
    fields.setdefault("nomination_closes_at", NOW() - datetime.timedelta(days=40))
    return ProjectFactory(start_date=start, end_date=start + datetime.timedelta(days=1), **fields)


def _ended_session(project, days_ago=19):
    starts = NOW() - datetime.timedelta(days=days_ago)
    return SessionFactory(project=project, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))


# ---------------------------------------------------------------- the NPO officer


@pytest.mark.django_db
def test_the_npo_home_counts_the_nominations_still_missing_documents_per_open_project(login, npo_officer):
    project = ProjectFactory(title="Open workshop", code="26-CP-01-GE-WSP-A")
    complete = NominationFactory(project=project, status=Status.DRAFT)
    _attach(complete, *Attachment.Kind.values)
    _attach(NominationFactory(project=project, status=Status.DRAFT), Attachment.Kind.CV)
    NominationFactory(project=project)  # submitted, no document
    # Decided but not announced: the NPO still sees it under review, and still lacks its documents.
    NominationFactory(project=project, status=Status.SELECTED, announced_status="")
    NominationFactory(project=project, status=Status.WITHDRAWN)  # no longer counts
    NominationFactory(project=project, economy=economy("ID"))  # another economy's
    response = login(npo_officer).get(reverse("home"))
    assert "3 nominations still missing documents" in page_text(response)
    assert [p.lacking_documents for p in response.context["projects"]] == [3]


@pytest.mark.django_db
def test_the_npo_home_lists_what_is_under_review_the_results_and_past_participation(login, npo_officer):
    closed = ProjectFactory(title="Closed, under review", nomination_closes_at=NOW() - datetime.timedelta(days=1))
    NominationFactory.create_batch(2, project=closed)
    NominationFactory(project=closed, status=Status.REJECTED, announced_status="")  # not told yet: under review
    announced = ProjectFactory(title="Announced", nomination_closes_at=NOW() - datetime.timedelta(days=2))
    for status in (Status.SELECTED, Status.SELECTED, Status.WAITLISTED, Status.REJECTED):
        NominationFactory(project=announced, status=status, announced_at=NOW())
    past = _past_project(title="Past course", status=Project.Status.COMPLETED)
    first, second = NominationFactory.create_batch(2, project=past, status=Status.SELECTED, announced_at=NOW())
    _certificate(first, 1)
    _certificate(second, 2, render_status=Certificate.RenderStatus.PENDING)  # not ready: not counted
    _past_project(title="Past, someone else's", participating_economies=["PH"])
    page = page_text(login(npo_officer).get(reverse("home")))
    assert "Under review 1 Closed, under review" in page
    assert "3 nominations under review by the APO Secretariat" in page
    assert "Results announced 1 Announced" in page
    assert "2 selected · 1 wait-listed · 1 not selected" in page
    assert "Past projects with participants from Sri Lanka 1 Past course" in page
    assert "2 participants · 1 certificate" in page
    assert (
        f'href="{reverse("certificates:zip", args=[past.code])}"'
        in login(npo_officer).get(reverse("home")).content.decode()
    )
    assert "someone else's" not in page


# ---------------------------------------------------------------- the Secretariat


@pytest.mark.django_db
def test_the_secretariat_home_counts_what_waits_on_a_decision_and_links_to_where_it_is_done(login, secretariat):
    review = ProjectFactory(title="To review", nomination_closes_at=NOW() - datetime.timedelta(days=1))
    NominationFactory.create_batch(3, project=review)
    ProjectFactory(title="Still open")  # its submitted nominations wait for the closing date
    NominationFactory(project=ProjectFactory.create(title="Still open 2"))
    announce = ProjectFactory(title="To announce", nomination_closes_at=NOW() - datetime.timedelta(days=3))
    NominationFactory.create_batch(2, project=announce, status=Status.SELECTED, announced_status="")
    NominationFactory(project=announce, status=Status.REJECTED)  # announced already
    register = _past_project(title="Attendance to record")
    participant = NominationFactory(project=register, status=Status.SELECTED)
    recorded, unrecorded = _ended_session(register, 20), _ended_session(register, 19)
    Mark.objects.create(session=recorded, nomination=participant, status="present", source="staff", set_at=NOW())
    issue = _past_project(title="Certificates to issue")
    sessions = [_ended_session(issue, 20), _ended_session(issue, 19)]
    eligible, also_eligible, missed = NominationFactory.create_batch(3, project=issue, status=Status.SELECTED)
    for nomination in (eligible, also_eligible):
        for session in sessions:
            Mark.objects.create(session=session, nomination=nomination, status="late", source="staff", set_at=NOW())
    Mark.objects.create(session=sessions[0], nomination=missed, status="present", source="staff", set_at=NOW())
    _certificate(also_eligible, 1)  # issued already
    OutgoingEmail.objects.create(key="k1", to="a@example.org", subject="s", body="b", status="failed")

    response = login(secretariat).get(reverse("home"))
    counts = {
        kind: len(rows.items)
        for kind, rows in [
            ("review", response.context["to_review"]),
            ("announce", response.context["to_announce"]),
            ("attendance", response.context["attendance_to_record"]),
            ("certificates", response.context["certificates_to_issue"]),
        ]
    }
    assert counts == {"review": 1, "announce": 1, "attendance": 1, "certificates": 1}
    page = page_text(response)
    assert "Nominations to review 1 To review" in page and "3 nominations to decide" in page
    assert "Results to announce 1 To announce" in page and "2 decisions not yet announced" in page
    assert "Attendance to import or record 1 Attendance to record" in page
    assert "1 ended session with no attendance: import the meeting report" in page
    assert "Certificates to issue 1 Certificates to issue" in page and "1 to issue" in page
    assert "1 e-mail could not be delivered." in page
    body = response.content.decode()
    for url in (
        reverse("nominations:review", args=[review.code]),
        reverse("nominations:announce", args=[announce.code]),
        reverse("attendance:register", args=[register.code]),
        reverse("certificates:manage", args=[issue.code]),
        reverse("mail:failed_emails"),
    ):
        assert f'href="{url}"' in body, url
    assert unrecorded.project == register


@pytest.mark.django_db
def test_a_long_list_on_the_secretariat_home_shows_ten_and_says_how_many_in_all(login, secretariat):
    for i in range(13):
        NominationFactory(project=ProjectFactory(nomination_closes_at=NOW() - datetime.timedelta(days=1, hours=i)))
    response = login(secretariat).get(reverse("home"))
    assert response.context["to_review"].count == 13
    assert len(response.context["to_review"].items) == 10
    assert "10 of 13 shown, the most urgent first." in page_text(response)


# ---------------------------------------------------------------- the participant


@pytest.fixture
def selected_participant(participant):
    project = ProjectFactory(title="Hybrid course", modality=Project.Modality.HYBRID, time_zone="Asia/Tokyo")
    NominationFactory(project=project, participant=participant, status=Status.SELECTED, announced_at=NOW())
    return participant, project


@pytest.mark.django_db
def test_the_participant_home_shows_the_next_session_in_their_zone_and_the_program(login, selected_participant):
    participant, project = selected_participant
    starts = datetime.datetime(2030, 3, 4, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Ho Chi Minh City
    later = SessionFactory(project=project, title="Day 2", starts_at=starts + datetime.timedelta(days=1))
    SessionFactory(project=project, title="Day 1", starts_at=starts)
    SessionFactory(project=project, title="Over", starts_at=NOW() - datetime.timedelta(days=1))
    page = page_text(login(participant).get(reverse("home")))
    assert "Your next session Day 1 Monday 4 March 2030, 08:00 – 11:00 your time (Asia/Ho_Chi_Minh)" in page
    assert "Over" not in page  # ended
    assert page.index("Day 1 ·") < page.index(f"{later.title} ·")
    assert "Check in" not in page  # not open yet


@pytest.mark.django_db
def test_while_check_in_is_open_the_participant_home_offers_it_and_leads_to_the_check_in_page(
    login, selected_participant
):
    participant, project = selected_participant
    session = SessionFactory(
        project=project,
        title="Now",
        starts_at=NOW() - datetime.timedelta(minutes=5),
        ends_at=NOW() + datetime.timedelta(hours=1),
    )
    client = login(participant)
    page = page_text(client.get(reverse("home")))
    assert "Now: check-in is open Now" in page
    code = check_in_code(session)
    response = client.get(reverse("attendance:check_in_enter", args=[session.pk]), {"code": f" {code.upper()} "})
    assert response["Location"] == reverse("attendance:check_in", args=[session.pk, code])
    client.post(response["Location"])
    assert Mark.objects.get(session=session).source == Mark.Source.CHECK_IN


@pytest.mark.django_db
def test_a_digital_session_offers_no_check_in_on_the_home(login, participant):
    project = ProjectFactory(modality=Project.Modality.DIGITAL)
    NominationFactory(project=project, participant=participant, status=Status.SELECTED)
    SessionFactory(project=project, starts_at=NOW() - datetime.timedelta(minutes=5))
    page = page_text(login(participant).get(reverse("home")))
    assert "Your next session" in page and "Check in" not in page


@pytest.mark.django_db
def test_the_participant_home_offers_a_certificate_ready_to_download(login, participant):
    project = _past_project(title="Done")
    mine = NominationFactory(project=project, participant=participant, status=Status.SELECTED)
    certificate = _certificate(mine, 1)
    other = NominationFactory(project=_past_project(), participant=participant, status=Status.SELECTED)
    _certificate(other, 1, render_status=Certificate.RenderStatus.PENDING)
    response = login(participant).get(reverse("home"))
    assert "Certificates ready Done Serial" in page_text(response)
    assert response.content.decode().count(reverse("certificates:download", args=[certificate.pk])) == 1
    assert len(response.context["certificates"]) == 1


# ---------------------------------------------------------------- query budgets, at two sizes


def _decade_of(size: int, *, participant):
    """`size` of each kind of project a home page lists, for every role."""
    for i in range(size):
        closed = ProjectFactory(nomination_closes_at=NOW() - datetime.timedelta(days=1, hours=i))
        NominationFactory(project=closed)
        NominationFactory(project=closed, status=Status.SELECTED, announced_status="")
        NominationFactory(project=ProjectFactory(), status=Status.DRAFT)
        ProjectFactory(status=Project.Status.DRAFT)
        past = _past_project(status=Project.Status.COMPLETED)
        _ended_session(past)
        nomination = NominationFactory(
            project=past, status=Status.SELECTED, announced_at=NOW(), participant=participant
        )
        _certificate(nomination, 1)
        SessionFactory(project=ProjectFactory(), starts_at=NOW() + datetime.timedelta(days=i + 1))


HOME_BUDGETS = [
    ("secretariat", 17),  # seven lists (each its rows, and its count when longer than shown), e-mail, flagged
    ("npo_officer", 9),  # open projects, missing documents, three lists (rows, and the count when longer)
    ("participant", 4),  # projects, sessions, certificates
]


@pytest.mark.django_db
@pytest.mark.parametrize("role, budget", HOME_BUDGETS)
def test_each_home_keeps_its_query_budget_at_any_size(
    client, login, django_assert_max_num_queries, request, role, budget
):
    user = request.getfixturevalue(role)
    other = ParticipantFactory()
    for size in (2, 15):
        _decade_of(size, participant=user if role == "participant" else other)
        login(user)
        with django_assert_max_num_queries(budget + 1):  # the user (the session is in the cache)
            response = client.get(reverse("home"))
        assert response.status_code == 200
