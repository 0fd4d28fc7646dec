"""Pages of two-step sign-in: the second step, setting up an app, recovery codes, removing an app."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn import exceptions as webauthn_exceptions
from django_otp_webauthn import views as webauthn_views

from common.web import page_on_this_site

from . import two_step
from .forms import AuthenticatorAppForm, PasswordConfirmForm, TwoStepCodeForm


def _next_url(request) -> str:
    """Where to go once the second step is done: the page first asked for, if it is on this site."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    return page_on_this_site(request, url) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(view_name: str, next_url: str) -> str:
    return reverse(view_name) + "?" + urlencode({REDIRECT_FIELD_NAME: next_url})


@never_cache
@login_required
def verify(request):
    owed = two_step.step_owed(request)
    if owed is None:
        return redirect(_next_url(request))
    if owed == two_step.ENROL:
        return redirect(_with_next("accounts:two_step_enrol", _next_url(request)))
    form = TwoStepCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_step.second_step_verify(request=request, code=form.cleaned_data["code"])
        except two_step.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            if isinstance(device, StaticDevice):
                left = two_step.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Make new ones on your profile if your app is lost.",
                )
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_step_verify.html",
        {"form": form, "next": _next_url(request), "has_keys": two_step.security_keys(request.user).exists()},
    )


@never_cache
@login_required
def enrol(request):
    owed = two_step.step_owed(request)
    if owed == two_step.VERIFY:
        # The password alone never adds a device: that would let a stolen password set up its own.
        return redirect(_with_next("accounts:two_step_verify", _next_url(request)))
    device = two_step.authenticator_app_pending(user=request.user)
    form = AuthenticatorAppForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_step.authenticator_app_confirm(
                request=request, device=device, code=form.cleaned_data["code"], name=form.cleaned_data["name"]
            )
        except two_step.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            messages.success(request, "Two-step sign-in is on: you will be asked for a code from your app each time.")
            if codes:
                return redirect(_with_next("accounts:two_step_recovery_codes", _next_url(request)))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/two_step_enrol.html",
        {
            "form": form,
            "setup": two_step.authenticator_app_setup(device),
            "required": owed == two_step.ENROL,
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def recovery_codes(request):
    codes = two_step.recovery_codes_to_show(request)
    if not codes:
        messages.info(request, "Recovery codes are shown only once. Make new ones if you have lost them.")
        return redirect("accounts:profile")
    return render(request, "accounts/two_step_recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@require_POST
@login_required
def recovery_codes_replace(request):
    try:
        two_step.recovery_codes_replace(request=request)
    except two_step.CodeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:profile")
    return redirect(_with_next("accounts:two_step_recovery_codes", reverse("accounts:profile")))


def _device_remove(request, device):
    form = PasswordConfirmForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        two_step.second_step_device_remove(request=request, device=device)
        if two_step.has_second_step_device(request.user):
            messages.success(request, f"“{device.name}” was removed.")
        elif two_step.two_step_required(request.user):
            messages.warning(
                request, f"“{device.name}” was removed. Set up an app or key again: your role requires it."
            )
        else:
            messages.success(request, f"“{device.name}” was removed. Two-step sign-in is off.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/two_step_remove.html",
        {"form": form, "device": device, "two_step_required": two_step.two_step_required(request.user)},
    )


@never_cache
@login_required
def app_remove(request, pk):
    return _device_remove(request, get_object_or_404(two_step.authenticator_apps(request.user), pk=pk))


@never_cache
@login_required
def key_remove(request, pk):
    return _device_remove(request, get_object_or_404(two_step.security_keys(request.user), pk=pk))


class _DeepJSONIsMalformed:
    """A body nested past Python's recursion limit ("[[[[…", which json.loads cannot read) is answered as
    django-otp-webauthn answers any JSON it cannot read, 400 Malformed request, not with the portal's 500."""

    def handle_exception(self, exc):
        if isinstance(exc, RecursionError):
            exc = webauthn_exceptions.MalformedRequest()
        return super().handle_exception(exc)


class KeyRegistrationBegin(_DeepJSONIsMalformed, webauthn_views.BeginCredentialRegistrationView):
    pass


class KeyRegistrationComplete(_DeepJSONIsMalformed, webauthn_views.CompleteCredentialRegistrationView):
    """django-otp-webauthn registers the key (refusing a session that has a device but is unverified: a
    password alone never adds one); the portal records it and sends the page on to the recovery codes."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        device = two_step.security_keys(self.request.user).get(pk=json.loads(response.content)["id"])
        codes = two_step.security_key_registered(request=self.request, device=device)
        messages.success(self.request, "Your security key is set up: use it after your password from now on.")
        next_url = reverse("accounts:two_step_recovery_codes") if codes else reverse("accounts:profile")
        return JsonResponse({"id": device.pk, "redirect_url": next_url})


class KeyAuthenticationBegin(_DeepJSONIsMalformed, webauthn_views.BeginCredentialAuthenticationView):
    pass


class KeyAuthenticationComplete(_DeepJSONIsMalformed, webauthn_views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        super().complete_auth(device)
        two_step.security_key_used(request=self.request, device=device)

    def handle_exception(self, exc):
        if isinstance(exc, webauthn_exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            two_step.security_key_refused(request=self.request, reason=getattr(exc, "code", "") or type(exc).__name__)
        return super().handle_exception(exc)
