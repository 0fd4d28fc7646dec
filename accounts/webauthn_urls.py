"""Security keys' JSON steps: django-otp-webauthn's views with the portal's audit entries
(accounts/two_step_views.py), after the password only: a key never replaces it. The namespace is the
library's, which its template tags reverse."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import two_step_views

app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        login_required(two_step_views.KeyRegistrationBegin.as_view()),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        login_required(two_step_views.KeyRegistrationComplete.as_view()),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        login_required(two_step_views.KeyAuthenticationBegin.as_view()),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        login_required(two_step_views.KeyAuthenticationComplete.as_view()),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
