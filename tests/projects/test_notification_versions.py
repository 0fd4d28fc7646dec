"""The notification PDF the portal prints (issue 18, item 2): in the background when a project is published,
again as a new version when what it says changes, earlier versions kept; offered on the project page, the
signed upload instead where there is one; and the publication e-mail to the NPOs that links to it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mail.models import OutgoingEmail
from projects import services
from projects.models import NotificationVersion, Project
from tests.factories import NPOOfficerFactory, ProjectFactory, SessionFactory
from tests.pages import page_text
from tests.pdfs import pdf_embedded_fonts, pdf_page_sizes, shipped_fonts
from tests.pdfs import pdf_text as pdf_text_of

pytestmark = pytest.mark.django_db
Status = NotificationVersion.Status


def publish(project, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.project_transition(project=project, actor=actor, to=Project.Status.PUBLISHED)


def print_pending(project) -> NotificationVersion | None:
    pending = project.notification_versions.get(status=Status.PENDING)
    return services.notification_version_print(version_id=pending.pk)


def pdf_of(version) -> bytes:
    with version.pdf.open("rb") as file:
        return file.read()


@pytest.fixture
def draft(db):
    project = ProjectFactory(
        status=Project.Status.DRAFT,
        title="Productivity of the Public Sector",
        objectives="a. Examine existing performance management systems.",
        background="Performance management systems are tools.",
        methodology="Presentations by experts and group discussions.",
        financial_arrangements="a. The APO will meet the assignment costs.",
        implementation_procedures="Please refer to the implementation procedures.",
        signatory_name="Dr. AKP Mochtan",
        participating_economies=["LK", "ID"],
    )
    SessionFactory(project=project, title="Day 1", topics="Definition and evolution\nLinking digital transformation")
    return project


def test_publishing_prints_the_notification_in_the_notifications_layout(
    draft, secretariat, django_capture_on_commit_callbacks
):
    publish(draft, secretariat, django_capture_on_commit_callbacks)
    version = print_pending(draft)
    assert (version.number, version.status, version.size) == (1, Status.PRINTED, version.pdf.size)
    data = pdf_of(version)
    assert {(round(w), round(h)) for w, h in pdf_page_sizes(data)} == {(595, 842)}  # A4 portrait, in points
    text = pdf_text_of(data)
    order = [
        "ASIAN PRODUCTIVITY ORGANIZATION",
        "Productivity of the Public Sector",
        "Timing and duration",
        "Closing date for nominations",
        "1. Objectives",
        "2. Background",
        "3. Scope, Methodology, and Certificate of Attendance",
        "Linking digital transformation",
        "The participants are required to attend all sessions.",
        "4. Financial Arrangements",
        "5. Implementation Procedures",
        "Dr. AKP Mochtan",
        "Secretary-General",
    ]
    flat = " ".join(text.split())
    positions = [flat.find(" ".join(part.split())) for part in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    # In the portal's own fonts (build/static/fonts), as on any machine, with no box for a missing glyph.
    fonts = pdf_embedded_fonts(data)
    assert {font.name for font in fonts} == {"PDF-Noto-Serif-latin", "PDF-Noto-Serif-latin-Bold"} | {
        "PDF-Noto-Sans-latin",
        "PDF-Noto-Sans-latin-Bold",
    }
    assert [font.name for font in fonts if font.fingerprint not in shipped_fonts() or font.notdef] == []


def test_a_change_that_prints_the_same_makes_no_version_and_one_that_does_makes_the_next(
    draft, secretariat, django_capture_on_commit_callbacks
):
    publish(draft, secretariat, django_capture_on_commit_callbacks)
    print_pending(draft)
    assert services.notification_version_print(version_id=draft.notification_versions.get().pk) is None  # idempotent

    data = {"attendance_threshold_percent": 70}  # not printed in the notification
    with django_capture_on_commit_callbacks(execute=False):
        services.project_update(
            project=draft, actor=secretariat, data=data, participating_economies=draft.participating_economies.all()
        )
    assert print_pending(draft) is None
    assert list(draft.notification_versions.values_list("number", "status")) == [(1, Status.PRINTED)]

    with django_capture_on_commit_callbacks(execute=False):
        services.project_update(
            project=draft,
            actor=secretariat,
            data={"background": "A new background."},
            participating_economies=draft.participating_economies.all(),
        )
        # A second change before the worker runs waits in the same request.
        services.project_update(
            project=draft,
            actor=secretariat,
            data={"objectives": "a. New objectives."},
            participating_economies=draft.participating_economies.all(),
        )
    assert draft.notification_versions.filter(status=Status.PENDING).count() == 1
    version = print_pending(draft)
    assert version.number == 2 and "A new background." in pdf_text_of(pdf_of(version))
    assert "a. New objectives." in pdf_text_of(pdf_of(version))
    assert list(draft.notification_versions.values_list("number", flat=True)) == [2, 1]


def test_a_draft_projects_changes_print_nothing(draft, secretariat):
    services.project_update(project=draft, actor=secretariat, data={"background": "x"}, participating_economies=[])
    assert not NotificationVersion.objects.exists()


def test_the_project_page_offers_the_latest_version_and_lists_the_earlier_ones(
    client, draft, secretariat, django_capture_on_commit_callbacks
):
    publish(draft, secretariat, django_capture_on_commit_callbacks)
    print_pending(draft)
    with django_capture_on_commit_callbacks(execute=False):
        services.project_update(
            project=draft,
            actor=secretariat,
            data={"background": "Changed."},
            participating_economies=draft.participating_economies.all(),
        )
    print_pending(draft)
    page = page_text(client.get(reverse("projects:detail", args=[draft.code])))
    assert "Download the notification (PDF, version 2 of" in page
    assert "Earlier versions Version 1," in page
    latest = client.get(reverse("projects:notification", args=[draft.code]))
    assert latest["Content-Disposition"].endswith(f'filename="{draft.code}-notification-v2.pdf"')
    assert "Changed." in pdf_text_of(b"".join(latest.streaming_content))  # the latest says what the project says
    first = client.get(reverse("projects:notification_version", args=[draft.code, 1]))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert client.get(reverse("projects:notification_version", args=[draft.code, 3])).status_code == 404


def test_a_signed_upload_is_offered_instead(client, draft, secretariat, django_capture_on_commit_callbacks):
    publish(draft, secretariat, django_capture_on_commit_callbacks)
    print_pending(draft)
    draft.refresh_from_db()
    draft.notification_document = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    draft.save()
    page = page_text(client.get(reverse("projects:detail", args=[draft.code])))
    assert "Download the signed notification (PDF)" in page and "Versions printed by the portal" in page
    response = client.get(reverse("projects:notification", args=[draft.code]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"


def test_a_draft_has_no_notification_to_download(client, draft):
    assert client.get(reverse("projects:notification", args=[draft.code])).status_code == 404


def test_publication_emails_each_participating_npo_officer_once_with_the_notifications_link(
    draft, secretariat, django_capture_on_commit_callbacks
):
    lk = NPOOfficerFactory(email="lk@nps.gov.lk", time_zone="Asia/Colombo")
    NPOOfficerFactory(email="old@nps.gov.lk", is_active=False)
    NPOOfficerFactory(
        email="ph@dap.edu.ph", npo=__import__("accounts.models").models.NPO.objects.get(economy__code="PH")
    )
    publish(draft, secretariat, django_capture_on_commit_callbacks)
    emails = list(OutgoingEmail.objects.filter(key__startswith="project-published:"))
    assert [email.to for email in emails] == ["lk@nps.gov.lk"]  # PH does not participate; the inactive one is left
    email = emails[0]
    assert email.subject == f"APO project notification: Productivity of the Public Sector ({draft.code})"
    assert f"https://portal.apo.test/projects/{draft.code}/notification/" in email.body
    assert "your time (Asia/Colombo)" in email.body
    assert lk.full_name in email.body

    # Published again (a second click, a retried request): no second notification e-mail.
    publish(draft, secretariat, django_capture_on_commit_callbacks)
    assert OutgoingEmail.objects.filter(key__startswith="project-published:").count() == 1


def test_a_failed_print_is_retried_then_marked_failed(draft, secretariat, django_capture_on_commit_callbacks):
    publish(draft, secretariat, django_capture_on_commit_callbacks)
    pending = draft.notification_versions.get()
    services.notification_version_failed(version_id=pending.pk, error="MemoryError", final=False)
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (Status.PENDING, 1)
    services.notification_version_failed(version_id=pending.pk, error="MemoryError", final=True)
    pending.refresh_from_db()
    assert (pending.status, pending.error) == (Status.FAILED, "MemoryError")


def test_the_sweep_finds_requests_the_broker_never_delivered(draft, secretariat, django_capture_on_commit_callbacks):
    publish(draft, secretariat, django_capture_on_commit_callbacks)
    pending = draft.notification_versions.get()
    assert services.notification_versions_pending_overdue() == []
    NotificationVersion.objects.filter(pk=pending.pk).update(requested_at=pending.requested_at.replace(year=2020))
    assert services.notification_versions_pending_overdue() == [pending.pk]
