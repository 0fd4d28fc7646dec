import zoneinfo

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from accounts.models import NPO, Economy, User
from tests.factories import DEFAULT_PASSWORD, NPOOfficerFactory, ParticipantFactory


@pytest.mark.django_db
def test_the_21_member_economies_are_loaded_with_their_apo_names_npos_and_time_zones():
    economies = Economy.objects.all()
    assert economies.count() == 21
    names = set(economies.values_list("name", flat=True))
    assert {"Republic of China", "Islamic Republic of Iran", "Lao PDR", "Türkiye", "Sri Lanka", "Japan"} <= names
    assert NPO.objects.count() == 21
    for economy in economies:
        zoneinfo.ZoneInfo(economy.time_zone)  # raises if the zone does not exist
    assert Economy.objects.get(code="LK").npo.acronym == "NPS"


@pytest.mark.django_db
def test_users_log_in_with_their_email_in_any_case():
    user = ParticipantFactory(email="minh@example.org")
    assert (
        authenticate(RequestFactory().post("/accounts/login/"), email="MINH@Example.org", password=DEFAULT_PASSWORD)
        == user
    )
    assert authenticate(RequestFactory().post("/accounts/login/"), email="minh@example.org", password="wrong") is None


@pytest.mark.django_db
def test_an_email_address_belongs_to_one_account_whatever_its_case():
    ParticipantFactory(email="minh@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(email="Minh@Example.org")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_an_npo_officer_must_belong_to_an_npo_and_nobody_else_may():
    with pytest.raises(IntegrityError), transaction.atomic():
        NPOOfficerFactory(npo=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(npo=NPO.objects.get(economy__code="JP"))
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_roles_are_told_apart(secretariat, npo_officer, participant):
    assert (secretariat.is_secretariat, secretariat.is_npo_officer) == (True, False)
    assert (npo_officer.is_npo_officer, npo_officer.economy_id) == (True, Economy.objects.get(code="LK").pk)
    assert (participant.is_participant, participant.economy_id) == (True, None)
    npo_officer.is_active = False
    assert npo_officer.is_npo_officer is False
