import re
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Economy, User
from audit.models import AuditEntry
from tests.factories import DEFAULT_PASSWORD, ProjectFactory
from tests.pages import page_text


@pytest.mark.django_db
def test_login_with_email_lands_on_the_home_page(client, npo_officer):
    response = client.post(reverse("accounts:login"), {"username": "NPO@npslanka.gov.lk", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home"))
    assert "Projects open to Sri Lanka" in page.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message(client, npo_officer):
    response = client.post(reverse("accounts:login"), {"username": npo_officer.email, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(login, participant):
    client = login(participant)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_by_email_sets_a_new_password(
    client, participant, django_capture_on_commit_callbacks, celery_eager
):
    # The e-mail goes through the outbox: the worker sends it after the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": participant.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [participant.email]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Colombo-tea-2026!", "new_password2": "Colombo-tea-2026!"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.check_password("Colombo-tea-2026!")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change_enforces_the_validators(login, participant):
    client = login(participant)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    participant.refresh_from_db()
    assert participant.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_profile_sets_the_time_zone_used_for_every_date_shown(login, participant):
    project = ProjectFactory(time_zone="Asia/Colombo")
    client = login(participant)
    response = client.post(
        reverse("accounts:profile"), {"full_name": participant.full_name, "time_zone": "Asia/Tehran"}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.time_zone == "Asia/Tehran"
    entry = AuditEntry.objects.get(action="accounts.user.profile_updated")
    assert entry.changes == {"time_zone": ["Asia/Ho_Chi_Minh", "Asia/Tehran"]}
    page = page_text(client.get(reverse("projects:detail", args=[project.code])))
    assert "your time (Asia/Tehran)" in page


@pytest.mark.django_db
def test_profile_refuses_an_unknown_time_zone_and_changes_nothing(login, participant):
    client = login(participant)
    response = client.post(reverse("accounts:profile"), {"full_name": "X", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "“Mars/Olympus” is not a time zone. Type a city or a member economy" in page_text(response)
    participant.refresh_from_db()
    assert (participant.full_name, participant.time_zone) == ("Nguyễn Thị Minh Anh", "Asia/Ho_Chi_Minh")
    assert not AuditEntry.objects.exclude(action__startswith="security.").exists()


@pytest.mark.django_db
def test_anonymous_visitors_see_times_in_their_browsers_time_zone(client):
    project = ProjectFactory(time_zone="Asia/Tokyo")
    client.cookies["tz"] = "Asia/Kathmandu"
    page = page_text(client.get(reverse("projects:detail", args=[project.code])))
    assert "your time (Asia/Kathmandu)" in page and "Times are shown in Asia/Kathmandu." in page
    client.cookies["tz"] = "<script>"
    page = page_text(client.get(reverse("projects:detail", args=[project.code])))
    # An invalid zone falls back to the Secretariat's, and the page says so (static/js/portal.js corrects it).
    assert "your time (Asia/Tokyo)" in page and "Times are shown in Asia/Tokyo." in page


@pytest.mark.django_db
def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert User.objects.count() == 0


# ---------------------------------------------------------------- time-zone menus


def _zone_options(response) -> list[tuple[str, str]]:
    """The (zone, label) options of the page's time-zone list, in order."""
    datalist = re.search(r'<datalist id="time-zones">(.*?)</datalist>', response.content.decode(), re.S)[1]
    return re.findall(r'<option value="([^"]+)"(?: label="([^"]*)")?>', datalist)


@pytest.mark.django_db
def test_the_time_zone_list_offers_the_member_economies_zones_first_then_every_other(login, participant):
    options = _zone_options(login(participant).get(reverse("accounts:profile")))
    economies = dict(Economy.objects.values_list("time_zone", "name").order_by("time_zone"))
    members = [zone for zone, label in options if label]
    assert options[: len(members)] == [(zone, label) for zone, label in options if label]  # all first
    assert set(members) == set(economies)
    assert ("Asia/Colombo", "Sri Lanka · member economy") in options
    assert ("Asia/Tokyo", "Japan · member economy") in options
    rest = [zone for zone, label in options[len(members) :]]
    assert rest == sorted(rest) and "Africa/Abidjan" in rest and "Asia/Colombo" not in rest
    assert len(options) == len(zoneinfo.available_timezones())  # each zone once
    body = login(participant).get(reverse("accounts:profile")).content.decode()
    assert re.search(r'<input type="text" name="time_zone" value="Asia/Ho_Chi_Minh"[^>]*list="time-zones"', body)


@pytest.mark.django_db
@pytest.mark.parametrize("name, data", [("manage:create", {"time_zone": "Asia/Colmbo"})])
def test_the_project_form_refuses_a_bad_zone_with_a_message_and_offers_the_list_again(login, secretariat, name, data):
    response = login(secretariat).post(reverse(name), data)
    assert "“Asia/Colmbo” is not a time zone." in page_text(response)
    assert _zone_options(response)[0][1].endswith("· member economy")
