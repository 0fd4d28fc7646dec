from django import forms

from .models import OutgoingEmail


class ResendEmailForm(forms.Form):
    """The undelivered e-mail to send again, by the id its row's button posts."""

    email = forms.ModelChoiceField(
        queryset=OutgoingEmail.objects.all(),
        error_messages=dict.fromkeys(
            ["required", "invalid_choice"], "That e-mail is not in the list: nothing was sent again."
        ),
    )
