"""After the closing instant (without an extension for the economy), or once a project is closed, completed
or cancelled, the pages that change a nomination show the closed state and no form (issue 14, item 5)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from nominations.models import DeadlineExtension, Nomination
from projects.models import Project
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, candidate, economy
from tests.pages import page_text

pytestmark = pytest.mark.django_db
# 15 March 2026, 23:59:59 in Tokyo: 20:29 in Colombo, the officer's zone.
CLOSED_AT = datetime.datetime(2026, 3, 15, 23, 59, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))


def _form_controls(body: str) -> list[str]:
    """The inputs, text areas, selects and submit buttons of the page's main content (the log-out button
    of the navigation bar and the time-zone link aside)."""
    main = body.split('id="main"', 1)[1]
    controls = re.findall(r"<(input|textarea|select)\b[^>]*>", main)
    buttons = re.findall(r'<button\b[^>]*type="submit"[^>]*>', main)
    return [c for c in controls if 'type="hidden"' not in c] + buttons


def _pages(project, nomination):
    return {
        "new": reverse("nominations:create", args=[project.code]),
        "edit": reverse("nominations:edit", args=[nomination.pk]),
        "detail (upload)": reverse("nominations:detail", args=[nomination.pk]),
    }


CLOSED = [
    ("past its closing instant", {"nomination_closes_at": CLOSED_AT}),
    ("closed", {"status": Project.Status.CLOSED}),
    ("completed", {"status": Project.Status.COMPLETED, "nomination_closes_at": CLOSED_AT}),
    ("cancelled", {"status": Project.Status.CANCELLED}),
]


@pytest.mark.parametrize("why, project_fields", CLOSED, ids=[c[0] for c in CLOSED])
def test_a_closed_project_offers_no_form_to_nominate_edit_or_upload(login, npo_officer, why, project_fields):
    project = ProjectFactory(**project_fields)
    nomination = NominationFactory(project=project, status=Nomination.Status.DRAFT)
    client = login(npo_officer)
    for name, url in _pages(project, nomination).items():
        response = client.get(url)
        if project.status == Project.Status.CANCELLED and name == "new":
            assert response.status_code == 404  # a cancelled project is gone from the NPO's pages
            continue
        assert response.status_code == 200, name
        body = response.content.decode()
        assert _form_controls(body) == [], name
        text = page_text(response)
        assert "read-only" in text, name
        if project.status == Project.Status.PUBLISHED:
            assert (
                "Nominations closed on 15 March 2026, 20:29 your time (Asia/Colombo)"
                " · 15 March 2026, 23:59 project time (Asia/Tokyo)" in text
            ), name
        else:
            assert f"{project.code} is {project.get_status_display().lower()}: it takes no nominations" in text


def test_the_server_still_refuses_a_nomination_after_the_closing_instant(login, npo_officer):
    project = ProjectFactory(nomination_closes_at=CLOSED_AT)
    response = login(npo_officer).post(
        reverse("nominations:create", args=[project.code]), {**candidate(), "submit": ""}
    )
    assert response.status_code == 200
    assert (
        "closed on 15 March 2026, 20:29 your time (Asia/Colombo) · 15 March 2026, 23:59 project time (Asia/Tokyo)."
        in page_text(response)
    )
    assert _form_controls(response.content.decode()) == []
    assert not Nomination.objects.exists()


def test_an_extension_keeps_the_forms_for_that_economy(login, npo_officer):
    project = ProjectFactory(nomination_closes_at=timezone.now() - datetime.timedelta(days=1))
    DeadlineExtension.objects.create(
        project=project,
        economy=economy("LK"),
        closes_at=timezone.now() + datetime.timedelta(days=2),
        reason="Holiday",
        granted_by=SecretariatFactory(),
    )
    nomination = NominationFactory(project=project, status=Nomination.Status.DRAFT)
    client = login(npo_officer)
    for name, url in _pages(project, nomination).items():
        assert _form_controls(client.get(url).content.decode()) != [], name
