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
