"""Reads of the outbox for the pages that show how far a batch of e-mails has gone."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from .models import OutgoingEmail

Status = OutgoingEmail.Status
FAILURES_SHOWN = 50


@dataclass(frozen=True)
class OutboxProgress:
    """How many of a batch's e-mails left: `sent` of `total` (cancelled ones are no longer owed and not
    counted), `failed` after their last attempt, the rest still `waiting` (pending or being sent)."""

    total: int = 0
    sent: int = 0
    failed: int = 0
    failures: list = field(default_factory=list)  # the first FAILURES_SHOWN failed rows, oldest first

    @property
    def waiting(self) -> int:
        return self.total - self.sent - self.failed

    @property
    def done(self) -> bool:
        return self.waiting == 0


def outbox_progress(emails: QuerySet[OutgoingEmail]) -> OutboxProgress:
    """The progress of the e-mails in `emails` (one batch: a project's certificates, its announcement), read
    from the outbox rows. One query for the counts, and one more only when some failed."""
    counts = dict(emails.exclude(status=Status.CANCELLED).values_list("status").annotate(n=Count("id")).order_by())
    failed = counts.get(Status.FAILED, 0)
    failures = []
    if failed:
        failures = list(
            emails.filter(status=Status.FAILED).only("to", "subject", "last_error").order_by("pk")[:FAILURES_SHOWN]
        )
    return OutboxProgress(total=sum(counts.values()), sent=counts.get(Status.SENT, 0), failed=failed, failures=failures)
