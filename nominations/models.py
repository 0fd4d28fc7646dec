import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from projects.models import NominationDocument

from .files import ascii_name_slug, unicode_name_slug


# At module level so that the model's constraints (in its Meta, which cannot see the class body) name it too.
class NominationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SELECTED = "selected", "Selected"
    WAITLISTED = "waitlisted", "Wait-listed"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Nomination(models.Model):
    """A candidate an NPO puts forward for a project.

    The candidate's name is stored exactly as it must appear on the certificate. Once selected, the
    candidate is linked to a participant account (`participant`).
    """

    Status = NominationStatus

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other / prefer not to say"

    class OrganizationType(models.TextChoices):
        GOVERNMENT = "government", "Government ministry or agency"
        LOCAL_GOVERNMENT = "local_government", "Local government"
        PUBLIC_ENTERPRISE = "public_enterprise", "State-owned or public enterprise"
        PRIVATE = "private", "Private company"
        SME = "sme", "Small or medium enterprise"
        NPO = "npo", "National Productivity Organization"
        ACADEMIA = "academia", "University or research institute"
        NGO = "ngo", "Non-governmental organization"
        OTHER = "other", "Other"

    class EnglishProficiency(models.TextChoices):
        BASIC = "basic", "Basic"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"
        FLUENT = "fluent", "Fluent / native"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="nominations")
    economy = models.ForeignKey("accounts.Economy", on_delete=models.PROTECT, related_name="nominations")
    full_name = models.CharField(
        "name as it must appear on the certificate",
        max_length=200,
    )
    gender = models.CharField(max_length=10, choices=Gender.choices)
    email = models.EmailField("e-mail address")
    designation = models.CharField(max_length=200)
    organization = models.CharField(max_length=255)
    organization_type = models.CharField(max_length=30, choices=OrganizationType.choices)
    education = models.TextField(blank=True)
    experience = models.TextField("work experience", blank=True)
    english_proficiency = models.CharField(max_length=20, choices=EnglishProficiency.choices)
    expectations = models.TextField("expectations from the project", blank=True)
    is_overseas = models.BooleanField(
        default=True, help_text="Overseas participant (from an economy other than the host) or local."
    )
    priority_rank = models.PositiveSmallIntegerField("NPO's priority rank", default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # What the NPO was last told (PRODUCT.md rule 11): the decision as announced, blank while none is.
    # A decision taken since stays tentative, and the NPO sees the announced one, until the next
    # announcement (`nominations.rules.status_seen_by`).
    announced_status = models.CharField(
        max_length=20,
        choices=[(Status.SELECTED, "Selected"), (Status.WAITLISTED, "Wait-listed"), (Status.REJECTED, "Rejected")],
        blank=True,
        help_text="The decision last announced to the NPO; blank: under review.",
    )
    announced_at = models.DateTimeField(null=True, blank=True, help_text="When the results were last announced.")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
        help_text="The participant account of a selected candidate.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The one-time token of the form that made it (NominationForm.form_token): the same form posted again, as a
    # double click does, answers with this nomination rather than with "already nominated".
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["project", "economy", "priority_rank", "id"]
        indexes = [
            models.Index(fields=["project", "economy", "status"]),
            models.Index(fields=["participant", "status"]),
        ]
        constraints = [
            # One candidate once per project; a withdrawn nomination does not block a new one. The address
            # is compared exactly, as stored normalized (accounts/email_address.py): Lower() would fold.
            models.UniqueConstraint(
                fields=["project", "email"],
                condition=~models.Q(status=NominationStatus.WITHDRAWN),
                name="nominations_one_candidate_per_project",
                violation_error_message="This candidate (same e-mail address) is already nominated for this project.",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.economy.code}) for {self.project.code}"

    def get_absolute_url(self):
        return reverse("nominations:detail", args=[self.pk])


# A decision of the Secretariat: tentative until the project's results are announced (nominations/rules.py).
DECISIONS = frozenset({Nomination.Status.SELECTED, Nomination.Status.WAITLISTED, Nomination.Status.REJECTED})
# What an NPO sees as it is: its own draft, and a withdrawal (made by it, or on its word).
SEEN_AS_THEY_ARE = frozenset({Nomination.Status.DRAFT, Nomination.Status.WITHDRAWN})


class DeadlineExtension(models.Model):
    """The Secretariat lets one economy nominate after the project's closing date, until `closes_at`."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="extensions")
    economy = models.ForeignKey("accounts.Economy", on_delete=models.PROTECT, related_name="+")
    closes_at = models.DateTimeField("new closing instant")
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "economy"], name="nominations_one_extension_per_economy"),
        ]

    def __str__(self):
        return f"{self.project.code}: {self.economy} until {self.closes_at:%Y-%m-%d %H:%M}"


def attachment_upload_to(instance, filename):
    # The uploaded name is never used on disk: it may hold a path, a script or 300 characters.
    return f"nominations/{instance.nomination.project_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A document the NPO uploads with a nomination, stored privately under a generated name."""

    Kind = NominationDocument  # what a project may require (projects/models.py)

    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word document"
        XLSX = "xlsx", "Excel workbook"

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    file_type = models.CharField(max_length=10, choices=FileType.choices, help_text="Judged by content.")
    original_name = models.CharField(max_length=120, help_text="Shown to people; never used as a path.")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "kind"], name="nominations_one_attachment_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.nomination_id}"

    @property
    def download_name(self) -> str:
        """The file's name when downloaded, by candidate: `27-RP-03-GE-CON-A-LK-nimal-perera-cv.pdf`; a name
        with no Latin letters is named by the nomination's number instead (`download_name_unicode` has it)."""
        return self._download_name(ascii_name_slug(self.nomination.full_name) or f"nomination-{self.nomination_id}")

    @property
    def download_name_unicode(self) -> str:
        """The same name with the candidate's name as written: `…-IN-राजेश-कुमार-cv.pdf`."""
        return self._download_name(unicode_name_slug(self.nomination.full_name) or f"nomination-{self.nomination_id}")

    def _download_name(self, candidate: str) -> str:
        nomination = self.nomination
        return f"{nomination.project.code}-{nomination.economy.code}-{candidate}-{self.kind}.{self.file_type}"
