"""Password reset by e-mail, answered the same way whether or not an account has the address.

The page that asks never looks the address up: for every well-formed address it writes the same outbox row
(an OutgoingEmail keyed by the normalized address, `password_reset_outbox_row`) and gives the
same answer, in the same time. The e-mail worker, when it sends the row, looks for the active account with
exactly that address (`password_reset_message`, called through `written_at_sending`, a hook named in
`settings.MAIL_SENDING_HOOKS`): it makes the link's token then (never stored, as for
invitations) and sends the e-mail, or, with no such account, cancels the row and sends nothing. So what an
address owner sees in their mailbox is the only difference, and only they see it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User

KEY_PREFIX = "password-reset:"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
BODY_TEMPLATE = "registration/password_reset_email.html"
# What the outbox row holds in place of the e-mail: the text, with its link, is written when it is sent.
BODY_PLACEHOLDER = (
    "A link to choose a new password, written when the e-mail is sent, for the active account with this "
    "address if there is one (if there is none, nothing is sent)."
)
NO_ACCOUNT = "No active account has this address: nothing was sent."


def password_reset_key(address: str) -> str:
    """The outbox key of the password reset for `address` (normalized): one at a time per address."""
    return f"{KEY_PREFIX}{address}"


def is_password_reset(key: str) -> bool:
    return key.startswith(KEY_PREFIX)


def password_reset_outbox_row(*, address: str) -> dict:
    """What the outbox holds for a reset asked for `address` (normalized), the same whether or not an account
    has it: `mail.services.email_queue_again(**row)` queues it."""
    return {
        "key": password_reset_key(address),
        "to": address,
        "subject": password_reset_subject(),
        "body": BODY_PLACEHOLDER,
    }


def written_at_sending(*, key: str, to: str, subject: str, body: str) -> tuple[str, str] | str:
    """The outbox's sending hook for password resets (`settings.MAIL_SENDING_HOOKS`): the e-mail written now
    for the active account with the row's address, or the reason nothing is sent."""
    return password_reset_message(address=to) or NO_ACCOUNT


def password_reset_subject() -> str:
    return " ".join(render_to_string(SUBJECT_TEMPLATE).split())


def password_reset_message(*, address: str) -> tuple[str, str] | None:
    """The subject and text of the reset e-mail for the active account whose address is exactly `address`,
    with a token made now; None when no active account has it. An account that has never chosen a password
    (an invited participant) may use it too: the link goes to the same mailbox as the invitation did."""
    user = User._default_manager.filter(email=address, is_active=True).first()
    if user is None:
        return None
    portal = urlsplit(settings.PORTAL_BASE_URL)
    context = {
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": portal.scheme,
        "domain": portal.netloc,
        "site_name": "APO Portal",
    }
    return " ".join(render_to_string(SUBJECT_TEMPLATE, context).split()), render_to_string(BODY_TEMPLATE, context)
