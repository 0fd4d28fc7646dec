import unicodedata

from django import forms

from .models import CODE_ALPHABET, CODE_LENGTH, normalise_code

MAX_UPLOADED_PDF = 10 * 1024 * 1024
# A credential is a few kilobytes; anything far larger is not one, and is not read.
MAX_CREDENTIAL = 64 * 1024


def code_in(typed: str) -> str:
    """The verification code in what a verifier typed or pasted: the code in any spelling (normalise_code), the
    line printed beside the QR code ("Code ABCD-…"), or the address the QR code carries (…/verify/ABCD…/)."""
    text = unicodedata.normalize("NFKC", typed)
    if "/verify/" in text:
        text = text.rsplit("/verify/", 1)[1].split("/", 1)[0].split("?", 1)[0]
    code = normalise_code(text)
    if len(code) == CODE_LENGTH + len("CODE") and code.startswith("CODE"):
        code = code.removeprefix("CODE")
    return code


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        required=False,
        max_length=200,  # room for the QR code's whole address, pasted
        help_text="As printed beside the certificate's QR code: 20 letters and digits, with or without the dashes.",
        widget=forms.TextInput(attrs={"placeholder": "ABCD-EFGH-IJKL-MNOP-QRST", "autocapitalize": "characters"}),
    )
    pdf = forms.FileField(
        label="…or the certificate's PDF",
        required=False,
        help_text="We compare its fingerprint (SHA-256) with the certificates we issued; the file is not kept.",
    )

    def clean_code(self) -> str:
        """The code as stored, or a message saying what to check; blank if none was typed (a PDF may be)."""
        typed = self.cleaned_data["code"]
        if not typed:
            return ""
        code = code_in(typed)
        if not code:
            raise forms.ValidationError(
                "There is no code in what you typed. Type the 20 letters and digits printed beside the QR code."
            )
        if strange := sorted(set(code) - CODE_ALPHABET):
            raise forms.ValidationError(
                f"A verification code has only the letters A to Z and the digits 2 to 7, not {', '.join(strange)}."
                " Check it against the certificate."
            )
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                f"A verification code has {CODE_LENGTH} letters and digits; this has {len(code)}."
                " Check it against the certificate."
            )
        return code

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
