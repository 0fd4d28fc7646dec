from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import validate_email

from .email_address import InvalidEmailAddress, normalize_email
from .models import User, time_zone_groups, time_zone_names

TIME_ZONE_LIST = "time-zones"  # the id of the page's <datalist> (templates/includes/time_zone_datalist.html)


class TimeZoneField(forms.CharField):
    """A time zone typed with the browser's own search of a list (a <datalist>, no JavaScript), the member
    economies' zones first; anything but a zone's exact name is refused with a message."""

    default_error_messages = {
        "invalid_zone": "“%(value)s” is not a time zone. Type a city or a member economy and pick a zone from the "
        "list, such as Asia/Tokyo."
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault(
            "help_text", "Type a city or a member economy's name and pick from the list: member economies come first."
        )
        attrs = {"list": TIME_ZONE_LIST, "autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if value and value not in time_zone_names():
            raise forms.ValidationError(
                self.error_messages["invalid_zone"], code="invalid_zone", params={"value": value}
            )
        return value

    @property
    def groups(self):
        return time_zone_groups()


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(label="Time zone")

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
