import datetime
import uuid

from django import forms
from django.core.validators import MaxLengthValidator

from accounts.email_address import InvalidEmailAddress, normalize_email
from accounts.models import Economy
from projects.models import end_of_day

from . import rules
from .files import MAX_ATTACHMENT_BYTES, UnacceptableFile, sniff_document_type
from .models import Attachment, Nomination
from .services import CANDIDATE_FIELDS

Status = Nomination.Status


DOCUMENT_FORMATS = f"PDF, Word (.docx) or Excel (.xlsx), at most {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB"
# What a nomination started from an earlier one takes of it: the person, not what they expect of this project.
PREFILLED_FROM_EARLIER = [field for field in CANDIDATE_FIELDS if field != "expectations"]


def form_token(value) -> uuid.UUID | None:
    """A posted one-time form token as a UUID, or None when it is missing or malformed."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


class NominationForm(forms.ModelForm):
    """The candidate, as the biodata form asks, and their documents (`document_<kind>`), uploaded with it.
    Status, economy, rank and owner are never taken from here.

    `source`: an earlier nomination of the economy the form starts from (its details are the initial
    values; each of its documents may be reused, `reuse_<kind>`). `submitting`: the officer asked to
    submit, so every document the project requires must be held, uploaded or reused
    (`rules.missing_documents`, which the submit service checks as well)."""

    class Meta:
        model = Nomination
        fields = CANDIDATE_FIELDS
        widgets = {
            "education": forms.Textarea(attrs={"rows": 2}),
            "experience": forms.Textarea(attrs={"rows": 3}),
            "expectations": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "full_name": "Exactly as it must appear on the certificate, in any script.",
            "email": "The candidate's own address: the invitation and certificate go there.",
        }

    LONG_TEXT_LIMIT = 4000

    def __init__(self, *args, project=None, source=None, submitting=False, **kwargs):
        if source is not None and not kwargs.get("instance"):
            kwargs["initial"] = {field: getattr(source, field) for field in PREFILLED_FROM_EARLIER}
        super().__init__(*args, **kwargs)
        self.project = project
        self.source = source
        self.submitting = submitting
        self.held = {a.kind: a for a in self.instance.attachments.all()} if self.instance.pk else {}
        if not self.instance.pk:
            # A new nomination's form carries a one-time token: posted twice (a double click), it makes one
            # nomination, and the second answer is that nomination (`services.nomination_create`).
            self.fields["form_token"] = forms.CharField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)
        earlier = {a.kind: a for a in source.attachments.all()} if source is not None else {}
        required = rules.required_documents(project) if project is not None else []
        for kind, label in Attachment.Kind.choices:
            held = self.held.get(kind)
            self.fields[f"document_{kind}"] = forms.FileField(
                label=f"{label}{' (required)' if kind in required else ' (optional)'}",
                required=False,
                help_text=(f"Held: {held.original_name}. Choose a file only to replace it. " if held else "")
                + f"{DOCUMENT_FORMATS}.",
                widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
            )
            if kind in earlier and not held:
                self.fields[f"reuse_{kind}"] = forms.BooleanField(
                    required=False,
                    initial=False,
                    label=f"The candidate still holds it: reuse {earlier[kind].original_name} ({source.project.code})",
                )
        self.earlier = earlier
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        for name in ("education", "experience", "expectations"):
            # A biodata answer is a few paragraphs; a 10,000-character paste is a mistake (or worse).
            self.fields[name].max_length = self.LONG_TEXT_LIMIT
            self.fields[name].validators.append(MaxLengthValidator(self.LONG_TEXT_LIMIT))
            self.fields[name].widget.attrs["maxlength"] = self.LONG_TEXT_LIMIT

    def clean_form_token(self):
        """The token as a UUID; anything else counts as none (the form still works, without the guard)."""
        return form_token(self.cleaned_data.get("form_token"))

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if any(ch in name for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"):
            raise forms.ValidationError("The name contains invisible direction-control characters; type it again.")
        return name

    def clean_email(self):
        try:
            email = normalize_email(self.cleaned_data["email"])
        except InvalidEmailAddress as error:
            raise forms.ValidationError(str(error)) from error
        if self.project is not None:
            twins = Nomination.objects.filter(project=self.project, email=email).exclude(status=Status.WITHDRAWN)
            if self.instance.pk:
                twins = twins.exclude(pk=self.instance.pk)
            if twins.exists():
                raise forms.ValidationError(
                    "This candidate (same e-mail address) is already nominated for this project."
                )
        return email

    def validate_unique(self):
        # The project is not a form field; clean_email and the service check the one-candidate rule.
        pass

    def document_fields(self):
        """Each kind's file field and, for a nomination started from an earlier one, its reuse box."""
        return [
            (self[f"document_{kind}"], self[f"reuse_{kind}"] if f"reuse_{kind}" in self.fields else None)
            for kind in Attachment.Kind.values
        ]

    def clean(self):
        cleaned = super().clean()
        for kind in Attachment.Kind.values:
            uploaded = cleaned.get(f"document_{kind}")
            if uploaded:
                try:
                    sniff_document_type(uploaded)
                except UnacceptableFile as error:
                    self.add_error(f"document_{kind}", str(error))
        if self.submitting and self.project is not None:
            # Told with the other errors, so that one round trip shows everything to put right.
            missing = rules.missing_documents(self.project, set(self.held) | set(self.documents()))
            for kind in missing:
                if f"document_{kind}" not in self.errors:  # a refused file says why already
                    self.add_error(f"document_{kind}", "Required before the nomination can be submitted.")
            if missing:
                name = cleaned.get("full_name") or "The candidate"
                raise forms.ValidationError(
                    rules.missing_documents_message(full_name=name, project=self.project, missing=missing)
                )
        return cleaned

    def documents(self) -> dict:
        """For the services: each kind uploaded, or reused from the earlier nomination (a new file wins)."""
        chosen = {}
        for kind in Attachment.Kind.values:
            uploaded = self.cleaned_data.get(f"document_{kind}")
            if uploaded:
                chosen[kind] = uploaded
            elif self.cleaned_data.get(f"reuse_{kind}") and kind in self.earlier:
                chosen[kind] = self.earlier[kind]
        return chosen


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(choices=Attachment.Kind.choices, label="Document")
    file = forms.FileField(
        help_text=f"PDF, Word (.docx) or Excel (.xlsx), at most {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            sniff_document_type(uploaded)
        except UnacceptableFile as error:
            raise forms.ValidationError(str(error)) from error
        return uploaded


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    note = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    DECISIONS = [
        (Status.SELECTED, "Select as participant"),
        (Status.WAITLISTED, "Wait-list"),
        (Status.REJECTED, "Reject"),
        (Status.SUBMITTED, "Reinstate (back to submitted)"),
    ]
    # How the confirmation asks it: "Select 12 nominations from 5 economies?"
    VERBS = {
        Status.SELECTED: "Select",
        Status.WAITLISTED: "Wait-list",
        Status.REJECTED: "Reject",
        Status.SUBMITTED: "Reinstate",
    }
    decision = forms.ChoiceField(choices=DECISIONS)
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000)
    nominations = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=[],
        required=True,
        error_messages={
            "required": "Tick at least one nomination.",
            "invalid_choice": "A chosen nomination is not in the list you filtered (another officer's change, or "
            "a changed filter): nothing was decided. Choose again from the list.",
        },
    )

    def __init__(self, *args, nomination_ids=(), **kwargs):
        """`nomination_ids`: the ids the decision may name (those in the review's filtered list)."""
        super().__init__(*args, **kwargs)
        self.fields["nominations"].choices = [(pk, pk) for pk in nomination_ids]


class ReviewFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, organization or e-mail"}),
    )
    economy = forms.ModelChoiceField(
        queryset=Economy.objects.all(), required=False, empty_label="Every economy", to_field_name="code"
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Status.choices])
    gender = forms.ChoiceField(required=False, choices=[("", "Any gender"), *Nomination.Gender.choices])
    organization_type = forms.ChoiceField(
        required=False, choices=[("", "Any organization"), *Nomination.OrganizationType.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("economy", "status", "gender", "organization_type"):
            # what the list's htmx trigger listens to (`change from:[data-review-filter]`): these menus, not
            # the bulk bar's decision menu next to them
            self.fields[name].widget.attrs["data-review-filter"] = "menu"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ExtensionForm(forms.Form):
    economy = forms.ModelChoiceField(queryset=Economy.objects.none())
    closing_date = forms.DateField(
        label="New closing date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Nominations from this economy close at the end of this day, project time.",
    )
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["economy"].queryset = project.participating_economies.all()

    def closes_at(self) -> datetime.datetime:
        return end_of_day(self.cleaned_data["closing_date"], self.project.time_zone)
