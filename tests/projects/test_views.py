import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from nominations.models import Nomination
from projects import services
from projects.models import Project
from tests.factories import NominationFactory, ProjectFactory, SessionFactory, economy
from tests.pages import page_text

Status = Project.Status


def _text(response) -> str:
    """The page as a reader sees its text (entities such as &#x27; unescaped, no-break spaces as spaces)."""
    return html.unescape(response.content.decode()).replace("\xa0", " ")


# ---------------------------------------------------------------- the public catalogue


@pytest.mark.django_db
def test_the_catalogue_lists_published_projects_and_hides_drafts_and_cancelled(client):
    published = ProjectFactory(title="Green Productivity Workshop")
    completed = ProjectFactory(title="Lean Six Sigma Course", status=Status.COMPLETED)
    ProjectFactory(title="Secret draft", status=Status.DRAFT)
    ProjectFactory(title="Called off", status=Status.CANCELLED)
    page = _text(client.get(reverse("projects:catalogue")))
    assert published.title in page and completed.title in page
    assert "Secret draft" not in page and "Called off" not in page
    assert "2 projects" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "circular"}, {"Circular Economy Workshop"}),
        ({"q": "23-ag-05"}, {"Smart Agriculture Study Mission"}),
        ({"year": "2023"}, {"Smart Agriculture Study Mission"}),
        ({"project_type": "study_mission"}, {"Smart Agriculture Study Mission"}),
        ({"modality": "face_to_face"}, {"Smart Agriculture Study Mission"}),
        ({"economy": "PH"}, {"Circular Economy Workshop"}),
        ({"economy": "PH", "modality": "face_to_face"}, set()),
    ],
)
def test_the_catalogue_searches_and_filters(client, query, expected):
    ProjectFactory(title="Circular Economy Workshop", code="26-GP-11-GE-WSP-A", participating_economies=["PH", "LK"])
    ProjectFactory(
        title="Smart Agriculture Study Mission",
        code="23-AG-05-GE-STM-A",
        project_type=Project.Type.STUDY_MISSION,
        modality=Project.Modality.FACE_TO_FACE,
        start_date=datetime.date(2023, 5, 16),
        end_date=datetime.date(2023, 5, 19),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=900),
        participating_economies=["LK"],
        status=Status.COMPLETED,
    )
    response = client.get(reverse("projects:catalogue"), query)
    shown = {p.title for p in response.context["page"].object_list}
    assert shown == expected


@pytest.mark.django_db
def test_bad_filters_are_ignored_rather_than_failing(client):
    ProjectFactory(title="Circular Economy Workshop")
    response = client.get(reverse("projects:catalogue"), {"year": "nineteen", "economy": "XX", "page": "abc"})
    assert response.status_code == 200
    assert "Circular Economy Workshop" in _text(response)


@pytest.mark.django_db
def test_the_catalogue_is_paginated(client):
    ProjectFactory.create_batch(25)
    first = client.get(reverse("projects:catalogue"))
    second = client.get(reverse("projects:catalogue"), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in _text(first)


@pytest.mark.django_db
def test_the_unfiltered_catalogue_is_served_from_the_cache_until_a_project_changes(
    client, secretariat, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(title="Green Productivity Workshop")
    first_response = client.get(reverse("projects:catalogue"))
    first = _text(first_response)
    with django_assert_num_queries(0):
        assert page_text(client.get(reverse("projects:catalogue"))) == page_text(first_response)
    assert "Clear filters" not in first and "1 project" in first

    with django_capture_on_commit_callbacks(execute=True):
        services.project_update(
            project=project,
            actor=secretariat,
            data={"title": "Green Productivity Workshop for SMEs"},
            participating_economies=project.participating_economies.all(),
        )
        ProjectFactory(title="Lean Six Sigma Course")
    page = _text(client.get(reverse("projects:catalogue")))
    assert "Green Productivity Workshop for SMEs" in page and "Lean Six Sigma Course" in page
    assert "2 projects" in page

    with django_capture_on_commit_callbacks(execute=True):
        services.project_cancel(project=project, actor=secretariat, reason="The venue is closed")
    assert "Green Productivity Workshop" not in _text(client.get(reverse("projects:catalogue")))


@pytest.mark.django_db
def test_searches_are_not_cached(client, django_assert_num_queries):
    ProjectFactory(title="Circular Economy Workshop")
    client.get(reverse("projects:catalogue"), {"q": "circular"})
    with django_assert_num_queries(4):  # years, economies, count, page
        response = client.get(reverse("projects:catalogue"), {"q": "circular"})
    assert "Clear filters" in _text(response)


# ---------------------------------------------------------------- the project page


@pytest.mark.django_db
def test_the_project_page_shows_the_notification_and_the_program_by_day(client):
    project = ProjectFactory(
        title="Productivity of the Public Sector",
        time_zone="Asia/Colombo",
        start_date=datetime.date(2030, 8, 24),
        end_date=datetime.date(2030, 8, 26),
        nomination_closes_at=datetime.datetime(
            2030, 8, 3, 23, 59, 59, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
        ),
        qualifications="Policymakers and government officials",
        objectives="a. Examine existing systems",
        participating_economies=["LK", "ID"],
        per_economy_limit=2,
    )
    for day in (24, 25, 26):
        SessionFactory(
            project=project,
            title=f"Session on {day} August",
            starts_at=datetime.datetime(2030, 8, day, 13, tzinfo=project.zone),
            ends_at=datetime.datetime(2030, 8, day, 16, tzinfo=project.zone),
            topics="Topic A\nTopic B",
            resource_persons="Dr. Jane Doe, OECD, France",
        )
    page = page_text(client.get(reverse("projects:detail", args=[project.code])))
    for expected in [
        "Productivity of the Public Sector",
        "Policymakers and government officials",
        "a. Examine existing systems",
        "Indonesia, Sri Lanka",
        "at most 2 from each economy",
        "Day 1: Saturday, 24 August 2030",
        "Day 3: Monday, 26 August 2030",
        "24 Aug 16:30 – 19:30 your time (Asia/Tokyo) · 24 Aug 13:00–16:00 project time (Asia/Colombo)",
        "Dr. Jane Doe, OECD, France",
        "3 August 2030, 23:59",
        "(Asia/Colombo)",
        # the anonymous viewer's time zone is the Secretariat's: the same instant in Tokyo
        "4 August 2030, 03:29 your time (Asia/Tokyo)",
        "This full participation is a prerequisite for receiving the APO certificate of attendance.",
    ]:
        assert expected in page, expected


@pytest.mark.django_db
def test_the_project_page_gives_the_notification_sections_in_its_order_with_the_signature(client):
    project = ProjectFactory(
        objectives="a. Examine the systems.",
        background="Performance management systems are tools.",
        methodology="Presentations by experts and group discussions.",
        certificate_requirement="Attend every one of the sessions.",
        financial_arrangements="a. The APO will meet the costs of resource persons.",
        implementation_procedures="Please refer to the implementation procedures.",
        signatory_name="Dr. AKP Mochtan",
        signatory_title="Secretary-General",
        issued_on=datetime.date(2022, 7, 12),
    )
    page = page_text(client.get(reverse("projects:detail", args=[project.code])))
    order = [
        "Objectives a. Examine the systems.",
        "Background Performance management systems are tools.",
        "Scope, methodology, and certificate of attendance Presentations by experts",
        "Program",
        "Certificate of attendance Attend every one of the sessions.",
        "Financial arrangements a. The APO will meet",
        "Implementation procedures Please refer",
        "Dr. AKP Mochtan Secretary-General 12 July 2022",
    ]
    positions = [page.find(text) for text in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_a_project_without_its_own_certificate_words_still_states_the_full_participation_rule(client):
    project = ProjectFactory(certificate_requirement="  ")
    page = page_text(client.get(reverse("projects:detail", args=[project.code])))
    assert "The participants are required to attend all sessions." in page


@pytest.mark.django_db
def test_all_member_economies_are_named_as_such(client):
    from accounts.models import Economy

    project = ProjectFactory(participating_economies=list(Economy.objects.values_list("code", flat=True)))
    assert "All member economies" in _text(client.get(reverse("projects:detail", args=[project.code])))


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.CANCELLED])
def test_unpublished_projects_are_404_to_everyone_but_the_secretariat(
    client, login, status, npo_officer, participant, secretariat
):
    project = ProjectFactory(status=status)
    url = reverse("projects:detail", args=[project.code])
    assert client.get(url).status_code == 404
    for user in (npo_officer, participant):
        assert login(user).get(url).status_code == 404
    assert login(secretariat).get(url).status_code == 200


@pytest.mark.django_db
def test_the_signed_notification_downloads_as_an_attachment_only_while_the_project_is_public(client, secretariat):
    project = ProjectFactory(notification_document=SimpleUploadedFile("n.pdf", b"%PDF-1.4 signed"))
    response = client.get(reverse("projects:notification", args=[project.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{project.code}-notification.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"
    assert project.notification_document.name.startswith("projects/notifications/")
    Project.objects.filter(pk=project.pk).update(status=Status.DRAFT)
    assert client.get(reverse("projects:notification", args=[project.code])).status_code == 404
    assert client.get(reverse("projects:notification", args=[ProjectFactory().code])).status_code == 404


# ---------------------------------------------------------------- home pages


@pytest.mark.django_db
def test_anonymous_home_is_the_catalogue(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("projects:catalogue")


@pytest.mark.django_db
def test_the_npo_home_lists_only_projects_open_to_its_economy_with_time_left(login, npo_officer):
    soon = ProjectFactory(
        title="Closing soon", nomination_closes_at=timezone.now() + datetime.timedelta(days=2, hours=5, minutes=1)
    )
    ProjectFactory(title="Closed already", nomination_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    ProjectFactory(title="Not for Sri Lanka", participating_economies=["PH"])
    ProjectFactory(title="Draft", status=Status.DRAFT)
    ProjectFactory(title="Closed status", status=Status.CLOSED)
    page = _text(login(npo_officer).get(reverse("home")))
    assert "Projects open to Sri Lanka" in page
    assert soon.title in page and "2 days, 5 hours left" in page
    for hidden in ("Closed already", "Not for Sri Lanka", "Draft", "Closed status"):
        assert hidden not in page


@pytest.mark.django_db
def test_the_participant_home_lists_the_projects_they_were_selected_for(login, participant):
    mine = NominationFactory(participant=participant, status=Nomination.Status.SELECTED).project
    NominationFactory(
        participant=participant, status=Nomination.Status.WITHDRAWN, project=ProjectFactory(title="Withdrew")
    )
    ProjectFactory(title="Someone else's")
    page = _text(login(participant).get(reverse("home")))
    assert mine.title in page
    assert "Withdrew" not in page and "Someone else's" not in page


@pytest.mark.django_db
def test_the_secretariat_home_shows_what_needs_attention(login, secretariat):
    ProjectFactory(title="A draft", status=Status.DRAFT)
    ProjectFactory(title="Closes in a week", nomination_closes_at=timezone.now() + datetime.timedelta(days=7))
    ProjectFactory(title="Closed, undecided", nomination_closes_at=timezone.now() - datetime.timedelta(days=1))
    SessionFactory(project=ProjectFactory(title="Far away"))
    page = login(secretariat).get(reverse("home"))
    attention = page.context["attention"]
    assert [p.title for p in attention["drafts"].items] == ["A draft"]
    assert [p.title for p in attention["closing_soon"].items] == ["Closes in a week"]
    assert {p.title for p in attention["without_program"].items} == {"Closes in a week", "Closed, undecided"}
    assert attention["without_program"].count == 2
    assert "Closes in a week" in _text(page)


# ---------------------------------------------------------------- Secretariat pages

MANAGE_URLS = [
    ("manage:list", False),
    ("manage:create", False),
    ("manage:edit", True),
    ("manage:program", True),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, needs_project", MANAGE_URLS)
def test_secretariat_pages_send_anonymous_users_to_login_and_are_404_to_other_roles(
    client, login, name, needs_project, npo_officer, participant, secretariat
):
    project = ProjectFactory()
    url = reverse(name, args=[project.code] if needs_project else [])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    for user in (npo_officer, participant):
        assert login(user).get(url).status_code == 404
        assert login(user).post(url, {"title": "Hijacked"}).status_code == 404
    assert login(secretariat).get(url).status_code == 200
    project.refresh_from_db()
    assert project.title != "Hijacked"


def _project_form(**overrides) -> dict:
    data = {
        "code": "27-IN-12-GE-WSP-A",
        "title": "Digital Transformation of Agrifood Value Chains",
        "project_type": "workshop",
        "modality": "hybrid",
        "scope": "multicountry",
        "start_date": "2027-03-10",
        "end_date": "2027-03-12",
        "time_zone": "Asia/Kolkata",
        "nomination_closes_at": "2027-02-15",
        "venue": "New Delhi",
        "hosting_economy": economy("IN").pk,
        "implementing_organizations": "National Productivity Council, India",
        "participating_economies": [economy("LK").pk, economy("PH").pk],
        "overseas_participants": "20",
        "local_participants": "10",
        "per_economy_limit": "2",
        "attendance_threshold_percent": "80",
        "qualifications": "Officials",
        "objectives": "Learn",
        "background": "Why",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_secretariat_creates_a_draft_project_with_its_closing_instant(login, secretariat):
    response = login(secretariat).post(reverse("manage:create"), _project_form())
    project = Project.objects.get(code="27-IN-12-GE-WSP-A")
    assert response.status_code == 302 and response["Location"] == reverse("manage:program", args=[project.code])
    assert project.status == Status.DRAFT
    assert project.nomination_closes_at == datetime.datetime(2027, 2, 15, 18, 29, 59, 999999, tzinfo=datetime.UTC)
    assert sorted(project.participating_economies.values_list("code", flat=True)) == ["LK", "PH"]
    assert AuditEntry.objects.get(action="projects.project.created").actor == secretariat


@pytest.mark.django_db
def test_the_notification_sections_and_signature_are_saved_from_the_project_form(login, secretariat):
    sections = {
        "methodology": "Presentations by experts.",
        "certificate_requirement": "Attend all sessions.",
        "financial_arrangements": "a. The APO will meet the costs.",
        "implementation_procedures": "Please refer to the procedures.",
        "signatory_name": "Dr. Indra Pradana Singawinata",
        "signatory_title": "Secretary-General",
        "issued_on": "2027-01-20",
    }
    login(secretariat).post(reverse("manage:create"), _project_form(**sections))
    project = Project.objects.get()
    assert {name: getattr(project, name) for name in sections} == {
        **sections,
        "issued_on": datetime.date(2027, 1, 20),
    }


@pytest.mark.django_db
def test_a_new_project_form_offers_the_full_participation_words(login, secretariat):
    form = login(secretariat).get(reverse("manage:create")).context["form"]
    assert form["certificate_requirement"].value().startswith("The participants are required to attend all sessions.")


@pytest.mark.django_db
def test_a_title_posted_with_line_breaks_is_saved_on_one_line(login, secretariat):
    """It is printed in e-mail subjects, where a line break is a header of its own (issue 15, item 8)."""
    login(secretariat).post(reverse("manage:create"), _project_form(title="Digital Transformation\r\nBcc: x@y.org "))
    assert Project.objects.get().title == "Digital Transformation Bcc: x@y.org"


@pytest.mark.django_db
def test_all_member_economies_can_be_chosen_with_one_tick(login, secretariat):
    login(secretariat).post(reverse("manage:create"), _project_form(participating_economies=[], all_economies="on"))
    assert Project.objects.get().participating_economies.count() == 21


@pytest.mark.django_db
def test_an_individual_country_project_is_for_its_host_alone(login, secretariat):
    login(secretariat).post(reverse("manage:create"), _project_form(scope="individual_country"))
    assert list(Project.objects.get().participating_economies.values_list("code", flat=True)) == ["IN"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"end_date": "2027-03-09"}, "end_date", "The end date must be on or after the start date."),
        (
            {"nomination_closes_at": "2027-03-10"},
            "nomination_closes_at",
            "Nominations must close before the project starts on 10 March 2027.",
        ),
        ({"code": "Agrifood 2027"}, "code", "Use the APO project code format"),
        ({"overseas_participants": "-3"}, "overseas_participants", "Ensure this value is greater than or equal to 0."),
        ({"participating_economies": []}, "participating_economies", "Choose the participating economies"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "“Mars/Olympus” is not a time zone."),
        ({"start_date": "2027-02-30"}, "start_date", "Enter a valid date."),
    ],
)
def test_invalid_projects_get_a_clear_message_and_nothing_is_saved(login, secretariat, overrides, field, message):
    response = login(secretariat).post(reverse("manage:create"), _project_form(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Project.objects.exists() and not AuditEntry.objects.exclude(action__startswith="security.").exists()


@pytest.mark.django_db
def test_a_notification_that_is_not_a_pdf_is_refused(login, secretariat):
    fake = SimpleUploadedFile("notification.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    response = login(secretariat).post(reverse("manage:create"), _project_form(notification_document=fake))
    assert response.context["form"].errors["notification_document"] == ["The signed notification must be a PDF file."]
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_editing_a_project_records_what_changed(login, secretariat):
    project = ProjectFactory(
        code="27-IN-12-GE-WSP-A",
        participating_economies=["LK", "PH"],
        time_zone="Asia/Kolkata",
        start_date=datetime.date(2027, 3, 10),
        end_date=datetime.date(2027, 3, 12),
    )
    response = login(secretariat).post(
        reverse("manage:edit", args=[project.code]),
        _project_form(title="Agrifood 4.0", participating_economies=[economy("LK").pk]),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Agrifood 4.0"
    entry = AuditEntry.objects.get(action="projects.project.updated")
    assert entry.changes["title"][1] == "Agrifood 4.0"
    assert entry.changes["participating_economies"] == [["LK", "PH"], ["LK"]]


@pytest.mark.django_db
def test_the_edit_form_shows_the_closing_day_in_the_projects_time_zone(login, secretariat):
    project = ProjectFactory(
        time_zone="Asia/Colombo", start_date=datetime.date(2030, 8, 24), end_date=datetime.date(2030, 8, 26)
    )
    project.nomination_closes_at = datetime.datetime(2030, 8, 3, 18, 29, tzinfo=datetime.UTC)  # 23:59 in Colombo
    project.save()
    page = _text(login(secretariat).get(reverse("manage:edit", args=[project.code])))
    assert 'value="2030-08-03"' in page


def _program(project, sessions: list[dict], existing=0) -> dict:
    data = {
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": str(existing),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for i, session in enumerate(sessions):
        for key, value in session.items():
            data[f"sessions-{i}-{key}"] = value
    return data


@pytest.mark.django_db
def test_the_secretariat_enters_the_program_in_the_projects_time_zone(login, secretariat):
    project = ProjectFactory(
        time_zone="Asia/Colombo", start_date=datetime.date(2030, 8, 24), end_date=datetime.date(2030, 8, 26)
    )
    response = login(secretariat).post(
        reverse("manage:program", args=[project.code]),
        _program(
            project,
            [
                {
                    "title": "Definition and evolution",
                    "day": "2030-08-24",
                    "start_time": "13:00",
                    "end_time": "16:00",
                    "topics": "Definition\nEvolution",
                    "resource_persons": "Dr. A",
                },
                {"title": "Strategic plans", "day": "2030-08-26", "start_time": "13:00", "end_time": "16:30"},
            ],
        ),
    )
    assert response.status_code == 302
    sessions = list(project.sessions.all())
    assert [s.title for s in sessions] == ["Definition and evolution", "Strategic plans"]
    assert sessions[0].starts_at == datetime.datetime(2030, 8, 24, 7, 30, tzinfo=datetime.UTC)
    assert sessions[1].duration_minutes == 210
    assert AuditEntry.objects.get(action="projects.program.updated").changes["added"] == [
        "Definition and evolution",
        "Strategic plans",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "session, message",
    [
        (
            {"day": "2030-08-27", "start_time": "09:00", "end_time": "10:00"},
            "Sessions must fall within the project's dates",
        ),
        ({"day": "2030-08-24", "start_time": "16:00", "end_time": "13:00"}, "A session must end after it starts."),
    ],
)
def test_an_invalid_session_is_refused_with_a_message(login, secretariat, session, message):
    project = ProjectFactory(
        time_zone="Asia/Colombo", start_date=datetime.date(2030, 8, 24), end_date=datetime.date(2030, 8, 26)
    )
    response = login(secretariat).post(
        reverse("manage:program", args=[project.code]), _program(project, [{"title": "Bad", **session}])
    )
    assert response.status_code == 200
    assert message in _text(response)
    assert not project.sessions.exists()


@pytest.mark.django_db
def test_sessions_can_be_changed_and_removed_once_the_removal_is_confirmed(login, secretariat):
    project = ProjectFactory()
    keep, drop = SessionFactory(project=project, title="Keep"), SessionFactory(project=project, title="Drop")
    day = project.start_date.isoformat()
    data = _program(
        project,
        [
            {"id": keep.pk, "title": "Kept and renamed", "day": day, "start_time": "09:00", "end_time": "12:00"},
            {
                "id": drop.pk,
                "title": "Drop",
                "day": day,
                "start_time": "13:00",
                "end_time": "16:00",
                "DELETE": "on",
            },
        ],
        existing=2,
    )
    client = login(secretariat)
    asked = client.post(reverse("manage:program", args=[project.code]), data)
    assert asked.status_code == 200
    assert "Remove 1 session? “Drop”: the attendance marks" in page_text(asked)
    assert sorted(project.sessions.values_list("title", flat=True)) == ["Drop", "Keep"]  # nothing saved yet
    assert not AuditEntry.objects.filter(action="projects.program.updated").exists()

    client.post(reverse("manage:program", args=[project.code]), {**data, "confirm": "1"})
    assert list(project.sessions.values_list("title", flat=True)) == ["Kept and renamed"]
    entry = AuditEntry.objects.get(action="projects.program.updated")
    assert (entry.changes["changed"], entry.changes["removed"]) == (["Kept and renamed"], ["Drop"])


@pytest.mark.django_db
def test_publishing_makes_a_draft_public(client, login, secretariat):
    project = ProjectFactory(status=Status.DRAFT)
    response = login(secretariat).post(reverse("manage:transition", args=[project.code, "published"]))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED and project.published_at is not None
    client.logout()
    assert project.title in _text(client.get(reverse("projects:catalogue")))
    assert AuditEntry.objects.get(action="projects.project.published").changes == {"status": ["draft", "published"]}


@pytest.mark.django_db
def test_a_project_without_participating_economies_cannot_be_published(login, secretariat):
    project = ProjectFactory(status=Status.DRAFT, participating_economies=[])
    response = login(secretariat).post(reverse("manage:transition", args=[project.code, "published"]))
    assert "Choose at least one participating economy before publishing." in _text(response)
    project.refresh_from_db()
    assert project.status == Status.DRAFT


@pytest.mark.django_db
def test_cancelling_needs_a_reason_which_is_recorded(login, secretariat):
    project = ProjectFactory()
    url = reverse("manage:transition", args=[project.code, "cancelled"])
    response = login(secretariat).post(url, {"note": "  "})
    assert "Give the reason for cancelling" in _text(response)
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED
    login(secretariat).post(url, {"note": "The host cannot hold it this year."})
    project.refresh_from_db()
    assert project.status == Status.CANCELLED
    assert AuditEntry.objects.get(action="projects.project.cancelled").note == "The host cannot hold it this year."


@pytest.mark.django_db
def test_a_status_cannot_jump_outside_the_allowed_transitions(login, secretariat):
    project = ProjectFactory(status=Status.COMPLETED)
    response = login(secretariat).post(reverse("manage:transition", args=[project.code, "published"]))
    assert "A completed project cannot be made published." in _text(response)
    project.refresh_from_db()
    assert project.status == Status.COMPLETED
    assert login(secretariat).get(reverse("manage:transition", args=[project.code, "draft"])).status_code == 404


# ---------------------------------------------------------------- query budgets


def _grow(n: int):
    """n more projects of every kind a list page shows."""
    for i in range(n):
        project = ProjectFactory(nomination_closes_at=timezone.now() + datetime.timedelta(days=3 + i))
        SessionFactory(project=project)
        ProjectFactory(status=Status.DRAFT)


LIST_PAGES = [
    ("anonymous", "projects:catalogue", 4),  # years, economies, count, page
    ("secretariat", "manage:list", 4),  # years, economies, count, page
    # The home pages' budgets: tests/home/test_views.py.
]


@pytest.mark.django_db
@pytest.mark.parametrize("role, name, queries", LIST_PAGES)
def test_list_pages_make_the_same_number_of_queries_at_any_size(
    client, login, django_assert_num_queries, django_capture_on_commit_callbacks, role, name, queries, request
):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    for size in (2, 12):
        with django_capture_on_commit_callbacks(execute=True):  # committed: the catalogue's cache ends
            _grow(size if size == 2 else 10)
        if role == "participant":
            NominationFactory(participant=user, status=Nomination.Status.SELECTED)
        if user:
            login(user)
        with django_assert_num_queries(queries + (1 if user else 0)):  # the user (the session is in the cache)
            response = client.get(reverse(name))
        assert response.status_code == 200


# ---------------------------------------------------------------- every page, every role


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "secretariat", "npo_officer", "participant"])
def test_every_page_answers_each_role_as_it_should(client, login, request, role):
    project = ProjectFactory()
    draft = ProjectFactory(status=Status.DRAFT)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    if user:
        login(user)
    is_staff = role == "secretariat"
    expected = {
        reverse("projects:catalogue"): 200,
        reverse("projects:detail", args=[project.code]): 200,
        reverse("projects:detail", args=[draft.code]): 200 if is_staff else 404,
        reverse("home"): 200 if user else 302,
        reverse("accounts:profile"): 200 if user else 302,
        reverse("accounts:password_change"): 200 if user else 302,
        reverse("accounts:login"): 302 if user else 200,
        reverse("accounts:password_reset"): 200,
        reverse("manage:list"): 200 if is_staff else (302 if not user else 404),
        reverse("manage:create"): 200 if is_staff else (302 if not user else 404),
        reverse("manage:edit", args=[draft.code]): 200 if is_staff else (302 if not user else 404),
        reverse("manage:program", args=[draft.code]): 200 if is_staff else (302 if not user else 404),
        reverse("manage:transition", args=[draft.code, "published"]): 200 if is_staff else (302 if not user else 404),
    }
    answered = {url: client.get(url).status_code for url in expected}
    assert answered == expected


@pytest.mark.django_db
def test_the_django_admin_is_for_admin_staff_only(login, client, secretariat, npo_officer):
    secretariat.is_staff = secretariat.is_superuser = True
    secretariat.save()
    project = ProjectFactory()
    for url in [
        "/admin/",
        "/admin/projects/project/",
        f"/admin/projects/project/{project.pk}/change/",
        "/admin/accounts/economy/",
        "/admin/accounts/npo/",
        "/admin/accounts/user/",
        "/admin/projects/session/",
        "/admin/nominations/nomination/",
        "/admin/nominations/deadlineextension/",
        "/admin/nominations/attachment/",
        "/admin/mail/outgoingemail/",
        "/admin/audit/auditentry/",
    ]:
        assert login(secretariat).get(url).status_code == 200, url
        assert login(npo_officer).get(url).status_code == 302, url


@pytest.mark.django_db
def test_any_page_number_of_the_catalogue_is_kept_as_the_page_it_shows(client, django_assert_num_queries):
    from django.core.cache import cache

    ProjectFactory.create_batch(25)
    last = page_text(client.get(reverse("projects:catalogue"), {"page": "2"}))
    entries = len(cache._cache)
    for number in ("3", "999", "0", "abc"):
        client.get(reverse("projects:catalogue"), {"page": number})
    assert page_text(client.get(reverse("projects:catalogue"), {"page": "9999"})) == last
    assert len(cache._cache) == entries + 1  # page 1 ("0", "abc"); "3", "999" and "9999" are page 2
