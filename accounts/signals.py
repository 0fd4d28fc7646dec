"""Log-ins, failed log-ins and lock-outs go to the audit log (issue: security events).

Each entry names the account tried as the lock-out counts it (the address normalized, so every spelling
of one address reads the same) and the client's address (`security_event`); a lock-out says what is
locked: the account, the address, or both."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from audit.services import security_event

from . import two_step
from .backends import axes_username
from .lockout import PortalAxesHandler


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    security_event(action="security.login", request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The password is never recorded: only which account was tried.
    if request is not None:
        tried = axes_username(request, credentials)
    else:
        tried = str(credentials.get("username") or credentials.get("email") or "")
    security_event(action="security.login_failed", request=request, username=tried[:200])


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    credentials = getattr(request, "axes_credentials", None)
    security_event(
        action="security.locked_out",
        request=request,
        username=str(username or "")[:200],
        locked=PortalAxesHandler().locked_by(request, credentials),
    )


@receiver(user_logged_in)
def _two_step_owed(sender, request, user, **kwargs):
    # What this session must still pass after the password (accounts/two_step.py); request is None when
    # a test or a script logs in without one.
    if request is not None and hasattr(request, "session"):
        two_step.session_start(request=request, user=user)
