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
