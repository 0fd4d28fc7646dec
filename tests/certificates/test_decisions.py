"""A holder no longer eligible is flagged for a decision, however the attendance changed (PRODUCT.md rule 12)."""

import pytest
from django.urls import reverse

from attendance import services as attendance_services
from attendance.models import Mark
from certificates import services
from certificates.models import Certificate
from nominations.models import Nomination
from tests.factories import NominationFactory
from tests.pages import page_text


@pytest.fixture
def issued(secretariat, finished_project):
    """Minh's and Rahul's certificates, rendered (Sunil missed a session)."""
    project, sessions, people = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    for certificate in Certificate.objects.all():
        services.certificate_render(certificate_id=certificate.pk)
    return project, sessions, people


def _mark_by_hand(client, project, nomination, session, status):
    return client.post(
        reverse("attendance:mark", args=[project.code]),
        {"cell": f"{nomination.pk}-{session.pk}", "status": status},
        HTTP_HX_REQUEST="true",
    )


@pytest.mark.django_db
def test_a_hand_mark_after_issue_flags_the_certificate_on_its_page_and_the_home(login, secretariat, issued):
    project, sessions, people = issued
    client = login(secretariat)
    manage = reverse("certificates:manage", args=[project.code])
    assert "no longer eligible" not in page_text(client.get(manage))
    assert "no longer eligible" not in page_text(client.get(reverse("home")))

    assert _mark_by_hand(client, project, people["minh"], sessions[1], "a").status_code == 200
    serial = Certificate.objects.get(nomination=people["minh"]).serial
    page = page_text(client.get(manage))
    assert "1 certificate holder is no longer eligible" in page
    assert f"Nguyễn Thị Minh Anh ({serial}): 1/2 sessions" in page
    assert page.count("Holder no longer eligible: decide") == 1
    home = page_text(client.get(reverse("home")))
    assert "Certificates whose holder is no longer eligible" in home
    assert f"26-CP-41-GE-DLN-A: Nguyễn Thị Minh Anh (Vietnam), {serial}, 1/2 sessions" in home
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 2  # nothing is revoked by itself

    _mark_by_hand(client, project, people["minh"], sessions[1], "l")  # late counts as attended
    assert "no longer eligible" not in page_text(client.get(manage))
    assert "no longer eligible" not in page_text(client.get(reverse("home")))


@pytest.mark.django_db
def test_an_override_with_a_reason_settles_the_flag(login, secretariat, issued):
    project, sessions, people = issued
    client = login(secretariat)
    _mark_by_hand(client, project, people["rahul"], sessions[0], "a")
    manage = client.get(reverse("certificates:manage", args=[project.code]))
    override = reverse("attendance:override", args=[project.code, people["rahul"].pk]) + "?back=certificates"
    assert f'href="{override}"' in manage.content.decode()
    refused = client.post(override, {"reason": " "})
    assert refused.status_code == 200 and "no longer eligible" in page_text(
        client.get(reverse("certificates:manage", args=[project.code]))
    )
    done = client.post(override, {"reason": "Missed day 1 for a documented medical emergency"})
    assert done["Location"] == reverse("certificates:manage", args=[project.code])
    assert "no longer eligible" not in page_text(client.get(done["Location"]))
    assert "no longer eligible" not in page_text(client.get(reverse("home")))


@pytest.mark.django_db
def test_revoking_settles_the_flag(login, secretariat, issued):
    project, sessions, people = issued
    client = login(secretariat)
    _mark_by_hand(client, project, people["rahul"], sessions[0], "a")
    certificate = Certificate.objects.get(nomination=people["rahul"])
    assert "no longer eligible" in page_text(client.get(reverse("home")))
    client.post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": "Did not attend day 1"})
    assert "no longer eligible" not in page_text(client.get(reverse("certificates:manage", args=[project.code])))
    assert "no longer eligible" not in page_text(client.get(reverse("home")))


def _add_holders_no_longer_eligible(secretariat, project, sessions, count: int) -> None:
    """`count` participants who attended every session, were certified, then were marked absent from the first."""
    for _ in range(count):
        nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED)
        for session in sessions:
            Mark.objects.create(session=session, nomination=nomination, status="present", set_at=sessions[0].ends_at)
        services.certificates_issue(actor=secretariat, project=project, nominations=[nomination])
        attendance_services.mark_set(actor=secretariat, session=sessions[0], nomination=nomination, status="absent")


@pytest.mark.django_db
def test_the_homes_flag_list_makes_the_same_number_of_queries_at_any_size(
    login, secretariat, issued, django_assert_num_queries
):
    project, sessions, people = issued
    client = login(secretariat)
    # user, 7 lists of what waits (each one query while it is short), failed e-mails, certificates to decide on
    with django_assert_num_queries(10):
        assert client.get(reverse("home")).status_code == 200
    for size in (2, 12):
        _add_holders_no_longer_eligible(secretariat, project, sessions, size)
        with django_assert_num_queries(10):
            page = client.get(reverse("home"))
        assert len(page.context["certificates_needing_decision"]) == {2: 2, 12: 14}[size]


@pytest.mark.django_db
def test_the_certificates_page_with_flags_makes_the_same_number_of_queries_at_any_size(
    login, secretariat, issued, django_assert_num_queries
):
    project, sessions, people = issued
    client = login(secretariat)
    for size in (2, 12):
        _add_holders_no_longer_eligible(secretariat, project, sessions, size)
        # user, project, participants with their attendance, sessions, certificates, whether it has ended,
        # and the progress bar's two counts (certificates by status, their e-mails by status)
        with django_assert_num_queries(8):
            page = client.get(reverse("certificates:manage", args=[project.code]))
        assert len(page.context["needing_decision"]) == {2: 2, 12: 14}[size]
