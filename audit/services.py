from django.db import models

from apo_portal.client import client_ip

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


def security_event(*, action: str, request=None, user=None, note: str = "", **details) -> AuditEntry:
    """Record a security event (log-in, failed log-in, lock-out, denied access) in the audit log, with the
    address it came from. `user` may be None (an unknown e-mail address)."""
    if request is not None:
        details.setdefault("ip", client_ip(request))
        details.setdefault("path", request.path[:300])
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type="accounts.user",
        target_id=str(user.pk) if actor else "",
        target_repr=str(user)[:255] if actor else details.pop("username", "")[:255],
        changes=details,
        note=note,
    )
