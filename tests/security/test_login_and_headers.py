"""Login protection, security events in the audit log, and the security headers."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import DEFAULT_PASSWORD, NominationFactory, ProjectFactory, economy
from tests.pages import page_text


def _log_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_out_for_a_while(client, npo_officer, settings):
    settings.AXES_FAILURE_LIMIT = 5
    assert [_log_in(client, npo_officer.email, "guess").status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    locked = _log_in(client, npo_officer.email, DEFAULT_PASSWORD)  # even the right password, now
    assert locked.status_code == 429 and "Too many failed log-ins" in page_text(locked)
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="security.login_failed").count() == 6  # the locked attempt too
    assert AuditEntry.objects.filter(action="security.locked_out").exists()
    for entry in AuditEntry.objects.filter(action="security.login_failed"):
        assert entry.target_repr == npo_officer.email and "guess" not in str(entry.changes)


@pytest.mark.django_db
def test_a_successful_login_is_recorded_and_resets_the_count(client, npo_officer):
    for _ in range(3):
        _log_in(client, npo_officer.email, "guess")
    assert _log_in(client, npo_officer.email, DEFAULT_PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="security.login")
    assert (entry.actor, entry.changes["ip"]) == (npo_officer, "127.0.0.1")


@pytest.mark.django_db
def test_denied_access_is_recorded(login, other_npo_officer):
    nomination = NominationFactory(project=ProjectFactory(participating_economies=["LK", "PH"]), economy=economy("LK"))
    url = reverse("nominations:detail", args=[nomination.pk])
    assert login(other_npo_officer).get(url).status_code == 404
    entry = AuditEntry.objects.get(action="security.access_denied")
    assert (entry.actor, entry.changes["path"], entry.changes["method"]) == (other_npo_officer, url, "GET")
    # An address that is no page at all (a typo) reached no record: it is not recorded.
    assert login(other_npo_officer).get("/nominatons/1/").status_code == 404
    assert AuditEntry.objects.filter(action="security.access_denied").count() == 1


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_the_other_security_headers(client):
    response = client.get(reverse("projects:catalogue"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_sessions_expire_and_passwords_are_validated(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["short", "password123", "1234567890"]:
        with pytest.raises(ValidationError):
            validate_password(weak)


@pytest.mark.django_db
def test_downloads_of_personal_data_are_recorded(login, npo_officer, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from nominations.models import Nomination

    nomination = NominationFactory(status=Nomination.Status.DRAFT)
    login(npo_officer).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", b"%PDF-1.4")},
    )
    login(npo_officer).get(reverse("nominations:attachment", args=[nomination.pk, "cv"]))
    login(secretariat).get(reverse("nominations:export", args=[nomination.project.code, "xlsx"]))
    actions = list(AuditEntry.objects.filter(action__endswith="downloaded").values_list("action", "actor"))
    assert actions == [
        ("nominations.export.downloaded", secretariat.pk),
        ("nominations.attachment.downloaded", npo_officer.pk),
    ]


@pytest.mark.django_db
def test_posting_status_economy_or_owner_to_an_edit_form_changes_none_of_them(login, npo_officer, secretariat):
    from nominations.models import Nomination
    from projects.models import Project

    nomination = NominationFactory(status=Nomination.Status.SUBMITTED, priority_rank=3)
    login(npo_officer).post(
        reverse("nominations:edit", args=[nomination.pk]),
        {
            "full_name": "Edited Name",
            "gender": "female",
            "email": nomination.email,
            "designation": "D",
            "organization": "O",
            "organization_type": "government",
            "english_proficiency": "fluent",
            "status": "selected",
            "economy": economy("PH").pk,
            "priority_rank": "1",
            "participant": npo_officer.pk,
        },
    )
    nomination.refresh_from_db()
    assert (
        nomination.full_name,
        nomination.status,
        nomination.economy.code,
        nomination.priority_rank,
        nomination.participant,
    ) == ("Edited Name", "submitted", "LK", 3, None)
    project = nomination.project
    form = {f: getattr(project, f) for f in ("code", "title", "project_type", "modality", "scope", "time_zone")}
    login(secretariat).post(
        reverse("manage:edit", args=[project.code]),
        {
            **form,
            "title": "Edited",
            "start_date": project.start_date,
            "end_date": project.end_date,
            "nomination_closes_at": project.closing_date,
            "hosting_economy": project.hosting_economy_id,
            "participating_economies": [economy("LK").pk],
            "overseas_participants": 1,
            "local_participants": 1,
            "attendance_threshold_percent": 80,
            "status": "completed",
            "published_at": "2000-01-01T00:00",
        },
    )
    project.refresh_from_db()
    assert (project.title, project.status) == ("Edited", Project.Status.PUBLISHED)
