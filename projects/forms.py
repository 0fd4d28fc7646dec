import datetime
import json

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.forms import inlineformset_factory

from accounts.forms import TimeZoneField
from accounts.models import Economy
from common.db import past_the_ids

from .models import (
    NominationDocument,
    Project,
    Session,
    end_of_day,
    every_nomination_document,
    validate_project_day,
)
from .notifications.files import MAX_BYTES, NotificationFileError, text_of_file
from .notifications.reader import NotificationReading


class EconomiesField(forms.ModelMultipleChoiceField):
    """The participating economies, by id. An id past the database's integers is no economy's, and says so
    like any other unknown choice, before the `__in` query Django checks the choices with (common.db)."""

    def _check_values(self, value):
        for pk in value:
            if past_the_ids(str(pk)):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Title or project code", "type": "search"}),
    )
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    project_type = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *Project.Type.choices])
    modality = forms.ChoiceField(required=False, choices=[("", "Any modality"), *Project.Modality.choices])
    economy = forms.ModelChoiceField(
        label="Participating economy",
        required=False,
        queryset=Economy.objects.all(),
        empty_label="Any economy",
        to_field_name="code",
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year"), *[(y, y) for y in years]]

    def filters(self) -> dict:
        """The cleaned filters, or none at all when the query string was not valid."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ManageFilterForm(CatalogueFilterForm):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Project.Status.choices])


class ProjectForm(forms.ModelForm):
    """Input validation for a project. The closing date is entered as a day and stored as the instant
    that day ends in the project's time zone (PRODUCT.md rule 2)."""

    time_zone = TimeZoneField(
        label="Time zone",
        help_text="Where the sessions are held; the program and the closing date are in this time zone. Type a "
        "city or a member economy's name and pick from the list.",
    )
    nomination_closes_at = forms.DateField(
        label="Closing date for nominations",
        validators=[validate_project_day],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Nominations close at the end of this day in the project's time zone.",
    )
    required_documents = forms.MultipleChoiceField(
        label="Documents required with a nomination",
        choices=NominationDocument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="An NPO cannot submit a nomination without these. None ticked: none is required.",
    )
    all_economies = forms.BooleanField(
        label="All member economies participate",
        required=False,
        help_text="Tick this instead of choosing every economy below.",
    )
    # The program's days and topics read from a notification (NotificationReadForm), carried through the
    # form until it is saved, when they become draft sessions (services.project_create).
    notification_program = forms.CharField(widget=forms.HiddenInput, required=False, max_length=50_000)

    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "project_type",
            "modality",
            "scope",
            "start_date",
            "end_date",
            "time_zone",
            "nomination_closes_at",
            "venue",
            "hosting_economy",
            "implementing_organizations",
            "all_economies",
            "participating_economies",
            "overseas_participants",
            "local_participants",
            "per_economy_limit",
            "attendance_threshold_percent",
            "qualifications",
            "required_documents",
            "objectives",
            "background",
            "methodology",
            "certificate_requirement",
            "financial_arrangements",
            "implementation_procedures",
            "signatory_name",
            "signatory_title",
            "issued_on",
            "notification_document",
        ]
        field_classes = {"participating_economies": EconomiesField}
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "participating_economies": forms.CheckboxSelectMultiple,
            "implementing_organizations": forms.Textarea(attrs={"rows": 2}),
            "qualifications": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "background": forms.Textarea(attrs={"rows": 6}),
            "methodology": forms.Textarea(attrs={"rows": 4}),
            "certificate_requirement": forms.Textarea(attrs={"rows": 2}),
            "financial_arrangements": forms.Textarea(attrs={"rows": 4}),
            "implementation_procedures": forms.Textarea(attrs={"rows": 3}),
            "issued_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["nomination_closes_at"] = self.instance.closing_date
        else:  # a new project requires every document unless the Secretariat unticks some
            self.initial.setdefault("required_documents", every_nomination_document())
        self.fields["code"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})
        self.fields["notification_document"].widget.attrs["accept"] = ".pdf,application/pdf"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_required_documents(self):
        chosen = set(self.cleaned_data["required_documents"])
        return [kind for kind in NominationDocument.values if kind in chosen]  # in the documents' own order

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_title(self):
        # One line: the title is printed in e-mail subjects, certificates and page headings.
        return " ".join(self.cleaned_data["title"].split())

    def clean_notification_document(self):
        document = self.cleaned_data.get("notification_document")
        if document and hasattr(document, "content_type"):  # a new upload
            if document.size > 10 * 1024 * 1024:
                raise forms.ValidationError("The notification must be at most 10 MB.")
            head = document.read(5)
            document.seek(0)
            if head != b"%PDF-":
                raise forms.ValidationError("The signed notification must be a PDF file.")
        return document

    def clean(self):
        cleaned = super().clean()
        closing_day = cleaned.get("nomination_closes_at")
        if isinstance(closing_day, datetime.date) and not isinstance(closing_day, datetime.datetime):
            # An invalid time zone is reported on its own field; meanwhile read the day in Tokyo's.
            zone = cleaned.get("time_zone") or settings.TIME_ZONE
            cleaned["nomination_closes_at"] = end_of_day(closing_day, zone)
        host = cleaned.get("hosting_economy")
        if cleaned.get("all_economies"):
            cleaned["participating_economies"] = list(Economy.objects.all())
        elif cleaned.get("scope") == Project.Scope.INDIVIDUAL_COUNTRY and host:
            # An individual-country project is for its host economy alone.
            cleaned["participating_economies"] = [host]
        elif not cleaned.get("participating_economies"):
            self.add_error(
                "participating_economies", "Choose the participating economies, or tick “All member economies”."
            )
        return cleaned

    def clean_notification_program(self) -> list[dict]:
        """[{"day": 1, "topics": ["…", …]}, …]: at most 60 days of at most 30 topics, each one line."""
        raw = self.cleaned_data["notification_program"]
        if not raw:
            return []
        try:
            days = json.loads(raw)
            program = [
                {"day": int(day["day"]), "topics": [" ".join(str(topic).split())[:500] for topic in day["topics"]]}
                for day in days
            ]
        # OverflowError: a day of Infinity; RecursionError: "[[[[…" nested past what json.loads can read.
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as error:
            raise forms.ValidationError("The program read from the notification was damaged: read it again.") from error
        if len(program) > 60 or any(not 1 <= day["day"] <= 60 or len(day["topics"]) > 30 for day in program):
            raise forms.ValidationError("The program read from the notification was damaged: read it again.")
        return program

    def project_data(self) -> dict:
        """Cleaned model fields for the services, without the many-to-many and form-only fields."""
        skip = {"participating_economies", "all_economies", "notification_program"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    def prefill_from(self, reading: NotificationReading) -> list[str]:
        """Set the form's initial values from a notification's reading and mark each for review; the
        names of the fields it filled."""
        economies = {economy.code: economy for economy in Economy.objects.all()}
        initial = {name: value for name, value in reading.fields.items() if name in self.fields}
        if host := economies.get(initial.get("hosting_economy")):
            initial["hosting_economy"] = host.pk
            initial["time_zone"] = host.time_zone  # the notification gives none; the host's is the likeliest
        else:
            initial.pop("hosting_economy", None)
        codes = initial.pop("participating_economies", None)
        if codes is not None:
            if set(codes) == set(economies):
                initial["all_economies"] = True
            else:
                initial["participating_economies"] = [economies[code].pk for code in codes if code in economies]
        if reading.program:
            initial["notification_program"] = json.dumps(
                [{"day": day.day, "topics": day.topics} for day in reading.program], ensure_ascii=False
            )
        self.initial.update(initial)
        filled = [name for name in initial if name != "notification_program"]
        for name in filled:
            field = self.fields[name]
            field.help_text = "Read from the notification: check it." + (
                f" {field.help_text}" if field.help_text else ""
            )
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " is-prefilled").strip()
        return filled


class NotificationReadForm(forms.Form):
    """A notification to read into a new project: its text pasted, or its file."""

    text = forms.CharField(
        label="Paste the notification's text",
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label="Or choose its file",
        required=False,
        help_text="A PDF with text (not a scan), a Word document (.docx) or a text file, at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.txt,application/pdf"}),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text", "").strip(), cleaned.get("file")
        if upload:
            if upload.size > MAX_BYTES:
                self.add_error("file", f"The file must be at most {MAX_BYTES // (1024 * 1024)} MB.")
                return cleaned
            try:
                text = text_of_file(upload.name, upload.read())
            except NotificationFileError as error:
                self.add_error("file", str(error))
                return cleaned
        elif not text and not self.errors:
            raise forms.ValidationError("Paste the notification's text or choose its file.")
        cleaned["text"] = text
        return cleaned


class TransitionForm(forms.Form):
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class SessionForm(forms.ModelForm):
    """A session as the program lists it: a day and a start and end time, in the project's time zone."""

    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    class Meta:
        model = Session
        fields = ["title", "day", "start_time", "end_time", "topics", "resource_persons"]
        widgets = {
            "topics": forms.Textarea(attrs={"rows": 3}),
            "resource_persons": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            zone = self.instance.project.zone
            starts = self.instance.starts_at.astimezone(zone)
            ends = self.instance.ends_at.astimezone(zone)
            self.initial.update(day=starts.date(), start_time=starts.time(), end_time=ends.time())

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", "A session must end after it starts.")
            else:
                zone = self.instance.project.zone
                self.instance.starts_at = datetime.datetime.combine(day, start, tzinfo=zone)
                self.instance.ends_at = datetime.datetime.combine(day, end, tzinfo=zone)
        return cleaned


SessionFormSet = inlineformset_factory(
    Project,
    Session,
    form=SessionForm,
    extra=1,
    can_delete=True,
    min_num=0,
)
