"""PRODUCT.md rules 5-7 for certificates: eligibility, once per participant, revocation and reissue."""

import datetime
import importlib
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from attendance import services as attendance_services
from audit.models import AuditEntry
from certificates import services
from certificates.models import Certificate
from mail.models import OutgoingEmail


@pytest.mark.django_db
def test_only_participants_who_attended_every_session_get_a_certificate(secretariat, finished_project):
    project, sessions, people = finished_project
    counts = services.certificates_issue(actor=secretariat, project=project)
    assert counts == {"issued": 2, "already": 0, "ineligible": 1}
    holders = set(Certificate.objects.values_list("holder_name", flat=True))
    assert holders == {"Nguyễn Thị Minh Anh", "राजेश कुमार"}  # late counts as attended; Sunil missed day 2


@pytest.mark.django_db
def test_issuing_again_creates_nothing_twice(secretariat, finished_project):
    project, _, _ = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    assert services.certificates_issue(actor=secretariat, project=project) == {
        "issued": 0,
        "already": 2,
        "ineligible": 1,
    }
    assert Certificate.objects.count() == 2


@pytest.mark.django_db
def test_the_database_allows_one_valid_certificate_per_participant(secretariat, finished_project):
    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            project=project, nomination=people["minh"], sequence=99, serial="APO-X-099", holder_name="Twin"
        )
    assert Certificate.objects.filter(nomination=people["minh"]).count() == 1


@pytest.mark.django_db
def test_serials_follow_the_project_and_codes_cannot_be_guessed(secretariat, finished_project):
    project, _, _ = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    certificates = list(Certificate.objects.order_by("sequence"))
    assert [c.serial for c in certificates] == ["APO-26-CP-41-GE-DLN-A-001", "APO-26-CP-41-GE-DLN-A-002"]
    for certificate in certificates:
        assert re.fullmatch(r"[A-Z2-7]{20}", certificate.verification_code)  # 20 base32 characters: 100 bits
    assert certificates[0].verification_code != certificates[1].verification_code


@pytest.mark.django_db
def test_nothing_is_issued_before_the_last_session_has_ended(secretariat, finished_project):
    project, sessions, _ = finished_project
    later = timezone.now() + datetime.timedelta(hours=2)
    sessions[1].starts_at, sessions[1].ends_at = later - datetime.timedelta(hours=1), later
    sessions[1].save()
    with pytest.raises(services.CertificateError, match="once the project's last session has ended"):
        services.certificates_issue(actor=secretariat, project=project)
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_a_participant_made_eligible_later_is_issued_on_their_own(secretariat, finished_project):
    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    attendance_services.eligibility_override_grant(
        actor=secretariat, nomination=people["sunil"], reason="Make-up session on day 3"
    )
    counts = services.certificates_issue(actor=secretariat, project=project, nominations=[people["sunil"]])
    assert counts == {"issued": 1, "already": 0, "ineligible": 0}
    assert Certificate.objects.get(nomination=people["sunil"]).serial == "APO-26-CP-41-GE-DLN-A-003"


@pytest.mark.django_db
def test_rendering_records_the_pdf_and_its_sha256_and_emails_once(secretariat, finished_project):
    import hashlib

    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project, nominations=[people["minh"]])
    certificate = Certificate.objects.get()
    assert certificate.render_status == "pending"
    assert services.certificate_render(certificate_id=certificate.pk) is True
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as pdf:
        data = pdf.read()
    assert data.startswith(b"%PDF-") and certificate.sha256 == hashlib.sha256(data).hexdigest()
    assert certificate.render_status == "rendered"
    assert services.certificate_render(certificate_id=certificate.pk) is False  # idempotent: rendered once
    emails = OutgoingEmail.objects.filter(to="minh@example.vn")
    assert emails.count() == 1
    assert f"/certificates/{certificate.pk}/download/" in emails.get().body


@pytest.mark.django_db
def test_a_failed_render_is_shown_as_failed_and_can_be_retried(secretariat, finished_project):
    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project, nominations=[people["minh"]])
    certificate = Certificate.objects.get()
    services.certificate_render_failed(certificate_id=certificate.pk, error="MemoryError", final=False)
    certificate.refresh_from_db()
    assert (certificate.render_status, certificate.render_attempts) == ("pending", 1)
    services.certificate_render_failed(certificate_id=certificate.pk, error="MemoryError", final=True)
    certificate.refresh_from_db()
    assert (certificate.render_status, certificate.render_error) == ("failed", "MemoryError")
    services.certificate_retry(actor=secretariat, certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.render_status == "pending"


@pytest.mark.django_db
def test_revoking_needs_a_reason_and_is_audited(secretariat, finished_project):
    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project, nominations=[people["minh"]])
    certificate = Certificate.objects.get()
    with pytest.raises(services.CertificateError, match="Write the reason"):
        services.certificate_revoke(actor=secretariat, certificate=certificate, reason=" ")
    services.certificate_revoke(actor=secretariat, certificate=certificate, reason="Issued in error")
    certificate.refresh_from_db()
    assert certificate.revoked_at and certificate.revoked_by == secretariat
    assert AuditEntry.objects.get(action="certificates.certificate.revoked").note == "Issued in error"
    with pytest.raises(services.CertificateError, match="already revoked"):
        services.certificate_revoke(actor=secretariat, certificate=certificate, reason="again")


@pytest.mark.django_db
def test_a_name_correction_revokes_the_old_certificate_and_issues_a_new_serial(secretariat, finished_project):
    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    old = Certificate.objects.get(nomination=people["minh"])
    new = services.certificate_reissue(
        actor=secretariat, certificate=old, reason="Family name misspelt", holder_name="Nguyễn Thị Minh Ánh"
    )
    old.refresh_from_db()
    people["minh"].refresh_from_db()
    assert (old.revoked_at is not None, old.replaced_by) == (True, new)
    assert (new.serial, new.holder_name, new.revoked_at) == ("APO-26-CP-41-GE-DLN-A-003", "Nguyễn Thị Minh Ánh", None)
    assert people["minh"].full_name == "Nguyễn Thị Minh Ánh"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "certificates.certificate.revoked",
        "certificates.certificate.issued",
        "nominations.nomination.name_corrected",
    } <= actions


@pytest.mark.django_db
def test_npo_officers_cannot_issue_or_revoke(npo_officer, secretariat, finished_project):
    from django.core.exceptions import PermissionDenied

    project, _, _ = finished_project
    with pytest.raises(PermissionDenied):
        services.certificates_issue(actor=npo_officer, project=project)
    services.certificates_issue(actor=secretariat, project=project)
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(actor=npo_officer, certificate=Certificate.objects.first(), reason="x")
    assert not Certificate.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_issuing_at_once_still_make_one_certificate_each(finished_project):
    from tests.concurrency import at_once
    from tests.factories import SecretariatFactory

    project, _, _ = finished_project
    first, second = SecretariatFactory(), SecretariatFactory()
    outcomes = at_once(
        lambda: services.certificates_issue(actor=first, project=project),
        lambda: services.certificates_issue(actor=second, project=project),
    )
    assert sorted(outcome["issued"] for outcome in outcomes) == [0, 2]  # the second found them issued
    assert Certificate.objects.count() == 2


@pytest.mark.django_db
def test_the_migration_dates_existing_certificates_in_the_secretariats_time_zone(secretariat, finished_project):
    from django.apps import apps

    fill_dates = importlib.import_module("certificates.migrations.0002_issue_and_revocation_dates").fill_dates
    project, _, _ = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    late_evening_utc = datetime.datetime(2026, 12, 1, 16, 0, tzinfo=datetime.UTC)  # 2 December 01:00 in Tokyo
    Certificate.objects.update(issued_at=late_evening_utc, issued_on=datetime.date(2000, 1, 1))
    Certificate.objects.filter(sequence=2).update(revoked_at=late_evening_utc)
    fill_dates(apps, None)
    assert list(Certificate.objects.order_by("sequence").values_list("issued_on", "revoked_on")) == [
        (datetime.date(2026, 12, 2), None),
        (datetime.date(2026, 12, 2), datetime.date(2026, 12, 2)),
    ]


@pytest.mark.django_db
def test_a_certificate_revoked_before_its_email_went_sends_the_holder_nothing(secretariat, finished_project):
    from django.core import mail as django_mail

    from mail import services as mail

    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    certificate = Certificate.objects.get(nomination=people["minh"])
    assert services.certificate_render(certificate_id=certificate.pk)
    owed = OutgoingEmail.objects.get(key=f"certificate:{certificate.pk}")
    assert owed.status == OutgoingEmail.Status.PENDING  # the broker has not taken it yet

    services.certificate_revoke(actor=secretariat, certificate=certificate, reason="Issued by mistake")
    owed.refresh_from_db()
    assert (owed.status, owed.last_error) == ("cancelled", "The certificate was revoked before it was sent.")
    assert mail.outgoing_email_send(email_id=owed.pk) is False
    assert django_mail.outbox == []
    assert owed not in mail.outgoing_emails_needing_attention()
