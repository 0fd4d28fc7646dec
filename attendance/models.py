import uuid

from django.conf import settings
from django.db import models


class Mark(models.Model):
    """One participant's attendance at one session (PRODUCT.md: one mark per participant per session).

    The participant is their selected nomination: it carries the name for the certificate and exists
    whether or not the person has an account yet."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    class Source(models.TextChoices):
        STAFF = "staff", "Marked by staff"
        REPORT = "report", "Imported from a meeting report"
        CHECK_IN = "check_in", "Self check-in"

    session = models.ForeignKey("projects.Session", on_delete=models.CASCADE, related_name="marks")
    nomination = models.ForeignKey("nominations.Nomination", on_delete=models.CASCADE, related_name="marks")
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Minutes inside the session, by the report.")
    report = models.ForeignKey("AttendanceReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField()
    check_in = models.ForeignKey(
        "CheckIn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The self check-in that set this mark: when, with which code, from which device.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "nomination"], name="attendance_one_mark_per_session")
        ]
        indexes = [models.Index(fields=["nomination", "status"])]

    def __str__(self):
        return f"{self.nomination_id} @ {self.session_id}: {self.status}"


def report_upload_to(instance, filename):
    return f"attendance/{instance.session.project_id}/{uuid.uuid4().hex}"


class AttendanceReport(models.Model):
    """An uploaded Zoom or Teams report for one session, kept as it came."""

    session = models.ForeignKey("projects.Session", on_delete=models.CASCADE, related_name="reports")
    file = models.FileField(upload_to=report_upload_to, max_length=200)
    original_name = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=10)
    time_zone = models.CharField(max_length=64, help_text="The time zone the report's times are in.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.format} report {self.original_name} for session {self.session_id}"


class CheckIn(models.Model):
    """One self check-in by a participant's phone: the code's time window and the device it came from, kept
    whatever later happens to the mark (an import or staff may change it), so that staff can tell how a mark
    was made and notice check-ins that do not look like a room (issue 15, item 7)."""

    session = models.ForeignKey("projects.Session", on_delete=models.CASCADE, related_name="check_ins")
    nomination = models.ForeignKey("nominations.Nomination", on_delete=models.CASCADE, related_name="check_ins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    code_window = models.PositiveBigIntegerField(
        help_text="The code's time window: its start is code_window × the code's period (seconds since 1970)."
    )
    window_starts_at = models.DateTimeField(help_text="When the code used began to be shown.")
    client_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    marked = models.BooleanField(help_text="False: the mark was left as it was (set by staff, or checked in already).")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["session", "nomination"])]

    def __str__(self):
        return f"Check-in of {self.nomination_id} @ {self.session_id} at {self.at:%Y-%m-%d %H:%M:%S}"


class EligibilityOverride(models.Model):
    """The Secretariat makes a participant eligible for the certificate without full attendance (rule 5)."""

    nomination = models.OneToOneField(
        "nominations.Nomination", on_delete=models.CASCADE, related_name="eligibility_override"
    )
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Override for {self.nomination_id}"


class AttendanceImport(models.Model):
    """One application of a meeting report: which marks it set, so that it can be undone."""

    report = models.ForeignKey(AttendanceReport, on_delete=models.CASCADE, related_name="imports")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    applied_at = models.DateTimeField()
    summary = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-applied_at", "-pk"]

    def __str__(self):
        return f"Import of {self.report} at {self.applied_at:%Y-%m-%d %H:%M}"


class ImportedMark(models.Model):
    """A mark an import set, with what it was before (no `previous_status`: there was no mark), and the
    time the import set it: a mark whose `set_at` differs was changed again since, and undo leaves it."""

    attendance_import = models.ForeignKey(AttendanceImport, on_delete=models.CASCADE, related_name="marks")
    nomination = models.ForeignKey("nominations.Nomination", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Mark.Status.choices)
    set_at = models.DateTimeField()
    previous_status = models.CharField(max_length=10, choices=Mark.Status.choices, blank=True)
    previous_source = models.CharField(max_length=10, choices=Mark.Source.choices, blank=True)
    previous_minutes = models.PositiveIntegerField(null=True, blank=True)
    previous_report = models.ForeignKey(
        AttendanceReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    previous_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    previous_set_at = models.DateTimeField(null=True, blank=True)
    previous_check_in = models.ForeignKey(CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendance_import", "nomination"], name="attendance_import_one_row")
        ]

    def __str__(self):
        return f"{self.nomination_id}: {self.previous_status or '—'} → {self.status}"


class CalendarFeed(models.Model):
    """A participant's calendar feed link, once they have asked for a new one: a new key changes the link
    (attendance/ical.py), and the old link then gives 404."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    key = models.CharField(max_length=64)
    renewed_at = models.DateTimeField()

    def __str__(self):
        return f"Calendar feed of {self.user_id}"
