import base64
import secrets
import string
import unicodedata
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from common.zones import secretariat_date

CODE_LENGTH = 20
CODE_ALPHABET = frozenset(string.ascii_uppercase + "234567")  # base32's: no 0, 1, 8 or 9
# The digits base32 never uses, read as the letters they are mistaken for on paper.
_MISREAD = str.maketrans("018", "OIB")


def new_verification_code() -> str:
    """100 random bits, as 20 base32 letters and digits: unguessable, and typeable from a printed page."""
    return base64.b32encode(secrets.token_bytes(13)).decode()[:CODE_LENGTH]


def normalise_code(typed: str) -> str:
    """What a person typed or a QR code carried, as stored: upper case, and only the code's letters and digits
    (no spaces or dashes). Full-width letters and digits, as a Japanese, Chinese or Korean input method types
    them, count as the ASCII ones (NFKC); 0, 1 and 8, which no code has, as the O, I and B they were read for."""
    folded = unicodedata.normalize("NFKC", typed).upper()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum()).translate(_MISREAD)[:32]


# Entries in each of the portal's revocation lists (Bitstring Status List: at least 131,072, 16 KB, so that one
# certificate's entry is lost among many). A certificate's entry is drawn at random when it is issued.
STATUS_LIST_SIZE = 131_072


def certificate_upload_to(instance, filename):
    return f"certificates/{instance.project_id}/{uuid.uuid4().hex}.pdf"


class Certificate(models.Model):
    """An APO certificate of attendance for one participant of one project.

    The holder's name is kept as printed. A correction never edits a certificate: it is revoked and a
    new one, with a new serial, replaces it."""

    class RenderStatus(models.TextChoices):
        PENDING = "pending", "Being prepared"
        RENDERED = "rendered", "Issued"
        FAILED = "failed", "Failed"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="certificates")
    nomination = models.ForeignKey("nominations.Nomination", on_delete=models.PROTECT, related_name="certificates")
    sequence = models.PositiveIntegerField()
    serial = models.CharField(max_length=64, unique=True)
    verification_code = models.CharField(max_length=32, unique=True, default=new_verification_code)
    holder_name = models.CharField(max_length=200)
    issued_at = models.DateTimeField(auto_now_add=True)
    # The date printed on the certificate, decided once at issue in the Secretariat's time zone, so that the
    # PDF, the verification page, e-mails and exports all say the same day (PRODUCT.md rule 13).
    issued_on = models.DateField("issue date", default=secretariat_date)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    pdf = models.FileField(upload_to=certificate_upload_to, blank=True, max_length=200)
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64, blank=True, db_index=True)
    render_status = models.CharField(max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(blank=True)
    # A render in progress claims the row (`render_claim`, the claiming task's id) until `render_not_before`;
    # a failed render leaves no claim and waits until `render_not_before` for its next attempt
    # (`certificates.services`: claiming and back-off). `render_failures` counts failures since the last success
    # or retry button, and sets the back-off.
    render_claim = models.CharField(max_length=64, blank=True)
    render_not_before = models.DateTimeField(null=True, blank=True)
    render_failures = models.PositiveSmallIntegerField(default=0)
    # The file a run is about to write, named before it is written: a run killed between writing its PDF and
    # recording it leaves this name, and the next run to claim the certificate removes that file, so a killed
    # worker leaves no second PDF behind (services._claim, services._record).
    render_file = models.CharField(max_length=200, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_on = models.DateField("revocation date", null=True, blank=True)  # as issued_on, for revocation
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaces"
    )
    # Its entry in the revocation lists of its Open Badges credential (certificates/credentials.py): list number
    # and index, drawn at random at issue. Empty only for rows written outside the services (a benchmark's COPY).
    status_list = models.PositiveSmallIntegerField(null=True, blank=True)
    status_index = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["project", "sequence"]
        constraints = [
            # PRODUCT.md rule 6: at most one valid certificate per participant and project.
            models.UniqueConstraint(
                fields=["nomination"],
                condition=models.Q(revoked_at__isnull=True),
                name="certificates_one_valid_per_participant",
            ),
            models.UniqueConstraint(fields=["project", "sequence"], name="certificates_serial_sequence_unique"),
            models.UniqueConstraint(fields=["status_list", "status_index"], name="certificates_one_status_entry"),
            models.CheckConstraint(
                condition=models.Q(status_index__lt=STATUS_LIST_SIZE), name="certificates_status_index_in_list"
            ),
        ]
        indexes = [models.Index(fields=["render_status", "issued_at"])]

    def __str__(self):
        return self.serial

    def get_absolute_url(self):
        return reverse("certificates:verify", args=[self.verification_code])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def code_display(self) -> str:
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
