"""A person is one account, found by their exact e-mail address, normalized one way (PRODUCT.md rule 10;
issue 15, item 1): addresses that only look alike (gmail.com and gmaıl.com, with a dotless ı) are two
people, on SQLite and on PostgreSQL, whose case-insensitive comparison folds ı into I."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.email_address import InvalidEmailAddress, normalize_email
from accounts.models import User
from attendance import imports, meeting_reports
from nominations import services
from nominations.forms import NominationForm
from nominations.models import Nomination
from tests.factories import (
    DEFAULT_PASSWORD,
    NominationFactory,
    ParticipantFactory,
    ProjectFactory,
    SessionFactory,
    candidate,
    documents,
    economy,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db
VICTIM = "vicky.victim@gmail.com"
LOOK_ALIKE = "vicky.victim@gmaıl.com"  # a dotless ı in the domain
LOOK_ALIKE_STORED = "vicky.victim@xn--gmal-nza.com"


def test_the_one_rule_normalizes_case_width_and_the_domain():
    assert normalize_email(" Vicky.Victim@GMAIL.com ") == VICTIM
    assert normalize_email("ｖｉｃｋｙ@gmail.com") == "vicky@gmail.com"
    assert normalize_email(LOOK_ALIKE) == LOOK_ALIKE_STORED
    assert normalize_email("Ünal@Bücher.DE") == "Ünal@xn--bcher-kva.de"  # only ASCII letters lower-cased
    with pytest.raises(InvalidEmailAddress):
        normalize_email("a@" + "x" * 70 + ".com")


def _nominated_and_selected(*, officer, secretariat, project, email):
    """Through the NPO's form path and the Secretariat's decision, as the address was typed."""
    nomination = services.nomination_create(
        actor=officer, project=project, data=candidate(email=email), submit=True, documents=documents()
    )
    return services.nomination_decide(actor=secretariat, nomination=nomination, to=Nomination.Status.SELECTED)


def _selected(project, email, code):
    return NominationFactory(project=project, email=email, economy=economy(code), status=Nomination.Status.SELECTED)


def test_a_look_alike_address_is_another_person_with_its_own_invitation(
    npo_officer, secretariat, django_capture_on_commit_callbacks, celery_eager
):
    first, second = ProjectFactory(), ProjectFactory()
    victim = _nominated_and_selected(officer=npo_officer, secretariat=secretariat, project=first, email=VICTIM)
    other = _nominated_and_selected(officer=npo_officer, secretariat=secretariat, project=second, email=LOOK_ALIKE)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_announce(actor=secretariat, project=first, base_url="https://portal.example")
        services.project_announce(actor=secretariat, project=second, base_url="https://portal.example")
    victim.refresh_from_db()
    other.refresh_from_db()
    assert victim.participant.email == VICTIM
    assert other.participant.email == LOOK_ALIKE_STORED
    assert victim.participant_id != other.participant_id
    assert User.objects.filter(role=User.Role.PARTICIPANT).count() == 2
    invitations = sorted(m.to[0] for m in mail.outbox if m.subject.startswith("You are selected"))
    assert invitations == sorted([VICTIM, LOOK_ALIKE_STORED])


def test_an_existing_account_does_not_capture_a_look_alike_nomination(
    npo_officer, secretariat, django_capture_on_commit_callbacks
):
    existing = ParticipantFactory(email=VICTIM)
    project = ProjectFactory()
    nomination = _nominated_and_selected(
        officer=npo_officer, secretariat=secretariat, project=project, email=LOOK_ALIKE
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.project_announce(actor=secretariat, project=project, base_url="https://portal.example")
    nomination.refresh_from_db()
    assert nomination.participant_id != existing.pk
    assert nomination.participant.email == LOOK_ALIKE_STORED


def test_the_nomination_form_stores_the_normalized_address_and_refuses_a_bad_domain():
    form = NominationForm(candidate(email="Vicky.Victim@GMAIL.com"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == VICTIM
    form = NominationForm(candidate(email=LOOK_ALIKE))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == LOOK_ALIKE_STORED


def test_a_look_alike_is_not_the_same_candidate_but_upper_case_is(npo_officer):
    project = ProjectFactory()
    services.nomination_create(actor=npo_officer, project=project, data=candidate(email=VICTIM))
    assert not NominationForm(candidate(email="Vicky.Victim@GMAIL.com"), project=project).is_valid()
    assert not NominationForm(candidate(email="ｖｉｃｋｙ.victim@gmail.com"), project=project).is_valid()
    assert NominationForm(candidate(email=LOOK_ALIKE), project=project).is_valid()
    services.nomination_create(actor=npo_officer, project=project, data=candidate(email=LOOK_ALIKE))
    assert sorted(Nomination.objects.filter(project=project).values_list("email", flat=True)) == sorted(
        [VICTIM, LOOK_ALIKE_STORED]
    )


def test_a_look_alike_login_does_not_open_the_other_account(client):
    ParticipantFactory(email=VICTIM)
    response = client.post(reverse("accounts:login"), {"username": LOOK_ALIKE, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    client.post(reverse("accounts:login"), {"username": "Vicky.Victim@GMAIL.com", "password": DEFAULT_PASSWORD})
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=VICTIM).pk


def test_a_meeting_report_row_with_a_look_alike_address_does_not_match():
    project = ProjectFactory()
    session = SessionFactory(project=project)
    victim = NominationFactory(project=project, email=VICTIM, full_name="Vicky Victim", status="selected")
    look_alike = NominationFactory(project=project, email=LOOK_ALIKE_STORED, full_name="Other", status="selected")
    during = ((session.starts_at, session.ends_at),)
    parsed = meeting_reports.ParsedReport(
        format="zoom",
        attendees=(
            meeting_reports.Attendee(name="Someone", email=LOOK_ALIKE, other_names=(), intervals=during),
            meeting_reports.Attendee(name="Else", email="Vicky.Victim@GMAIL.com", other_names=(), intervals=during),
        ),
    )
    matched = {row.nomination.pk for row in imports.preview(session, parsed).rows if row.matched_by == "e-mail"}
    assert matched == {victim.pk, look_alike.pk}
    parsed = meeting_reports.ParsedReport(
        format="zoom",
        attendees=(
            meeting_reports.Attendee(name="Someone", email="vicky.victim@gmaİl.com", other_names=(), intervals=during),
        ),
    )
    assert not [row for row in imports.preview(session, parsed).rows if row.matched_by == "e-mail"]


def test_the_review_and_announce_pages_show_a_selected_candidate_who_already_has_an_account(login, secretariat):
    project = ProjectFactory()
    ParticipantFactory(email=VICTIM, full_name="Vicky Victim")
    NominationFactory(project=project, email=VICTIM, economy=economy("ID"), status="selected", full_name="Vicky V.")
    _selected(project, LOOK_ALIKE_STORED, "LK")
    client = login(secretariat)
    for url in (
        reverse("nominations:review", args=[project.code]),
        reverse("nominations:announce", args=[project.code]),
    ):
        text = page_text(client.get(url))
        assert f"Vicky V. (Indonesia), {VICTIM}, already has an account: Vicky Victim, participant." in text
        assert f"{LOOK_ALIKE_STORED}, already has an account" not in text
