from django.db import models

from .models import AuditEntry


def audit_log(
    *, actor, action: str, target: models.Model, changes: dict | None = None, note: str = "", economy=None
) -> AuditEntry:
    """Record that `actor` did `action` to `target`. Call it inside the transaction that made the change,
    so that the change and its record commit or roll back together."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        economy=economy,
        changes=changes or {},
        note=note,
    )


def audit_entries_for(target: models.Model):
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related(
        "actor"
    )
