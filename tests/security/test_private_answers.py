"""Answers that carry personal data say `Cache-Control: no-store, private`, so that no browser history, shared
computer or cache in between keeps them; the public catalogue and static files stay cacheable. And every answer
carries a Permissions-Policy that switches off what the portal never uses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from nominations.models import Nomination
from tests.factories import NominationFactory


@pytest.fixture
def world(secretariat, npo_officer, finished_project, client):
    """The finished project with Minh's and Rahul's certificates rendered, and a draft nomination of Sri Lanka
    with a CV."""
    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    for certificate in Certificate.objects.all():
        services.certificate_render(certificate_id=certificate.pk)
    draft = NominationFactory(status=Nomination.Status.DRAFT)
    client.force_login(npo_officer)
    client.post(
        reverse("nominations:attachment_upload", args=[draft.pk]),
        {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv")},
    )
    client.logout()
    minh = people["minh"]
    return {
        "project": project,
        "draft": draft,
        "participant": minh.participant,
        "certificate": Certificate.objects.get(nomination=minh),
        "secretariat": secretariat,
        "npo_officer": npo_officer,
    }


def _feed(world):
    from attendance.ical import feed_token

    return reverse("attendance:calendar_feed", args=[feed_token(world["participant"])])


# (what, who asks: a key of `world` or None for anyone, the address)
PRIVATE = [
    ("nominations CSV", "npo_officer", lambda w: reverse("nominations:export", args=[w["project"].code, "csv"])),
    ("nominations Excel", "secretariat", lambda w: reverse("nominations:export", args=[w["project"].code, "xlsx"])),
    ("attachment", "npo_officer", lambda w: reverse("nominations:attachment", args=[w["draft"].pk, "cv"])),
    ("certificate PDF", "participant", lambda w: reverse("certificates:download", args=[w["certificate"].pk])),
    ("certificates ZIP", "secretariat", lambda w: reverse("certificates:zip", args=[w["project"].code])),
    ("report CSV", "secretariat", lambda w: reverse("reports:export", args=["economies", "csv"])),
    ("report Excel", "npo_officer", lambda w: reverse("reports:export", args=["projects", "xlsx"])),
    ("project report PDF", "secretariat", lambda w: reverse("reports:project_pdf", args=[w["project"].code])),
    ("iCalendar file", "participant", lambda w: reverse("attendance:my_calendar", args=[w["project"].code])),
    ("iCalendar feed, by its link", None, _feed),
    ("verification page", None, lambda w: reverse("certificates:verify", args=[w["certificate"].verification_code])),
    ("verification form", None, lambda w: reverse("certificates:verify_form")),
    ("officer's home page", "npo_officer", lambda w: reverse("home")),
    ("nomination page", "npo_officer", lambda w: reverse("nominations:detail", args=[w["draft"].pk])),
    ("participant's project", "participant", lambda w: reverse("attendance:my_project", args=[w["project"].code])),
    ("profile", "participant", lambda w: reverse("accounts:profile")),
    ("review page", "secretariat", lambda w: reverse("nominations:review", args=[w["project"].code])),
    ("attendance register", "secretariat", lambda w: reverse("attendance:register", args=[w["project"].code])),
    ("catalogue, signed in", "npo_officer", lambda w: reverse("projects:catalogue")),
]


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("what, who, url", PRIVATE, ids=[case[0] for case in PRIVATE])
def test_answers_with_personal_data_are_not_stored(client, world, what, who, url):
    if who is not None:
        client.force_login(world[who])
    response = client.get(url(world))
    assert response.status_code == 200, what
    assert {"no-store", "private"} <= _directives(response), what


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [lambda p: reverse("projects:catalogue"), lambda p: reverse("projects:detail", args=[p.code])],
    ids=["catalogue", "project page"],
)
def test_the_public_catalogue_stays_cacheable(client, finished_project, url):
    project, _, _ = finished_project
    response = client.get(url(project))
    assert response.status_code == 200 and "no-store" not in _directives(response)


@pytest.mark.django_db
def test_static_files_stay_cacheable_for_a_signed_in_person(login, npo_officer):
    response = login(npo_officer).get("/static/css/portal.css")
    assert response.status_code == 200 and "no-store" not in _directives(response)


@pytest.mark.django_db
def test_every_answer_switches_off_the_browser_features_the_portal_never_uses(client):
    policy = dict(
        part.strip().split("=", 1)
        for part in client.get(reverse("projects:catalogue"))["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics", "interest-cohort"):
        assert policy[feature] == "()", feature
    # Security keys and passkeys stay possible, for the portal itself.
    assert policy["publickey-credentials-get"] == policy["publickey-credentials-create"] == "(self)"
