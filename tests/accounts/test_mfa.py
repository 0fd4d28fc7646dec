"""Two-step sign-in: a stolen password alone opens no Secretariat page and not the Django admin."""

import base64
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditEntry
from tests.factories import DEFAULT_PASSWORD, NPOOfficerFactory, SecretariatFactory
from tests.pages import page_text

MANAGE = "/manage/projects/"
RECOVERY_CODES = ["abcdefgh", "ijklmnop", "qrstuv23"]


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def staff(db):
    # Staff who also use the Django admin; the address is typed below in another case.
    return SecretariatFactory(
        email="aiko.tanaka@apo-tokyo.org", full_name="Aiko Tanaka", is_staff=True, is_superuser=True
    )


def code_for(device, *, steps_ahead=0) -> str:
    """The code the person's app shows now (or a later step's, for a second sign-in within 30 s: a code
    is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def with_app(user, *, recovery_codes=RECOVERY_CODES) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Work phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in recovery_codes:
        StaticToken.objects.create(device=static, token=code)
    return device


def password_login(client, email):
    response = client.post(reverse("accounts:login"), {"username": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, page_text(response)
    return response


def verify_url(next_url):
    return f"{reverse('accounts:two_step_verify')}?next={next_url.replace('/', '%2F')}"


def enrol_url(next_url):
    return f"{reverse('accounts:two_step_enrol')}?next={next_url.replace('/', '%2F')}"


def actions(user):
    return list(
        AuditEntry.objects.filter(actor=user, action__startswith="security.mfa")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# Required for staff --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_without_an_app_cannot_reach_the_manage_pages_or_the_admin_with_a_password_alone(
    client, staff, mfa_required
):
    password_login(client, "Aiko.Tanaka@APO-Tokyo.org")
    for url in (MANAGE, "/admin/", "/admin/accounts/user/", reverse("home"), reverse("accounts:profile")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == enrol_url(url)
    assert client.post(f"{MANAGE}new/", {"code": "X"}).status_code == 302
    page = client.get(enrol_url(MANAGE))
    assert "Secretariat staff sign in with a password and a code from an authenticator app" in page_text(page)


@pytest.mark.django_db
def test_staff_sets_up_an_app_then_reaches_the_page_asked_for(client, staff, mfa_required):
    password_login(client, staff.email)
    page = client.get(enrol_url(MANAGE))
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(re.findall(".{1,4}", secret)) in page_text(page)
    assert re.search(r'<img[^>]+src="data:image/svg\+xml', page.content.decode())
    # Reloading shows the same key: the app already scanned stays right.
    assert client.get(enrol_url(MANAGE)).context["setup"].secret == page.context["setup"].secret

    response = client.post(enrol_url(MANAGE), {"code": code_for(device), "name": "Work phone"})
    assert response["Location"] == reverse("accounts:two_step_recovery_codes") + "?next=%2Fmanage%2Fprojects%2F"
    codes_page = client.get(response["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and all(code in page_text(codes_page) for code in codes)
    assert sorted(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)) == sorted(codes)
    # Shown once.
    assert client.get(reverse("accounts:two_step_recovery_codes"))["Location"] == reverse("accounts:profile")

    device.refresh_from_db()
    assert (device.confirmed, device.name) == (True, "Work phone")
    assert client.get(MANAGE).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert actions(staff) == ["security.mfa_enrolled"]


@pytest.mark.django_db
def test_a_wrong_code_when_setting_up_is_refused_and_nothing_is_turned_on(client, staff, mfa_required):
    password_login(client, staff.email)
    client.get(enrol_url(MANAGE))
    device = TOTPDevice.objects.get(user=staff)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    page = client.post(enrol_url(MANAGE), {"code": wrong, "name": "Work phone"})
    assert page.status_code == 200
    assert "That code does not match" in page_text(page)
    device.refresh_from_db()
    assert device.confirmed is False and not StaticToken.objects.exists()
    assert client.get(MANAGE)["Location"] == enrol_url(MANAGE)


@pytest.mark.django_db
def test_staff_with_an_app_enters_its_code_after_the_password(client, staff, mfa_required):
    device = with_app(staff)
    response = password_login(client, staff.email)
    assert client.get(response["Location"])["Location"] == verify_url(reverse("home"))
    assert client.get(MANAGE)["Location"] == verify_url(MANAGE)
    assert client.get("/admin/")["Location"] == verify_url("/admin/")

    response = client.post(verify_url(MANAGE), {"code": code_for(device)})
    assert response["Location"] == MANAGE
    assert client.get(MANAGE).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert actions(staff) == ["security.mfa_verified"]


@pytest.mark.django_db
def test_a_wrong_code_is_refused_audited_and_throttled(client, staff, mfa_required):
    device = with_app(staff)
    password_login(client, staff.email)
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
    page = client.post(verify_url(MANAGE), {"code": wrong})
    assert page.status_code == 200
    assert "That code is not right" in page_text(page)
    assert client.get(MANAGE)["Location"] == verify_url(MANAGE)

    # At once again, even the right code: each wrong code doubles the wait on the device.
    page = client.post(verify_url(MANAGE), {"code": code_for(device)})
    assert "Too many wrong codes. Wait 1 second, then try again." in page_text(page)
    assert client.get(MANAGE)["Location"] == verify_url(MANAGE)

    failures = AuditEntry.objects.filter(action="security.mfa_failed", actor=staff).order_by("pk")
    assert [entry.changes["throttled"] for entry in failures] == [False, True]
    assert failures[0].changes["ip"] == "127.0.0.1" and wrong not in str(failures[0].changes)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@pytest.mark.django_db
def test_input_that_is_no_code_is_refused_with_a_message(client, staff, mfa_required):
    with_app(staff)
    password_login(client, staff.email)
    page = client.post(verify_url(MANAGE), {"code": "12345"})
    assert "Enter the 6-digit code from your authenticator app, or one of your recovery codes." in page_text(page)
    assert client.get(MANAGE)["Location"] == verify_url(MANAGE)


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, staff, mfa_required):
    with_app(staff)
    password_login(client, staff.email)
    response = client.post(verify_url(MANAGE), {"code": " ABCD-EFGH "}, follow=True)
    assert response.redirect_chain[-1][0] == MANAGE
    assert "You used a recovery code; 2 left." in page_text(response)
    entry = AuditEntry.objects.get(action="security.mfa_recovery_code_used")
    assert (entry.actor, entry.changes["codes_left"]) == (staff, 2)

    client.post(reverse("accounts:logout"))
    password_login(client, staff.email)
    page = client.post(verify_url(MANAGE), {"code": "abcdefgh"})
    assert "That recovery code is not right, or it was used already." in page_text(page)
    assert client.get(MANAGE)["Location"] == verify_url(MANAGE)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == ["ijklmnop", "qrstuv23"]


@pytest.mark.django_db
def test_a_password_alone_cannot_set_up_another_app(client, staff, mfa_required):
    with_app(staff)
    password_login(client, staff.email)
    assert client.get(reverse("accounts:two_step_enrol"))["Location"].startswith(reverse("accounts:two_step_verify"))
    assert client.post(reverse("accounts:two_step_enrol"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert client.post(reverse("accounts:two_step_recovery_codes_new")).status_code == 302
    assert StaticToken.objects.count() == len(RECOVERY_CODES)


@pytest.mark.django_db
def test_the_admin_login_page_also_leads_to_the_second_step(client, staff, mfa_required):
    with_app(staff)
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == verify_url("/admin/")


@pytest.mark.django_db
def test_after_the_second_step_only_pages_of_this_site_are_followed(client, staff, mfa_required):
    device = with_app(staff)
    password_login(client, staff.email)
    response = client.post(
        reverse("accounts:two_step_verify"), {"code": code_for(device), "next": "https://evil.example/manage/"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_an_htmx_request_is_sent_to_the_second_step_as_a_whole_page(client, staff, mfa_required):
    with_app(staff)
    password_login(client, staff.email)
    response = client.get(MANAGE, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == verify_url(MANAGE)


# Optional for NPO officers, off in the quick start ----------------------------------------------------


@pytest.mark.django_db
def test_an_npo_officer_without_an_app_logs_in_as_before(client, npo_officer, mfa_required):
    response = password_login(client, "NPO@NPSlanka.gov.lk")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Projects open to Sri Lanka" in page_text(page)
    profile = client.get(reverse("accounts:profile"))
    assert "Two-step sign-in Off. Turn it on so that a stolen password alone cannot open your account" in page_text(
        profile
    )


@pytest.mark.django_db
def test_an_npo_officer_who_opts_in_is_asked_for_a_code_next_time(client, npo_officer, mfa_required):
    password_login(client, npo_officer.email)
    page = client.get(reverse("accounts:two_step_enrol"))
    assert "Secretariat staff sign in" not in page_text(page)
    device = TOTPDevice.objects.get(user=npo_officer)
    client.post(reverse("accounts:two_step_enrol"), {"code": code_for(device), "name": ""})
    assert TOTPDevice.objects.get(user=npo_officer, confirmed=True).name == "Authenticator app"

    client.post(reverse("accounts:logout"))
    password_login(client, npo_officer.email)
    assert client.get(reverse("home"))["Location"] == verify_url(reverse("home"))
    device.refresh_from_db()
    client.post(verify_url("/"), {"code": code_for(device, steps_ahead=1)})
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_without_the_requirement_staff_log_in_with_a_password_alone(client, staff, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False  # the quick start's local settings
    password_login(client, staff.email)
    assert client.get(MANAGE).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_production_requires_it_and_the_quick_start_does_not():
    from apo_portal.settings import base, local

    assert base.MFA_REQUIRED_FOR_STAFF is True
    assert local.MFA_REQUIRED_FOR_STAFF is False


# Managing apps and codes on the profile -------------------------------------------------------------


@pytest.mark.django_db
def test_removing_an_app_asks_for_the_password_and_is_audited(client, staff, mfa_required):
    device = with_app(staff)
    password_login(client, staff.email)
    client.post(verify_url("/"), {"code": code_for(device)})
    profile = client.get(reverse("accounts:profile"))
    assert "Work phone" in page_text(profile) and "Recovery codes left: 3" in page_text(profile)

    url = reverse("accounts:two_step_app_remove", args=[device.pk])
    page = client.post(url, {"password": "not-my-password"})
    assert "That is not your password." in page_text(page)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    response = client.post(url, {"password": DEFAULT_PASSWORD})
    assert response["Location"] == reverse("accounts:profile")
    assert not TOTPDevice.objects.filter(user=staff).exists() and not StaticToken.objects.exists()
    entry = AuditEntry.objects.get(action="security.mfa_device_removed")
    assert (entry.actor, entry.changes["device"], entry.changes["last_device"]) == (staff, "Work phone", True)
    # Staff must set up a new app before anything else.
    assert client.get(MANAGE)["Location"] == enrol_url(MANAGE)


@pytest.mark.django_db
def test_another_persons_app_cannot_be_removed(client, staff, npo_officer, mfa_required):
    theirs = with_app(staff)
    password_login(client, npo_officer.email)
    response = client.post(reverse("accounts:two_step_app_remove", args=[theirs.pk]), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client, staff, mfa_required):
    device = with_app(staff)
    password_login(client, staff.email)
    client.post(verify_url("/"), {"code": code_for(device)})
    response = client.post(reverse("accounts:two_step_recovery_codes_new"), follow=True)
    codes = response.context["codes"]
    assert len(codes) == 10 and "they are shown only now" in page_text(response)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert not set(RECOVERY_CODES) & set(codes)
    assert actions(staff) == ["security.mfa_verified", "security.mfa_recovery_codes_replaced"]


@pytest.mark.django_db
def test_a_session_from_before_two_step_sign_in_is_asked_too(client, staff, mfa_required):
    with_app(staff)
    client.force_login(staff)
    session = client.session
    del session["accounts.two_step"]
    session.save()
    assert client.get(MANAGE)["Location"] == verify_url(MANAGE)


@pytest.mark.django_db
def test_a_page_costs_no_device_query_for_an_officer_without_one(client, mfa_required):
    client.force_login(NPOOfficerFactory())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert [q["sql"] for q in queries.captured_queries if "otp_" in q["sql"]] == []


@pytest.mark.django_db
def test_a_session_whose_app_was_removed_by_an_administrator_is_not_stuck(client, npo_officer, mfa_required):
    device = with_app(npo_officer)
    password_login(client, npo_officer.email)
    assert client.get(reverse("home"))["Location"] == verify_url(reverse("home"))
    device.delete()
    StaticDevice.objects.filter(user=npo_officer).delete()
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_password_alone_cannot_set_up_a_security_key(client, staff, mfa_required):
    with_app(staff)
    password_login(client, staff.email)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"), content_type="application/json")
    assert response.status_code == 403
    assert "otp_webauthn_register_state" not in client.session


@pytest.mark.django_db
def test_staff_without_a_device_may_start_setting_up_a_security_key(client, staff, mfa_required):
    password_login(client, staff.email)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["rp"] == {"id": "localhost", "name": "APO Portal"}


@pytest.mark.django_db
def test_a_refused_security_key_is_audited(client, staff, mfa_required):
    with_app(staff)
    password_login(client, staff.email)
    response = client.post(
        reverse("otp_webauthn:credential-authentication-complete"), {"id": "forged"}, content_type="application/json"
    )
    assert response.status_code == 400
    entry = AuditEntry.objects.get(action="security.mfa_failed")
    assert (entry.actor, entry.changes["kind"]) == (staff, "key")
    assert client.get(MANAGE)["Location"] == verify_url(MANAGE)


@pytest.mark.django_db
def test_removing_the_last_security_key_removes_the_recovery_codes_too(client, npo_officer, mfa_required):
    key = WebAuthnCredential.objects.create(
        user=npo_officer, name="YubiKey", confirmed=True, credential_id=b"\x01" * 16, public_key=b"\x02" * 77
    )
    StaticToken.objects.create(
        device=StaticDevice.objects.create(user=npo_officer, name="Recovery codes"), token="abcdefgh"
    )
    client.force_login(npo_officer)
    client.post(verify_url("/"), {"code": "abcdefgh"})
    assert "YubiKey" in page_text(client.get(reverse("accounts:profile")))
    response = client.post(reverse("accounts:two_step_key_remove", args=[key.pk]), {"password": DEFAULT_PASSWORD})
    assert response["Location"] == reverse("accounts:profile")
    assert not WebAuthnCredential.objects.exists() and not StaticDevice.objects.exists()
    assert "Two-step sign-in Off." in page_text(client.get(reverse("accounts:profile")))
