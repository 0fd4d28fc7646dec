"""PRODUCT.md rule 3 under real concurrency: two program officers take the last seat at the same moment."""

import threading

import pytest
from django.db import connection

from nominations import services
from nominations.models import Nomination
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_officers_deciding_at_once_never_exceed_the_limit():
    project = ProjectFactory(per_economy_limit=1)
    first, second = NominationFactory.create_batch(2, project=project)
    officers = [SecretariatFactory(), SecretariatFactory()]
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(officer, nomination):
        try:
            barrier.wait(timeout=10)  # both transactions start together
            services.nomination_decide(actor=officer, nomination=nomination, to=Nomination.Status.SELECTED)
            outcomes[nomination.pk] = "selected"
        except services.NominationError as error:
            outcomes[nomination.pk] = " ".join(error.messages)
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=decide, args=pair) for pair in zip(officers, (first, second), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == [
        "Sri Lanka already has 1 selected participant: the limit is 1 per economy.",
        "selected",
    ]
    assert Nomination.objects.filter(status=Nomination.Status.SELECTED).count() == 1


def test_the_database_refuses_the_same_candidate_twice_even_when_two_requests_race(npo_officer):
    project = ProjectFactory()
    barrier = threading.Barrier(2)
    results = []

    def nominate():
        try:
            barrier.wait(timeout=10)
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
            results.append("created")
        except services.NominationError as error:
            results.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=nominate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["This candidate (same e-mail address) is already nominated for this project.", "created"]
    assert Nomination.objects.filter(project=project).count() == 1
