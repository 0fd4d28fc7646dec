from django.db import models
from django.utils.encoding import escape_uri_path

from common.client import client_ip

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
        # As it was sent, percent-encoded: a NUL or a line break in an address stays visible to the reader of
        # the log, and PostgreSQL, which refuses a NUL in text, stores the entry.
        details.setdefault("path", escape_uri_path(request.path)[:300])
    # What a client sent (an address, a user name tried) may hold a NUL, which PostgreSQL refuses in text:
    # the entry would be lost with the request.
    details = {
        key: value.replace("\x00", "\ufffd") if isinstance(value, str) else value for key, value in details.items()
    }
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
