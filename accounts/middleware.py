import zoneinfo
from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from audit.services import security_event

from . import two_step
from .models import time_zone_names

TZ_COOKIE = "tz"


def _valid_zone(name):
    if name and name in time_zone_names():
        return zoneinfo.ZoneInfo(name)
    return None


class TimezoneMiddleware:
    """Show times in the viewer's own time zone.

    Signed-in users have one on their profile. Anonymous visitors' browsers report theirs in a cookie
    (set by static/js/portal.js); without it, the Secretariat's time zone (settings.TIME_ZONE) is used.
    `request.viewer_time_zone_from` says which ("profile", "cookie" or "default"): unless the profile
    decided, static/js/times.js rewrites the page's times into the browser's zone as soon as it loads, so
    that a new visitor's first page is already right (PRODUCT.md rule 13).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone, source = None, "default"
        if user is not None and user.is_authenticated:
            zone, source = _valid_zone(user.time_zone), "profile"
        if zone is None:
            zone, source = _valid_zone(request.COOKIES.get(TZ_COOKIE)), "cookie"
        if zone is None:
            timezone.deactivate()
            source = "default"
        else:
            timezone.activate(zone)
        request.viewer_time_zone = timezone.get_current_timezone_name()
        request.viewer_time_zone_from = source
        return self.get_response(request)


class DeniedAccessMiddleware:
    """Record in the audit log when a signed-in person is answered 404 by a page: for them, a record they
    may not see is a record that does not exist (PRODUCT.md rule 8), and the Secretariat can see who looked.
    An address that names no page at all (a typo) is not recorded: it reached no record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is not None
            and user is not None
            and user.is_authenticated
        ):
            security_event(action="security.access_denied", request=request, user=user, method=request.method)
        return response


class TwoStepMiddleware:
    """Until a signed-in session has passed the second step it owes (a code, or setting up an app when
    two-step sign-in is required of its user), every page sends it there: the password alone opens
    nothing but the second step's pages and logging out. The Django admin is one of those pages.

    Needs django-otp's OTPMiddleware before it (request.user.is_verified())."""

    # Pages a session may reach while it owes the second step.
    # django-otp-webauthn's registration refuses, by itself, a session that has a device but is unverified.
    OPEN = frozenset(
        {
            "accounts:two_step_verify",
            "accounts:two_step_enrol",
            "accounts:logout",
            "healthz",
            "readyz",
            "otp_webauthn:credential-authentication-begin",
            "otp_webauthn:credential-authentication-complete",
            "otp_webauthn:credential-registration-begin",
            "otp_webauthn:credential-registration-complete",
            "otp_webauthn:js-i18n-catalog",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name in self.OPEN:
            return None
        owed = two_step.step_owed(request)
        if owed is None:
            return None
        url = reverse("accounts:two_step_verify" if owed == two_step.VERIFY else "accounts:two_step_enrol")
        if request.method == "GET":
            url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the second step's page into a fragment: the whole page goes there instead.
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
