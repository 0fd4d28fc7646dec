"""A selected candidate's invitation link: one use, to choose a password (`views.InvitationView`).

The token in the link is Django's password-reset token, which sets the account's password to whatever the
holder of the link chooses. So it is never stored: the e-mail is written (an OutgoingEmail row, kept for
good and shown in the Django admin) with a placeholder where the token goes, and the token is made when
the e-mail is sent (`tokens_at_sending`, a hook the outbox calls). A database copy or an administrator
reading the outbox sees no live link, and an e-mail sent again after a mail outage carries a fresh token,
valid for the full week."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

TOKEN_PLACEHOLDER = "token-made-when-sent"
_UID = "UIDOFTHEACCOUNT"  # no character that re.escape() changes


def invitation_path(user) -> str:
    """The invitation's path for this account, with the placeholder where the token goes."""
    return reverse("accounts:invitation", args=[urlsafe_base64_encode(force_bytes(user.pk)), TOKEN_PLACEHOLDER])


def _links() -> re.Pattern:
    path = re.escape(reverse("accounts:invitation", args=[_UID, TOKEN_PLACEHOLDER]))
    return re.compile(path.replace(_UID, "(?P<uid>[A-Za-z0-9_-]+)"))


def with_tokens(body: str) -> str:
    """The e-mail's text as it is sent: each invitation link's placeholder replaced by a token made now for
    the account the link names. A link whose account is gone keeps its placeholder: the page then says the
    link has expired."""
    if TOKEN_PLACEHOLDER not in body:
        return body

    def token(link: re.Match) -> str:
        try:
            user = get_user_model()._default_manager.get(pk=force_str(urlsafe_base64_decode(link["uid"])))
        except (ValueError, OverflowError, get_user_model().DoesNotExist):
            return link[0]
        return link[0].replace(TOKEN_PLACEHOLDER, default_token_generator.make_token(user))

    return _links().sub(token, body)


def tokens_at_sending(*, key: str, to: str, subject: str, body: str) -> tuple[str, str]:
    """The outbox's sending hook for every e-mail (`settings.MAIL_SENDING_HOOKS`): invitation links get their
    tokens as the e-mail leaves."""
    return subject, with_tokens(body)
