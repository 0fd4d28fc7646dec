"""The outbox writes at sending what other apps add (invitation tokens, password resets) through the hooks
`settings.MAIL_SENDING_HOOKS` names, and imports none of those apps for it."""

import ast
import pathlib

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.test import override_settings

from mail import services
from mail.models import OutgoingEmail

HOOKS = [("ticket:", "tests.mail.test_sending_hooks.ticket_numbered"), ("", "tests.mail.test_sending_hooks.signed")]


def ticket_numbered(*, key, to, subject, body):
    if to.startswith("nobody"):
        return "No such ticket holder: nothing was sent."
    return f"{subject} #{key.removeprefix('ticket:')}", body.replace("NUMBER", key.removeprefix("ticket:"))


def signed(*, key, to, subject, body):
    return subject, f"{body}\n-- for {to}"


@pytest.mark.django_db
@override_settings(MAIL_SENDING_HOOKS=HOOKS)
def test_the_hooks_whose_prefix_the_key_has_write_the_email_as_it_is_sent_and_the_row_keeps_what_was_queued():
    email = OutgoingEmail.objects.create(key="ticket:42", to="o'brien@example.org", subject="Seat", body="NUMBER")
    other = OutgoingEmail.objects.create(key="results:1", to="an@example.org", subject="Results", body="Hi")
    assert services.outgoing_email_send(email_id=email.pk) and services.outgoing_email_send(email_id=other.pk)
    assert [(m.subject, m.body) for m in django_mail.outbox] == [
        ("Seat #42", "42\n-- for o'brien@example.org"),
        ("Results", "Hi\n-- for an@example.org"),
    ]
    email.refresh_from_db()
    assert (email.subject, email.body, email.status) == ("Seat", "NUMBER", "sent")


@pytest.mark.django_db
@override_settings(MAIL_SENDING_HOOKS=HOOKS)
def test_a_hooks_reason_cancels_the_email_and_nothing_is_sent():
    email = OutgoingEmail.objects.create(key="ticket:7", to="nobody@example.org", subject="Seat", body="NUMBER")
    assert services.outgoing_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.last_error) == ("cancelled", "No such ticket holder: nothing was sent.")
    assert django_mail.outbox == []


def test_accounts_adds_its_tokens_and_password_resets_through_the_hooks_and_the_outbox_imports_neither():
    assert settings.MAIL_SENDING_HOOKS == [
        ("password-reset:", "accounts.password_reset.written_at_sending"),
        ("", "accounts.invitations.tokens_at_sending"),
    ]
    source = pathlib.Path(services.__file__).read_text()
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name and name.split(".")[0] in {"accounts", "nominations", "certificates"}}
