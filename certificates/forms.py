from django import forms

MAX_UPLOADED_PDF = 10 * 1024 * 1024
# A credential is a few kilobytes; anything far larger is not one, and is not read.
MAX_CREDENTIAL = 64 * 1024


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        required=False,
        max_length=40,
        help_text="As printed beside the certificate's QR code: 20 letters and digits, with or without the dashes.",
        widget=forms.TextInput(attrs={"placeholder": "ABCD-EFGH-IJKL-MNOP-QRST", "autocapitalize": "characters"}),
    )
    pdf = forms.FileField(
        label="…or the certificate's PDF",
        required=False,
        help_text="We compare its fingerprint (SHA-256) with the certificates we issued; the file is not kept.",
    )

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if pdf and pdf.size > MAX_UPLOADED_PDF:
            raise forms.ValidationError("A certificate is far smaller than 10 MB: this is not one.")
        return pdf

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code") and not cleaned.get("pdf") and not self.errors:
            raise forms.ValidationError("Type the verification code printed on the certificate, or upload its PDF.")
        return cleaned


class CredentialCheckForm(forms.Form):
    """An Open Badges credential (VC-JWT) pasted or uploaded, to be checked."""

    token = forms.CharField(
        label="Paste the credential (VC-JWT)",
        required=False,
        max_length=MAX_CREDENTIAL,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "font-monospace"}),
        error_messages={"max_length": "A credential is a few kilobytes: this text is far too long to be one."},
    )
    file = forms.FileField(
        label="…or upload its file (credential.jwt)",
        required=False,
        help_text="We check its signature, issuer and revocation against what the APO publishes; nothing is kept.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return ""
        if uploaded.size > MAX_CREDENTIAL:
            raise forms.ValidationError("A credential is a few kilobytes: this file is far too large to be one.")
        try:
            return uploaded.read().decode("ascii")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "This file is not a credential: a VC-JWT is plain text of letters, digits and dots."
            ) from error

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("token") and not cleaned.get("file"):
            raise forms.ValidationError("Paste a credential, or choose its file.")
        cleaned["credential"] = cleaned.get("token") or cleaned.get("file") or ""
        return cleaned


class IssueForm(forms.Form):
    """Certificates for every eligible participant, or for the one participant (nomination) named."""

    nomination = forms.ModelChoiceField(
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "No participant of this project was chosen: no certificate was issued."},
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = participants


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReissueForm(RevokeForm):
    holder_name = forms.CharField(label="Name as it must appear on the new certificate", max_length=200)
