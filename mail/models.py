from django.db import models


class OutgoingEmail(models.Model):
    """An e-mail the portal owes someone, written in the transaction that decided it.

    `key` names what the e-mail is about (an invitation to one candidate, one economy's outcome), so
    that asking twice writes nothing new: every e-mail is sent at most once (PRODUCT.md rule 7). A
    Celery task sends it after commit; a beat task picks up any the broker did not take.

    A sender claims the row (pending → sending, one attempt counted) before it hands the message to the
    mail server, and only the claim's holder sends. A failure that may pass puts the row back to pending with
    `next_attempt_at` set by the retry policy (`mail/retry.py`); a refusal for good marks it failed. A row
    left "sending" by a crash is tried again by beat's sweep under the same policy, with the same Message-ID
    (`mail/services.py`).
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
    # When the retry policy allows the next attempt, after one failed for a reason that may pass; empty while
    # none has failed (a new row is sent at once). Kept on the row, so the policy survives a restart.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When beat's sweep last put the row on the queue: it waits a while before doing so again.
    enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="mail_outgoing_status_next"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.status})"
