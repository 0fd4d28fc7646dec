import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.forms import inlineformset_factory

from accounts.forms import TimeZoneField
from accounts.models import Economy

from .models import Project, Session, end_of_day


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
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Nominations close at the end of this day in the project's time zone.",
    )
    all_economies = forms.BooleanField(
        label="All member economies participate",
        required=False,
        help_text="Tick this instead of choosing every economy below.",
    )

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
            "objectives",
            "background",
            "notification_document",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "participating_economies": forms.CheckboxSelectMultiple,
            "implementing_organizations": forms.Textarea(attrs={"rows": 2}),
            "qualifications": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "background": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["nomination_closes_at"] = self.instance.closing_date
        self.fields["code"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})
        self.fields["notification_document"].widget.attrs["accept"] = ".pdf,application/pdf"
        self.helper = FormHelper()
        self.helper.form_tag = False

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

    def project_data(self) -> dict:
        """Cleaned model fields for the services, without the many-to-many and form-only fields."""
        skip = {"participating_economies", "all_economies"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


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
