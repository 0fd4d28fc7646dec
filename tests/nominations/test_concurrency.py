"""PRODUCT.md rule 3 under real concurrency: two program officers take the last seat at the same moment."""

import pytest

from nominations import services
from nominations.models import Nomination
from tests.concurrency import at_once
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_officers_deciding_at_once_never_exceed_the_limit():
    project = ProjectFactory(per_economy_limit=1)
    first, second = NominationFactory.create_batch(2, project=project)
    officers = [SecretariatFactory(), SecretariatFactory()]

    def decide(officer, nomination):
        try:
            services.nomination_decide(actor=officer, nomination=nomination, to=Nomination.Status.SELECTED)
            return "selected"
        except services.NominationError as error:
            return " ".join(error.messages)

    outcomes = at_once(*(lambda o=o, n=n: decide(o, n) for o, n in zip(officers, (first, second), strict=True)))
    assert sorted(outcomes) == [
        "Sri Lanka already has 1 selected participant: the limit is 1 per economy.",
        "selected",
    ]
    assert Nomination.objects.filter(status=Nomination.Status.SELECTED).count() == 1


def test_the_database_refuses_the_same_candidate_twice_even_when_two_requests_race(npo_officer):
    project = ProjectFactory()

    def nominate():
        try:
            services.nomination_create(
                actor=npo_officer,
                project=project,
                data={
                    "full_name": "Twin",
                    "gender": "female",
                    "email": "twin@example.org",
                    "designation": "D",
                    "organization": "O",
                    "organization_type": "government",
                    "english_proficiency": "fluent",
                },
            )
            return "created"
        except services.NominationError as error:
            return " ".join(error.messages)

    assert sorted(at_once(nominate, nominate)) == [
        "This candidate (same e-mail address) is already nominated for this project.",
        "created",
    ]
    assert Nomination.objects.filter(project=project).count() == 1


def test_two_posts_of_one_form_racing_make_one_nomination_and_both_answer_with_it(npo_officer):
    """A double click whose two posts both passed the form's checks before either was saved: the second waits
    for the project's lock, then finds the form's token used (issue 20 item 5)."""
    project = ProjectFactory()
    data = {
        "full_name": "Twin",
        "gender": "female",
        "email": "twin@example.org",
        "designation": "D",
        "organization": "O",
        "organization_type": "government",
        "english_proficiency": "fluent",
    }
    token = "0d6f0b8e-2f0c-4b51-9a5e-6b3c0f3b9d27"

    def post():
        return services.nomination_create(actor=npo_officer, project=project, data=data, form_token=token).pk

    first, second = at_once(post, post)
    assert first == second == Nomination.objects.get(project=project).pk
