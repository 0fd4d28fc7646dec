from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from audit.services import security_event
from mail.services import email_queue_again

from . import two_step
from .forms import PasswordResetRequestForm, ProfileForm
from .lockout import account_failures_forget
from .password_reset import password_reset_outbox_row
from .services import user_update_profile


@login_required
def profile(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile was saved. Times are now shown in your time zone.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "authenticator_apps": two_step.authenticator_apps(request.user),
            "security_keys": two_step.security_keys(request.user),
            "recovery_codes_left": two_step.recovery_codes_left(request.user),
            "two_step_required": two_step.two_step_required(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Ask for a link to choose a new password. Every well-formed address gets the same answer, the same
    writes and the same time, whether or not an account has it: the e-mail worker decides
    (`accounts/password_reset.py`). Throttled by client and by address; each request is audited."""
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if is_ratelimited(
            request, group="password_reset.client", key="ip", rate=settings.PASSWORD_RESET_CLIENT_RATE, increment=True
        ):
            # Counted over every address this client asked for: it says nothing about any one of them.
            security_event(action="security.password_reset_throttled", request=request, throttled="client")
            return render(request, "registration/password_reset_throttled.html", status=429)
        if form.is_valid():
            address = form.cleaned_data["email"]
            # Counted per address whether or not an account has it, and answered as any other request: the
            # links already sent this hour still work.
            if is_ratelimited(
                request,
                group="password_reset.address",
                key=lambda group, request: address,
                rate=settings.PASSWORD_RESET_ADDRESS_RATE,
                increment=True,
            ):
                security_event(
                    action="security.password_reset_throttled", request=request, username=address, throttled="address"
                )
            else:
                with transaction.atomic():  # the row and its audit entry: one commit
                    queued = email_queue_again(**password_reset_outbox_row(address=address))
                    security_event(
                        action="security.password_reset_requested", request=request, username=address, queued=queued
                    )
            return redirect("accounts:password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


class PortalPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's page behind the e-mailed link. A password chosen there also ends the account's lock-out:
    whoever holds the link holds the mailbox, and a guesser of passwords does not."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        account_failures_forget(email=form.user.email)
        security_event(action="security.password_set_by_link", request=self.request, username=form.user.email)
        return response


class InvitationView(PortalPasswordResetConfirmView):
    """A selected candidate's one-time link: choose a password and the participant account is ready.
    The token is Django's password-reset token, so it stops working once the password is set."""

    template_name = "accounts/invitation.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set. Log in with your e-mail address to see your project.")
        return response
