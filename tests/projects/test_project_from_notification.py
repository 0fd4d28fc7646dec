"""A new project from a notification (issue 18, item 3): the Secretariat pastes or uploads it, checks the form
the portal fills in, and only saving makes the project, with the program's days as draft sessions."""

import datetime
import json
import pathlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from projects.models import Project
from tests.factories import economy
from tests.pages import page_text

SEED = (pathlib.Path(__file__).with_name("data") / "notification_001.txt").read_text(encoding="utf-8")
READ = reverse("manage:create_from_notification")

pytestmark = pytest.mark.django_db


def test_reading_fills_in_the_form_marks_each_field_and_saves_nothing(login, secretariat):
    response = login(secretariat).post(READ, {"text": SEED})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Productivity of the Public Sector"
    assert form.initial["start_date"] == datetime.date(2022, 8, 24)
    assert form.initial["hosting_economy"] == economy("LK").pk
    assert form.initial["time_zone"] == "Asia/Colombo"
    assert form.initial["all_economies"] is True
    assert form.initial["signatory_name"] == "Dr. AKP Mochtan"
    page = page_text(response)
    assert "fields read from the notification" in page
    assert page.count("Read from the notification: check it.") == len(response.context["prefilled"]) >= 20
    assert "No project code (such as 22-CP-41-GE-DLN-A) was found: enter it." in page
    assert "Program read from the notification" in page
    assert "Linking digital transformation and performance management systems in the public sector" in page
    body = response.content.decode()
    assert f'action="{reverse("manage:create")}"' in body
    assert not Project.objects.exists() and not AuditEntry.objects.exclude(action__startswith="security.").exists()


def test_saving_the_filled_in_form_makes_the_project_with_its_days_as_draft_sessions(login, secretariat):
    client = login(secretariat)
    form = client.post(READ, {"text": SEED}).context["form"]
    # What the browser posts back: the form's initial values, with the code the notification did not carry.
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    data.update(code="22-PS-01-GE-DMC-A", all_economies="on")
    data.pop("participating_economies", None)
    data.pop("notification_document", None)
    response = client.post(reverse("manage:create"), data)
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("manage:program", args=[project.code])
    assert project.title == "Productivity of the Public Sector" and project.time_zone == "Asia/Colombo"
    assert project.participating_economies.count() == 21 and project.signatory_name == "Dr. AKP Mochtan"
    assert project.financial_arrangements.startswith("a. The APO will meet the assignment costs")
    sessions = list(project.sessions.order_by("starts_at"))
    assert [session.title for session in sessions] == ["Day 1", "Day 2", "Day 3"]
    assert sessions[1].topics.split("\n") == [
        "Performance management systems and productivity in the public sector",
        "Challenges in performance management systems during and after the pandemic",
    ]
    starts = sessions[0].starts_at.astimezone(project.zone)
    assert (starts.date(), starts.hour, sessions[0].ends_at.astimezone(project.zone).hour) == (
        datetime.date(2022, 8, 24),
        9,
        12,
    )
    program_page = page_text(client.get(response["Location"]))
    assert "with 3 sessions from the notification's program, each set at 09:00–12:00 project time" in program_page
    entry = AuditEntry.objects.get(action="projects.project.created")
    assert entry.changes == {"sessions from the notification": 3}


def test_an_uploaded_text_file_reads_as_the_pasted_text(login, secretariat):
    upload = SimpleUploadedFile("notification.txt", SEED.encode("utf-8"), content_type="text/plain")
    response = login(secretariat).post(READ, {"file": upload})
    assert response.context["form"].initial["title"] == "Productivity of the Public Sector"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "  "}, "Paste the notification's text or choose its file."),
        (
            {"file": SimpleUploadedFile("scan.pdf", b"<html>", content_type="application/pdf")},
            "scan.pdf is not a PDF.",
        ),
        (
            {"file": SimpleUploadedFile("sheet.xlsx", b"PK\x03\x04", content_type="application/zip")},
            "choose a PDF, a Word document (.docx) or a text file",
        ),
    ],
)
def test_nothing_to_read_gets_a_clear_message(login, secretariat, data, message):
    response = login(secretariat).post(READ, data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Project.objects.exists()


def test_a_damaged_program_is_refused_and_nothing_is_saved(login, secretariat):
    from tests.projects.test_views import _project_form

    program = json.dumps([{"day": 1, "topics": ["x"] * 31}])
    response = login(secretariat).post(reverse("manage:create"), _project_form(notification_program=program))
    assert response.status_code == 200
    assert "The program read from the notification was damaged: read it again." in page_text(response)
    assert not Project.objects.exists()


def test_days_beyond_the_projects_end_are_not_made_into_sessions(login, secretariat):
    from tests.projects.test_views import _project_form

    program = json.dumps([{"day": n, "topics": [f"Topic {n}"]} for n in (1, 2, 3, 4)])  # the project has 3 days
    login(secretariat).post(reverse("manage:create"), _project_form(notification_program=program))
    assert list(Project.objects.get().sessions.values_list("title", flat=True).order_by("starts_at")) == [
        "Day 1",
        "Day 2",
        "Day 3",
    ]


def test_only_the_secretariat_reads_notifications(login, npo_officer):
    response = login(npo_officer).post(READ, {"text": SEED})
    assert response.status_code == 404  # the Secretariat's pages do not exist for anyone else
