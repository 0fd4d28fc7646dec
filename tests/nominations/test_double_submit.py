"""A double-clicked submit (issue 20 item 5): the nomination form carries a one-time token, so the same form
posted twice makes one nomination, and the second answer is that nomination, as the first was, never "This
candidate is already nominated". The browser side (the form sent once) is tests/browser/test_double_submit.py."""

import re

import pytest
from django.urls import reverse

from nominations import services
from nominations.models import Nomination
from tests.factories import ProjectFactory, candidate, document_fields
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def _token(client, project) -> str:
    page = client.get(reverse("nominations:create", args=[project.code])).content.decode()
    return re.search(r'name="form_token" value="([0-9a-f-]{36})"', page).group(1)


def test_the_same_form_posted_twice_makes_one_nomination_and_answers_both_with_it(login, npo_officer):
    project = ProjectFactory(participating_economies=["LK"])
    client = login(npo_officer)
    token = _token(client, project)
    url = reverse("nominations:create", args=[project.code])

    first = client.post(url, {**candidate(), **document_fields(), "submit": "", "form_token": token})
    second = client.post(url, {**candidate(), **document_fields(), "submit": "", "form_token": token}, follow=True)

    nomination = Nomination.objects.get()
    assert nomination.status == Nomination.Status.SUBMITTED and nomination.attachments.count() == 3
    assert first.status_code == 302 and first.url == reverse("nominations:detail", args=[nomination.pk])
    assert second.redirect_chain == [(first.url, 302)]
    text = page_text(second)
    assert f"{nomination.full_name} was submitted to the APO Secretariat." in text
    assert "already nominated" not in text


def test_a_new_form_for_the_same_candidate_is_still_refused(login, npo_officer):
    project = ProjectFactory(participating_economies=["LK"])
    client = login(npo_officer)
    url = reverse("nominations:create", args=[project.code])
    assert client.post(url, {**candidate(), "form_token": _token(client, project)}).status_code == 302
    response = client.post(url, {**candidate(), "form_token": _token(client, project)})  # a fresh form
    assert response.status_code == 200
    assert "This candidate (same e-mail address) is already nominated for this project." in page_text(response)
    assert Nomination.objects.count() == 1


def test_a_token_of_another_economy_or_a_malformed_one_is_an_ordinary_form(login, npo_officer, other_npo_officer):
    project = ProjectFactory(participating_economies=["LK", "PH"])
    url = reverse("nominations:create", args=[project.code])
    client = login(other_npo_officer)
    token = _token(client, project)
    client.post(url, {**candidate(email="maria@example.ph"), "form_token": token})
    client = login(npo_officer)  # Sri Lanka's officer, with the Philippines' token: not shown PH's nomination
    response = client.post(url, {**candidate(email="an@example.lk"), "form_token": token})
    lk = Nomination.objects.get(economy__code="LK")
    assert response.url == reverse("nominations:detail", args=[lk.pk])  # its own, made now
    assert lk.email == "an@example.lk" and lk.form_token is None
    response = client.post(url, {**candidate(email="nimal@example.lk"), "form_token": "not-a-token"})
    assert response.status_code == 302
    assert Nomination.objects.filter(economy__code="LK").count() == 2


def test_the_second_of_two_racing_posts_gets_the_first_ones_nomination(npo_officer):
    """Both posts passed the form's checks before either was saved; the second waited for the project's lock
    (`nomination_create`), then found the token used."""
    project = ProjectFactory(participating_economies=["LK"])
    data = {key: value for key, value in candidate().items() if key in services.CANDIDATE_FIELDS}
    token = "5b4f3a52-7f0e-4f4e-9d53-0c1b7a0b9e11"
    first = services.nomination_create(actor=npo_officer, project=project, data=data, form_token=token)
    second = services.nomination_create(actor=npo_officer, project=project, data=data, form_token=token)
    assert first.pk == second.pk and Nomination.objects.count() == 1
