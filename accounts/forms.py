from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import validate_email

from .email_address import InvalidEmailAddress, normalize_email
from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save"))


class PasswordResetRequestForm(forms.Form):
    """The address to send a reset link to, normalized by the one rule; it is never looked up here."""

    email = forms.CharField(label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean_email(self):
        try:
            address = normalize_email(self.cleaned_data["email"])
        except InvalidEmailAddress as error:
            raise forms.ValidationError(str(error)) from error
        try:
            validate_email(address)  # the rules of the portal's other address fields, on what is stored
        except forms.ValidationError as error:
            raise forms.ValidationError("Enter a valid e-mail address.") from error
        return address


class TwoStepCodeForm(forms.Form):
    """The second step of signing in: a code from an authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )


class AuthenticatorAppForm(forms.Form):
    """Confirm a new authenticator app with one code from it."""

    code = forms.CharField(
        label="Code from the app",
        max_length=16,
        help_text="The 6-digit code the app shows for the APO Portal.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    name = forms.CharField(
        label="Name of this app",
        max_length=64,
        required=False,
        initial="Authenticator app",
        help_text="So that you can tell your devices apart, e.g. “Work phone”.",
    )


class PasswordConfirmForm(forms.Form):
    """Removing a device asks for the password again: a session left open is not enough."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
