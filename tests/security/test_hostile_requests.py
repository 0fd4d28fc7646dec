"""Requests no page of the portal makes, as a careless or hostile client sends them (found by walking every
route with odd values): each is answered with a message or a refusal, and never with the 500 page."""

import pytest
from django.urls import reverse

from nominations.models import Nomination
from projects.models import Project
from tests.factories import NominationFactory, ProjectFactory, economy
from tests.pages import page_text
from tests.projects.test_views import _project_form

# JSON nested past what Python's json module can read (it raises RecursionError, not a decoding error).
TOO_DEEP = "[" * 10_000 + "]" * 10_000


@pytest.fixture
def no_500(client):
    """The client answers with the portal's own response for an error, as a browser would see it."""
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["foo", "home", "X\x00", "//evil.example/", "https://evil.example/"])
def test_a_next_page_that_is_not_a_path_of_this_site_leads_to_the_usual_page(no_500, login, npo_officer, next_url):
    client = login(npo_officer)
    response = client.get(reverse("accounts:two_step_verify"), {"next": next_url})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    nomination = NominationFactory(status=Nomination.Status.DRAFT, economy=npo_officer.npo.economy)
    response = client.post(reverse("nominations:action", args=[nomination.pk, "submit"]), {"next": next_url})
    assert (response.status_code, response["Location"]) == (302, nomination.get_absolute_url())


@pytest.mark.django_db
def test_a_next_page_of_this_site_is_still_followed(login, npo_officer):
    nomination = NominationFactory(status=Nomination.Status.DRAFT, economy=npo_officer.npo.economy)
    back = reverse("nominations:economy", args=[nomination.project.code]) + "?status=draft"
    response = login(npo_officer).post(reverse("nominations:action", args=[nomination.pk, "submit"]), {"next": back})
    assert response["Location"] == back


@pytest.mark.django_db
@pytest.mark.parametrize(
    "program",
    ['[{"day": 1e400, "topics": []}]', '[{"day": Infinity, "topics": []}]', '[{"day": NaN, "topics": []}]', TOO_DEEP],
    ids=["a day of 1e400", "Infinity", "NaN", "nested 10,000 deep"],
)
def test_a_damaged_program_from_a_notification_is_refused_and_nothing_is_created(no_500, login, secretariat, program):
    response = login(secretariat).post(reverse("manage:create"), _project_form(notification_program=program))
    assert response.status_code == 200
    assert "The program read from the notification was damaged: read it again." in page_text(response)
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_refused_code_on_the_edit_page_leaves_the_page_about_the_project_as_stored(no_500, login, secretariat):
    project = ProjectFactory(hosting_economy=economy("IN"))
    response = login(secretariat).post(reverse("manage:edit", args=[project.code]), _project_form(code="X"))
    page = page_text(response)
    assert response.status_code == 200 and f"Edit {project.code}" in page
    assert f'action="{reverse("manage:edit", args=[project.code])}"' in response.content.decode()
    assert Project.objects.get(pk=project.pk).code == project.code


@pytest.mark.django_db
def test_a_credential_nested_too_deep_to_read_is_not_a_credential(no_500):
    import base64

    token = base64.urlsafe_b64encode(TOO_DEEP.encode()).decode().rstrip("=") + ".e30.c2ln"
    response = no_500.post(reverse("certificates:verify_credential"), {"token": token})
    assert response.status_code == 200
    assert "Its header is not readable: this is not a signed credential." in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [
        "otp_webauthn:credential-registration-begin",
        "otp_webauthn:credential-registration-complete",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
    ],
)
def test_a_security_key_request_nested_too_deep_is_malformed(no_500, login, npo_officer, route):
    response = login(npo_officer).post(reverse(route), TOO_DEEP, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "dates",
    [
        {"nomination_closes_at": "9999-12-31"},
        {"start_date": "9999-12-30", "end_date": "9999-12-31", "nomination_closes_at": "9999-12-29"},
        {"start_date": "0001-01-02", "end_date": "0001-01-03", "nomination_closes_at": "0001-01-01"},
    ],
    ids=["closing on the last day of the calendar", "a project in 9999", "a project in year 1"],
)
def test_dates_no_project_code_can_carry_are_refused_and_the_project_pages_still_open(
    no_500, login, secretariat, dates
):
    project = ProjectFactory(hosting_economy=economy("IN"), status=Project.Status.PUBLISHED)
    stored = (project.start_date, project.end_date, project.nomination_closes_at)
    client = login(secretariat)
    response = client.post(reverse("manage:edit", args=[project.code]), _project_form(code=project.code, **dates))
    assert response.status_code == 200
    assert page_text(response).count("Enter a date from 2000 to 2099, the years a project code can carry.") == len(
        dates
    )
    project.refresh_from_db()
    assert (project.start_date, project.end_date, project.nomination_closes_at) == stored
    for page in ("projects:detail", "manage:program", "attendance:register"):
        assert client.get(reverse(page, args=[project.code])).status_code == 200


@pytest.mark.django_db
def test_a_nul_in_a_document_kind_or_a_search_is_nothing_found(no_500, login, npo_officer):
    nomination = NominationFactory(status=Nomination.Status.DRAFT, economy=npo_officer.npo.economy)
    client = login(npo_officer)
    assert client.get(f"/nominations/{nomination.pk}/attachments/%00/").status_code == 404
    response = client.get(reverse("nominations:create", args=[nomination.project.code]), {"q": "a\x00b"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_ids_past_the_databases_integers_are_no_nomination_to_decide(no_500, login, secretariat):
    nomination = NominationFactory(status=Nomination.Status.SUBMITTED)
    huge = "9" * 40
    for route in ("nominations:confirm", "nominations:decide"):
        response = login(secretariat).post(
            reverse(route, args=[nomination.project.code]),
            {"query": "", "decision": Nomination.Status.SELECTED, "nominations": [huge, str(2**63), str(2**63 - 1)]},
            follow=True,
        )
        assert response.status_code == 200
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("huge", ["9" * 40, str(2**63), str(-(2**63) - 1), str(2**63 - 1)])  # the last one fits
def test_an_economy_id_past_the_databases_integers_is_no_economy_to_choose(no_500, login, secretariat, huge):
    form = _project_form(participating_economies=[economy("LK").pk, huge])
    response = login(secretariat).post(reverse("manage:create"), form)
    assert response.status_code == 200
    assert f"Select a valid choice. {huge} is not one of the available choices." in page_text(response)
    assert not Project.objects.exists()
