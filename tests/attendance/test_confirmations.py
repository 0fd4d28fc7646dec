"""Destructive actions are asked once more before they happen, on pages that work without JavaScript:
revoking an override and revoking a certificate (the apply of an import, a withdrawal and removing sessions
are tested with their pages)."""

import pytest
from django.urls import reverse

from attendance import services
from attendance.models import EligibilityOverride
from certificates import services as certificate_services
from certificates.models import Certificate
from tests.pages import page_text


@pytest.mark.django_db
def test_revoking_an_override_asks_for_confirmation_first(login, secretariat, finished_project):
    project, sessions, people = finished_project
    sunil = people["sunil"]
    services.eligibility_override_grant(actor=secretariat, nomination=sunil, reason="Ill on day 2, certified")
    client = login(secretariat)
    url = reverse("attendance:override", args=[project.code, sunil.pk])
    asked = client.post(url, {"reason": "Granted by mistake", "revoke": ""})
    assert asked.status_code == 200
    assert "Revoke the override? Sunil Wijesinghe is then eligible" in page_text(asked)
    assert 'name="confirm" value="1"' in asked.content.decode()
    assert EligibilityOverride.objects.filter(nomination=sunil).exists()

    done = client.post(url, {"reason": "Granted by mistake", "revoke": "", "confirm": "1"})
    assert done["Location"] == reverse("attendance:register", args=[project.code])
    assert not EligibilityOverride.objects.filter(nomination=sunil).exists()


@pytest.mark.django_db
def test_revoking_a_certificate_is_a_page_of_its_own_before_the_post(login, secretariat, finished_project):
    project, sessions, people = finished_project
    certificate_services.certificates_issue(actor=secretariat, project=project)
    for issued in Certificate.objects.all():
        certificate_services.certificate_render(certificate_id=issued.pk)
    certificate = Certificate.objects.first()
    client = login(secretariat)
    manage = client.get(reverse("certificates:manage", args=[project.code])).content.decode()
    revoke = reverse("certificates:revoke", args=[certificate.pk])
    assert f'href="{revoke}"' in manage  # a link to the confirmation, not a button that revokes
    page = page_text(client.get(revoke))
    assert f"Revoke {certificate.serial}" in page and "This cannot be undone." in page
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
