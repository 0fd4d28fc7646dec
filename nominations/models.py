from django.conf import settings
from django.db import models


class Nomination(models.Model):
    """A candidate an NPO puts forward for a project.

    The candidate's name is stored exactly as it must appear on the certificate. Once selected, the
    candidate is linked to a participant account (`participant`).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SELECTED = "selected", "Selected"
        WAITLISTED = "waitlisted", "Wait-listed"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

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

    class Meta:
        ordering = ["project", "economy", "priority_rank", "id"]
        indexes = [
            models.Index(fields=["project", "economy", "status"]),
            models.Index(fields=["participant", "status"]),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.economy.code}) for {self.project.code}"
