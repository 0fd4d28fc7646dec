from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from . import two_step
from .forms import ProfileForm
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


class InvitationView(PasswordResetConfirmView):
    """A selected candidate's one-time link: choose a password and the participant account is ready.
    The token is Django's password-reset token, so it stops working once the password is set."""

    template_name = "accounts/invitation.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set. Log in with your e-mail address to see your project.")
        return response
