"""Password reset tells nobody which addresses have accounts, and cannot be used to flood a mailbox (issue 15,
item 5): every well-formed address takes the same path (one outbox row, no mail sent by the page), the
e-mail worker alone decides whether there is an account to write to; requests are throttled per address
and per client, and audited."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.password_reset import NO_ACCOUNT
from audit.models import AuditEntry
from mail.models import OutgoingEmail
from mail.services import outgoing_email_send, outgoing_emails_needing_attention
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db
MINH = "minh@example.org"  # the participant fixture's address
NOBODY = "nobody@example.org"
NEW_PASSWORD = "Hanoi-lotus-2026!"
# Spellings the one rule makes MINH: case, spaces, full-width letters, full stop and "@" (NFKC).
SAME_ADDRESS = ["MINH@EXAMPLE.ORG", "  minh@example.org\t", "ｍｉｎｈ@ｅｘａｍｐｌｅ．ｏｒｇ", "Minh＠Example.Org"]
# Addresses that only look like MINH: other people, who get nothing of Minh's.
LOOK_ALIKES = ["mınh@example.org", "minh@exampIe.org", "minh@еxample.org", "minh@exаmple.org", "minh+1@example.org"]


def _ask(client, address, client_address="192.0.2.10"):
    return client.post(reverse("accounts:password_reset"), {"email": address}, REMOTE_ADDR=client_address)


def _ask_and_commit(client, django_capture_on_commit_callbacks, address, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return _ask(client, address, **kwargs)


def _statements(queries, address) -> list[str]:
    """The SQL a request ran, with the address and every other literal taken out."""
    return [re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", q["sql"].replace(address, "ADDRESS")) for q in queries]


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)


def _choose_password(client, link, password=NEW_PASSWORD):
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_an_address_with_an_account_and_one_without_get_the_same_answer_and_the_same_writes(
    client, participant, django_capture_on_commit_callbacks
):
    answers, writes, statements = [], [], []
    for address in [MINH, NOBODY]:
        with CaptureQueriesContext(connection) as queries:
            response = _ask_and_commit(client, django_capture_on_commit_callbacks, address)
        answers.append((response.status_code, response["Location"], page_text(client.get(response["Location"]))))
        row = OutgoingEmail.objects.get(to=address)
        audit = AuditEntry.objects.get(target_repr=address)
        key = row.key.replace(address, "ADDRESS")
        writes.append((key, row.status, row.subject, row.body, audit.action, audit.changes))
        statements.append(_statements(queries.captured_queries, address))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (302, reverse("accounts:password_reset_done"))
    assert "If the address belongs to an account, a link to reset the password is on its way" in answers[0][2]
    assert writes[0] == writes[1]
    assert writes[0][:2] == ("password-reset:ADDRESS", "pending")
    assert statements[0] == statements[1]  # not one query more or less: no account is looked up
    assert OutgoingEmail.objects.count() == 2
    assert mail.outbox == []  # the page sends nothing itself


def test_the_worker_sends_the_account_a_working_link_and_sends_nothing_for_an_address_without_one(
    client, participant, django_capture_on_commit_callbacks, celery_eager
):
    _ask_and_commit(client, django_capture_on_commit_callbacks, MINH)
    _ask_and_commit(client, django_capture_on_commit_callbacks, NOBODY)
    assert [message.to for message in mail.outbox] == [[MINH]]
    assert mail.outbox[0].subject == "Reset your APO Portal password"
    assert dict(OutgoingEmail.objects.values_list("to", "status")) == {MINH: "sent", NOBODY: "cancelled"}
    assert OutgoingEmail.objects.get(to=NOBODY).last_error == NO_ACCOUNT
    # The token is made when the e-mail is sent, never stored.
    token = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert token not in OutgoingEmail.objects.get(to=MINH).body
    assert _choose_password(client, _link(mail.outbox[0])).status_code == 302
    login = client.post(reverse("accounts:login"), {"username": MINH, "password": NEW_PASSWORD})
    assert login.status_code == 302 and client.session["_auth_user_id"] == str(participant.pk)
    client.logout()
    # Used once: the same link no longer sets a password.
    assert "This link has been used or has expired" in page_text(client.get(_link(mail.outbox[0]), follow=True))


@pytest.mark.parametrize("spelling", SAME_ADDRESS)
def test_every_spelling_of_the_address_reaches_the_one_account(
    client, participant, django_capture_on_commit_callbacks, celery_eager, spelling
):
    _ask_and_commit(client, django_capture_on_commit_callbacks, spelling)
    assert list(OutgoingEmail.objects.values_list("key", "to", "status")) == [(f"password-reset:{MINH}", MINH, "sent")]
    assert [message.to for message in mail.outbox] == [[MINH]]


@pytest.mark.parametrize("look_alike", LOOK_ALIKES)
def test_a_look_alike_address_gets_nothing_of_the_accounts(
    client, participant, django_capture_on_commit_callbacks, celery_eager, look_alike
):
    response = _ask_and_commit(client, django_capture_on_commit_callbacks, look_alike)
    assert response.status_code == 302
    row = OutgoingEmail.objects.get()
    assert (row.to != MINH, row.status) == (True, "cancelled")
    assert mail.outbox == []


def test_a_malformed_address_is_refused_with_a_message_and_writes_nothing(client):
    for typed in ["not-an-address", "minh@", "minh@" + "x" * 70 + ".org", "mi nh@example.org", "minh@example.org."]:
        response = _ask(client, typed)
        assert response.status_code == 200
        assert "Enter a valid e-mail address" in page_text(response) or "cannot be written" in page_text(response)
    assert (OutgoingEmail.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_a_second_request_while_one_is_waiting_queues_nothing_and_a_later_one_a_fresh_link(
    client, participant, django_capture_on_commit_callbacks, settings
):
    settings.PASSWORD_RESET_ADDRESS_RATE = "10/h"
    _ask_and_commit(client, django_capture_on_commit_callbacks, MINH)
    _ask_and_commit(client, django_capture_on_commit_callbacks, "MINH@example.org")
    row = OutgoingEmail.objects.get()
    assert row.status == "pending"
    queued = list(AuditEntry.objects.order_by("id").values_list("changes__queued", flat=True))
    assert queued == [True, False]
    assert outgoing_email_send(email_id=row.pk) is True
    _ask_and_commit(client, django_capture_on_commit_callbacks, MINH)  # the first e-mail has gone
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == ("pending", 0, None)
    assert outgoing_email_send(email_id=row.pk) is True
    assert len(mail.outbox) == 2
    assert _choose_password(client, _link(mail.outbox[1])).status_code == 302


def test_an_address_is_throttled_whether_or_not_it_has_an_account(
    client, participant, django_capture_on_commit_callbacks, celery_eager, settings
):
    settings.PASSWORD_RESET_ADDRESS_RATE = "2/h"
    settings.PASSWORD_RESET_CLIENT_RATE = "100/h"
    for address in [MINH, NOBODY]:
        # From a new client address each time, and spelled differently: the address is what counts.
        spellings = [address, address.upper(), f" {address} "]
        answers = [
            _ask_and_commit(client, django_capture_on_commit_callbacks, typed, client_address=f"198.51.100.{n}")
            for n, typed in enumerate(spellings)
        ]
        assert [(a.status_code, a["Location"]) for a in answers] == [(302, reverse("accounts:password_reset_done"))] * 3
    assert [message.to for message in mail.outbox] == [[MINH], [MINH]]  # two, not three
    throttled = AuditEntry.objects.filter(action="security.password_reset_throttled").order_by("id")
    assert [(e.target_repr, e.changes["throttled"]) for e in throttled] == [(MINH, "address"), (NOBODY, "address")]
    assert AuditEntry.objects.filter(action="security.password_reset_requested").count() == 4


def test_a_client_asking_for_many_addresses_is_throttled(client, participant, settings):
    settings.PASSWORD_RESET_CLIENT_RATE = "3/h"
    statuses = [_ask(client, f"guess{n}@example.org", client_address="203.0.113.8").status_code for n in range(3)]
    refused = _ask(client, MINH, client_address="203.0.113.8")
    assert statuses + [refused.status_code] == [302, 302, 302, 429]
    assert "asked for many password resets" in page_text(refused)
    assert not OutgoingEmail.objects.filter(to=MINH).exists()
    throttled = AuditEntry.objects.filter(action="security.password_reset_throttled")
    assert list(throttled.values_list("changes__throttled", flat=True)) == ["client"]
    assert _ask(client, MINH, client_address="198.51.100.1").status_code == 302  # another client is not


def test_a_password_chosen_through_the_link_ends_the_accounts_lock_out(
    client, participant, django_capture_on_commit_callbacks, celery_eager, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    for n in range(5):
        client.post(reverse("accounts:login"), {"username": MINH, "password": "guess"}, REMOTE_ADDR=f"203.0.113.{n}")
    assert client.post(reverse("accounts:login"), {"username": MINH, "password": DEFAULT_PASSWORD}).status_code == 429
    _ask_and_commit(client, django_capture_on_commit_callbacks, MINH)
    assert _choose_password(client, _link(mail.outbox[0])).status_code == 302
    assert client.post(reverse("accounts:login"), {"username": MINH, "password": NEW_PASSWORD}).status_code == 302


def test_an_undelivered_reset_is_listed_and_sent_again_with_a_fresh_link_and_no_account_is_not_listed(
    client, login, secretariat, participant, django_capture_on_commit_callbacks, celery_eager
):
    from accounts.password_reset import password_reset_outbox_row
    from mail.services import email_queue_again

    with django_capture_on_commit_callbacks(execute=False):
        email_queue_again(**password_reset_outbox_row(address=MINH))
    OutgoingEmail.objects.filter(to=MINH).update(status="failed", last_error="550 mailbox unavailable", attempts=6)
    _ask_and_commit(client, django_capture_on_commit_callbacks, NOBODY)  # cancelled: nothing to deliver
    assert [row.to for row in outgoing_emails_needing_attention()] == [MINH]
    staff = login(secretariat)
    page = page_text(staff.get(reverse("mail:failed_emails")))
    assert "Reset your APO Portal password" in page and MINH in page and NOBODY not in page
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("mail:failed_emails"), {"email": OutgoingEmail.objects.get(to=MINH).pk})
    staff.logout()
    assert [message.to for message in mail.outbox] == [[MINH]]
    assert _choose_password(client, _link(mail.outbox[0])).status_code == 302


def test_an_inactive_account_gets_no_reset(client, django_capture_on_commit_callbacks, celery_eager):
    UserFactory(email="gone@example.org", is_active=False)
    _ask_and_commit(client, django_capture_on_commit_callbacks, "gone@example.org")
    assert mail.outbox == [] and OutgoingEmail.objects.get().status == "cancelled"
