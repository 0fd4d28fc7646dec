"""The Django admin's bulk actions with a hand-written selection: each changelist answers with its message and
changes nothing, where Django itself turns a selected id that is no id (`abc`, `1x`, a number past the
databases' integers) into a ValueError or an overflow, and so the 500 page."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Economy
from tests.factories import SecretariatFactory

HOSTILE = [["abc"], ["1", "1x"], ["99999999999999999999999"], ["9223372036854775808"], [""], ["1.5"]]


@pytest.fixture
def admin_client(client, db):
    client.force_login(SecretariatFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("selected", HOSTILE, ids=repr)
@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_a_hostile_selection_is_refused_with_a_message_and_deletes_nothing(admin_client, model, selected):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    before = model._default_manager.count()
    response = admin_client.post(url, {"action": "delete_selected", "index": "0", ACTION_CHECKBOX_NAME: selected})
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    if "delete_selected" in admin.site._registry[model].get_actions(response.wsgi_request):
        assert response.status_code == 302 and response.url == url
        assert messages == ["Those items are not all records of this list: nothing was done. Choose them again."]
    else:  # certificates and the audit log are never deleted here: Django has no such action to run
        assert response.status_code == 200 and messages == []
    assert model._default_manager.count() == before


def test_a_real_selection_still_reaches_the_action(admin_client):
    url = reverse("admin:accounts_economy_changelist")
    selected = [str(Economy.objects.get(code="LK").pk)]
    response = admin_client.post(url, {"action": "delete_selected", "index": "0", ACTION_CHECKBOX_NAME: selected})
    assert response.status_code == 200  # Django's "Are you sure?" page, for Sri Lanka
    assert "Sri Lanka" in response.content.decode()
    assert Economy.objects.filter(code="LK").exists()
