"""The log-in lock-out: by account, across every address it is tried from, and by address, across every
account tried from it (django-axes, with the limits of this module).

Axes counts the failed log-ins of each lock-out parameter (AXES_LOCKOUT_PARAMETERS = ["username",
"ip_address"]: two separate counts, either of which locks) and compares the larger with one limit,
AXES_FAILURE_LIMIT. One limit does not fit both: an office's officers share one internet address behind
its NAT, so an address must be allowed many more mistakes, spread over its accounts, than one account is.
`PortalAxesHandler` gives each parameter its own limit (`FAILURE_LIMITS`) and tells axes, on the scale of
its one limit, how close the nearer of the two is to its own: locked exactly when either has reached it.

The account is the e-mail address normalized (`accounts.backends.axes_username`), so every spelling of one
address shares its count; the address is the client's, read through the trusted proxies
(`common.client.client_ip`). django-ratelimit was not used for the address: it counts requests, and a
log-in throttle must count failures (an office logging in each morning succeeds), and axes already refuses
a locked log-in before the password is checked, answers with the lock-out page and sends the signal the
audit log records."""

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

ACCOUNT = "username"
ADDRESS = "ip_address"
# What each parameter's lock-out is called in the audit log and on the lock-out page.
LOCKED_NAMES = {ACCOUNT: "account", ADDRESS: "address"}


def failure_limit(parameter: str) -> int:
    """How many failed log-ins within the cool-off lock what `parameter` names."""
    if parameter == ADDRESS:
        return settings.LOGIN_ADDRESS_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


def _parameter_name(parameter) -> str:
    return parameter if isinstance(parameter, str) else "+".join(parameter)


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lock-out parameter (AXES_HANDLER)."""

    def failures_by_parameter(self, request, credentials=None) -> dict[str, int]:
        """The failed log-ins within the cool-off, per lock-out parameter ("username", "ip_address")."""
        parameters = [_parameter_name(p) for p in get_lockout_parameters(request, credentials)]
        attempts = self.get_user_attempts(request, credentials)
        return {
            parameter: queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for parameter, queryset in zip(parameters, attempts, strict=True)
        }

    def locked_by(self, request, credentials=None) -> list[str]:
        """What is locked for this attempt: "account", "address", both or neither."""
        failures = self.failures_by_parameter(request, credentials)
        return [LOCKED_NAMES.get(p, p) for p, count in failures.items() if count >= failure_limit(p)]

    def get_failures(self, request, credentials=None) -> int:
        # Axes locks when this reaches AXES_FAILURE_LIMIT. Report the failures left to the parameter nearest
        # its own limit, counted down from that one limit: it reaches it exactly when one parameter has.
        failures = self.failures_by_parameter(request, credentials)
        if not failures:
            return 0
        left = min(failure_limit(p) - count for p, count in failures.items())
        return settings.AXES_FAILURE_LIMIT - left

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful log-in: forget the account's failures, never the address's. Axes would delete
        every count the attempt matches, so an attacker with an account of their own could clear their
        address's count by logging in to it between guesses at other accounts."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def account_failures_forget(*, email: str) -> int:
    """A password was set through a link sent to the address (a reset or an invitation): the account's
    failed log-ins are forgotten, so that its owner can log in at once. The address's count stays."""
    count, _ = AccessAttempt.objects.filter(username=email).delete()
    return count


def lockout_response(request, original_response=None, credentials=None):
    """The lock-out page (AXES_LOCKOUT_CALLABLE): what is locked, for how long, and what to do. It says the
    same whether or not an account has the address typed: failures are counted for any address."""
    locked = PortalAxesHandler().locked_by(request, credentials) if hasattr(request, "axes_attempt_time") else []
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {
        "account_locked": "account" in locked or not locked,
        "address_locked": "address" in locked,
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
