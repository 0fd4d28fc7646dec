import datetime
import re
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from accounts.models import time_zone_choices, time_zone_names

# APO project codes: year, program area, serial, funding, project kind, batch, e.g. 22-CP-41-GE-DLN-A
# or 23-IS-23-GE-TES-A.
PROJECT_CODE_PATTERN = r"^\d{2}-[A-Z]{2,3}-\d{1,3}-[A-Z]{2}-[A-Z]{3}-[A-Z]$"
project_code_validator = RegexValidator(
    PROJECT_CODE_PATTERN,
    "Use the APO project code format, for example 22-CP-41-GE-DLN-A (capital letters and digits).",
)

# A project code's year has two digits, so a project's dates are in 2000–2099. That also keeps every date a
# time zone's shift away from the ends of Python's calendar (a closing day of 9999-12-31 cannot be shown).
FIRST_PROJECT_DAY, LAST_PROJECT_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


# The database holds every row to those years too, whatever wrote it (the shell, a script, a future form): a
# date beyond them breaks every page that shows it. Instants may fall a day either side, for the time zones.
FIRST_PROJECT_INSTANT = datetime.datetime(1999, 12, 31, tzinfo=datetime.UTC)
END_OF_PROJECT_INSTANTS = datetime.datetime(2100, 1, 2, tzinfo=datetime.UTC)


def _days_in_project_years(*fields: str) -> models.Q:
    return models.Q(
        *(models.Q(**{f"{field}__gte": FIRST_PROJECT_DAY, f"{field}__lte": LAST_PROJECT_DAY}) for field in fields)
    )


def _instants_in_project_years(*fields: str) -> models.Q:
    return models.Q(
        *(
            models.Q(**{f"{field}__gte": FIRST_PROJECT_INSTANT, f"{field}__lt": END_OF_PROJECT_INSTANTS})
            for field in fields
        )
    )


def in_project_years(value: datetime.date | datetime.datetime) -> bool:
    day = value.date() if isinstance(value, datetime.datetime) else value
    return FIRST_PROJECT_DAY <= day <= LAST_PROJECT_DAY


def validate_project_day(value: datetime.date | datetime.datetime) -> None:
    if not in_project_years(value):
        raise ValidationError(
            "Enter a date from 2000 to 2099, the years a project code can carry.", code="out_of_range"
        )


def notification_upload_to(instance, filename):
    # Never trust the uploaded name: it may carry a path or script. Keep only the extension.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"projects/notifications/{uuid.uuid4().hex}.{suffix}"


def end_of_day(date: datetime.date, time_zone: str) -> datetime.datetime:
    """The instant a closing date ends: the last microsecond of that day in `time_zone`."""
    return datetime.datetime.combine(date, datetime.time.max, tzinfo=zoneinfo.ZoneInfo(time_zone))


FULL_PARTICIPATION = (
    "The participants are required to attend all sessions. This full participation is a prerequisite for "
    "receiving the APO certificate of attendance."
)


class NominationDocument(models.TextChoices):
    """The documents an NPO sends with a nomination (the attachments' kinds, `nominations.Attachment.Kind`).
    Here rather than in nominations because a project says which of them it requires."""

    BIODATA = "biodata", "Biodata form"
    CV = "cv", "Curriculum vitae"
    ENDORSEMENT = "endorsement", "Endorsement letter"


def every_nomination_document() -> list[str]:
    """A project's default: every document is required."""
    return list(NominationDocument.values)


class Project(models.Model):
    class Type(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        TRAINING_COURSE = "training_course", "Training course"
        CONFERENCE = "conference", "Conference"
        STUDY_MISSION = "study_mission", "Study mission"
        E_LEARNING = "e_learning", "e-Learning course"
        TES = "tes", "Technical Expert Services (TES)"

    class Modality(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face-to-face"
        DIGITAL = "digital", "Digital"
        HYBRID = "hybrid", "Hybrid"

    class Scope(models.TextChoices):
        MULTICOUNTRY = "multicountry", "Multicountry"
        INDIVIDUAL_COUNTRY = "individual_country", "Individual-country"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    code = models.CharField(
        "project code",
        max_length=32,
        unique=True,
        validators=[project_code_validator],
        help_text="For example 22-CP-41-GE-DLN-A.",
    )
    title = models.CharField(max_length=255)
    project_type = models.CharField("type", max_length=20, choices=Type.choices)
    modality = models.CharField(max_length=20, choices=Modality.choices)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.MULTICOUNTRY)
    start_date = models.DateField(validators=[validate_project_day])
    end_date = models.DateField(validators=[validate_project_day])
    time_zone = models.CharField(
        max_length=64,
        choices=time_zone_choices,
        default=settings.TIME_ZONE,
        help_text="Where the sessions are held; the program and the closing date are in this time zone.",
    )
    venue = models.CharField(max_length=255, blank=True, help_text="Leave empty for a project held online.")
    hosting_economy = models.ForeignKey("accounts.Economy", on_delete=models.PROTECT, related_name="hosted_projects")
    implementing_organizations = models.TextField(blank=True)
    participating_economies = models.ManyToManyField(
        "accounts.Economy", related_name="participating_projects", blank=True
    )
    # The largest APO projects (TES in one country) take a few hundred participants; 10,000 is a typo.
    overseas_participants = models.PositiveIntegerField(
        "overseas participants", default=0, validators=[MaxValueValidator(10_000)]
    )
    local_participants = models.PositiveIntegerField(
        "local participants", default=0, validators=[MaxValueValidator(10_000)]
    )
    per_economy_limit = models.PositiveSmallIntegerField(
        "participants per economy",
        null=True,
        blank=True,
        help_text='An optional limit such as "two from each country". Empty: no limit.',
    )
    qualifications = models.TextField("qualifications of participants", blank=True)
    objectives = models.TextField(blank=True)
    background = models.TextField(blank=True)
    # The notification's sections 3 to 5 and its signature, in the notification's order (PRODUCT.md, the data).
    methodology = models.TextField(
        blank=True, help_text="How the sessions are run: section 3 of the notification, without the program."
    )
    certificate_requirement = models.TextField(
        "certificate of attendance",
        blank=True,
        default=FULL_PARTICIPATION,
        help_text=(
            "As the notification words it; the portal issues certificates only to those who attended every session."
        ),
    )
    financial_arrangements = models.TextField(blank=True)
    implementation_procedures = models.TextField(blank=True)
    signatory_name = models.CharField(
        "signed by", max_length=120, blank=True, help_text="The Secretary-General at the time of signing."
    )
    signatory_title = models.CharField("signatory's position", max_length=120, blank=True, default="Secretary-General")
    issued_on = models.DateField("date of issue", null=True, blank=True)
    nomination_closes_at = models.DateTimeField(
        "closing date for nominations",
        validators=[validate_project_day],
        help_text="An instant: the end of the closing day in the project's time zone.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    attendance_threshold_percent = models.PositiveSmallIntegerField(
        "attendance threshold (%)",
        default=80,
        validators=[MaxValueValidator(100)],
        help_text="In an imported meeting report, at least this share of a session's minutes counts as present.",
    )
    required_documents = models.JSONField(
        "documents required with a nomination",
        default=every_nomination_document,
        blank=True,
        help_text="A nomination cannot be submitted without these.",
    )
    notification_document = models.FileField(
        "signed notification",
        upload_to=notification_upload_to,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="projects_project_end_after_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=_days_in_project_years("start_date", "end_date")
                & _instants_in_project_years("nomination_closes_at"),
                name="projects_project_in_project_years",
                violation_error_message="A project's dates must be from 2000 to 2099, the years a code can carry.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-start_date"]),
            models.Index(fields=["status", "nomination_closes_at"]),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def closing_date(self) -> datetime.date:
        """The closing date as the notification prints it: the day, in the project's time zone."""
        return timezone.localtime(self.nomination_closes_at, self.zone).date()

    @property
    def is_online(self) -> bool:
        return not self.venue

    @property
    def venue_display(self) -> str:
        return self.venue or "Online"

    @property
    def total_participants(self) -> int:
        return self.overseas_participants + self.local_participants

    @property
    def certificate_requirement_text(self) -> str:
        """What the project page says a certificate takes: the notification's words, or the portal's rule."""
        return self.certificate_requirement.strip() or FULL_PARTICIPATION

    @property
    def duration_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def required_document_labels(self) -> list[str]:
        """'Biodata form', 'Curriculum vitae', ...: what a nomination must carry, in the documents' order."""
        return [label for kind, label in NominationDocument.choices if kind in (self.required_documents or ())]

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be on or after the start date."
        closing = self.nomination_closes_at
        # A closing instant out of range is its field's error (validate_project_day); its day cannot be read.
        if closing and in_project_years(closing) and self.start_date and self.time_zone in time_zone_names():
            if self.closing_date >= self.start_date:
                errors.setdefault(
                    "nomination_closes_at",
                    f"Nominations must close before the project starts on {self.start_date:%-d %B %Y}.",
                )
        documents = self.required_documents
        if not isinstance(documents, list) or not set(documents) <= set(NominationDocument.values):
            errors["required_documents"] = "Choose among the biodata form, CV and endorsement letter."
        if errors:
            raise ValidationError(errors)


# Statuses anyone may see in the public catalogue.
PUBLIC_STATUSES = (Project.Status.PUBLISHED, Project.Status.CLOSED, Project.Status.COMPLETED)


class Session(models.Model):
    """One session of a project's program, with aware start and end instants."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=255)
    topics = models.TextField(blank=True, help_text="One topic per line.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    resource_persons = models.TextField(
        blank=True, help_text="One per line: name, then organization and country, e.g. 'Dr. Jane Doe, OECD, France'."
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="projects_session_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=_instants_in_project_years("starts_at", "ends_at"),
                name="projects_session_in_project_years",
                violation_error_message="A session must be held from 2000 to 2099, within its project's dates.",
            ),
        ]
        indexes = [models.Index(fields=["project", "starts_at"])]

    def __str__(self):
        return self.title

    @property
    def topic_list(self) -> list[str]:
        # Notifications list topics with a bullet ("•", "-", "+", "«" from a PDF); drop only a leading one.
        return [re.sub(r"^[-•*+«·]\s*", "", line.strip()) for line in self.topics.splitlines() if line.strip()]

    @property
    def resource_person_list(self) -> list[str]:
        return [line.strip() for line in self.resource_persons.splitlines() if line.strip()]

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def clean(self):
        # Non-field errors: forms enter these instants as a day and two times, not as these fields.
        # (An end before the start is the check constraint's to report.)
        project = self.project if self.project_id else None
        if project and self.starts_at and self.ends_at:
            first = timezone.localtime(self.starts_at, project.zone).date()
            last = timezone.localtime(self.ends_at, project.zone).date()
            if self.ends_at > self.starts_at and (first < project.start_date or last > project.end_date):
                raise ValidationError(
                    f"Sessions must fall within the project's dates, {project.start_date:%-d %B} to "
                    f"{project.end_date:%-d %B %Y} ({project.time_zone})."
                )


def notification_version_upload_to(instance, filename):
    return f"projects/notifications/printed/{uuid.uuid4().hex}.pdf"


class NotificationVersion(models.Model):
    """The notification PDF the portal prints for a public project, one row per version of what it says.

    A request is a pending row (at most one per project), written in the transaction that published or
    changed the project; the `pdf` queue prints it (projects.tasks), and beat's sweep picks up any the
    broker never delivered. A change that prints the same text makes no new version."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being printed"
        PRINTED = "printed", "Printed"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notification_versions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    number = models.PositiveIntegerField(null=True, blank=True, help_text="1, 2, …: given when printed.")
    requested_at = models.DateTimeField(auto_now_add=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=notification_version_upload_to, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True, help_text="Of what the version says.")
    size = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="projects_notification_version_number"),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status="pending"),
                name="projects_one_pending_notification_version",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} notification, version {self.number or '(pending)'}"
