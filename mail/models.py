from django.db import models


class OutgoingEmail(models.Model):
    """An e-mail the portal owes someone, written in the transaction that decided it.

    `key` names what the e-mail is about (an invitation to one candidate, one economy's outcome), so
    that asking twice writes nothing new: every e-mail is sent at most once (PRODUCT.md rule 7). A
    Celery task sends it after commit; a beat task picks up any the broker did not take.

    A sender claims the row (pending → sending) before it hands the message to the mail server, and
    only the claim's holder sends: a row left "sending" was perhaps delivered, so nothing sends it again
    unless the Secretariat asks (`mail/services.py`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"  # no longer owed (a certificate revoked before its e-mail went)

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # By name, not by import: the outbox sits below projects, which it never imports; the key says what the
    # e-mail is about, the project says whose it is (its reminders, and removal with it).
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.status})"
