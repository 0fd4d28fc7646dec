"""The calendar feed's link changes when its owner changes their password or asks for a new one (issue 15,
item 9): the old link then gives 404."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from nominations.models import Nomination
from tests.factories import DEFAULT_PASSWORD, NominationFactory, ParticipantFactory, ProjectFactory, SessionFactory
from tests.pages import page_text

NEW_PASSWORD = "another-long-pass-ph4se"


@pytest.fixture
def participant_with_feed(db, client):
    project = ProjectFactory()
    SessionFactory(project=project, title="Lean in the public sector")
    user = ParticipantFactory(full_name="Nguyễn Thị Ánh")
    NominationFactory(project=project, status=Nomination.Status.SELECTED, participant=user)
    client.force_login(user)
    return project, user, client


def _feed_path(client, project) -> str:
    page = client.get(reverse("attendance:my_project", args=[project.code])).content.decode()
    url = re.search(r'href="(http://testserver/calendar/[^"]+\.ics)"', page)[1]
    return url.removeprefix("http://testserver")


@pytest.mark.django_db
def test_a_password_change_replaces_the_feed_link(participant_with_feed):
    project, user, client = participant_with_feed
    old = _feed_path(client, project)
    assert "Lean in the public sector" in client.get(old).content.decode()
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get(old).status_code == 404
    new = _feed_path(client, project)
    assert new != old and "Lean in the public sector" in client.get(new).content.decode()


@pytest.mark.django_db
def test_a_password_set_elsewhere_replaces_the_feed_link_too(participant_with_feed):
    """A reset or the invitation set the password through set_password, as here."""
    project, user, client = participant_with_feed
    old = _feed_path(client, project)
    user.set_password("set-by-a-reset-link-42")
    user.save()
    client.force_login(user)
    assert client.get(old).status_code == 404


@pytest.mark.django_db
def test_asking_for_a_new_feed_link_replaces_it(participant_with_feed):
    project, user, client = participant_with_feed
    old = _feed_path(client, project)
    answer = client.post(reverse("attendance:calendar_feed_renew", args=[project.code]), follow=True)
    assert "Your calendar feed has a new link. The old link no longer works" in page_text(answer)
    assert client.get(old).status_code == 404
    new = _feed_path(client, project)
    assert new != old and client.get(new).status_code == 200
    assert AuditEntry.objects.filter(action="attendance.calendar_feed.renewed", target_id=str(user.pk)).count() == 1
    # Asking again replaces the second link as well.
    client.post(reverse("attendance:calendar_feed_renew", args=[project.code]))
    assert client.get(new).status_code == 404


@pytest.mark.django_db
def test_only_a_participant_of_the_project_asks_for_a_new_link(participant_with_feed, login):
    project, user, client = participant_with_feed
    stranger = ParticipantFactory()
    assert login(stranger).post(reverse("attendance:calendar_feed_renew", args=[project.code])).status_code == 404
    assert login(stranger).get(reverse("attendance:calendar_feed_renew", args=[project.code])).status_code == 405
    assert not AuditEntry.objects.filter(action="attendance.calendar_feed.renewed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-token", "WzEsIngiXQ:bad", "%00", "MQ:1v2"])
def test_a_forged_feed_link_is_404(client, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404
