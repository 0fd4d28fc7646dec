from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .email_address import normalize_email_or_none


class EmailBackend(ModelBackend):
    """Django's ModelBackend; the e-mail is matched exactly, once normalized, by UserManager.get_by_natural_key.

    The user of each request comes with their NPO and its economy: almost every page an NPO officer
    opens is scoped by that economy, so fetching them here saves two queries on each."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("npo__economy").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def axes_username(request, credentials) -> str:
    """The account a log-in attempt was for, as django-axes counts it: the e-mail address, normalized."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    # At most an e-mail address' length: axes stores it in a 255-character column, and a 10,000-character
    # "address" must get the ordinary error message, not a database error (PostgreSQL enforces lengths).
    return (normalize_email_or_none(typed) or typed.strip().lower())[:254]
