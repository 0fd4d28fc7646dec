"""The one way a status changes (STYLE.md, "State changes"), for projects and nominations alike.

It lives here rather than in `common/` because it writes the audit entry, and `common` imports no app."""

from collections.abc import Callable, Collection
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from .services import audit_log

M = TypeVar("M", bound=models.Model)


def transition(
    instance: M,
    *,
    to: str,
    actor,
    action: str,
    allowed: Callable[[M], Collection[str]],
    refusal: Callable[[M], ValidationError],
    queryset: models.QuerySet | None = None,
    prepare: Callable[[M], list[str]] | None = None,
    save: Callable[[M, list[str]], None] | None = None,
    note: str = "",
    economy_of: Callable[[M], models.Model | None] | None = None,
) -> M:
    """Move `instance` to status `to`, inside the caller's transaction, and return the row as saved.

    Re-reads the row with `select_for_update()` (from `queryset`, for its `select_related`); returns it
    unchanged if it is already in `to`; raises `refusal(row)` unless `to` is in `allowed(row)` (which may
    refuse by raising, with its own message); then `prepare(row)` may refuse too, or set more fields and
    return their names; the row is saved with `update_fields` (by `save(row, fields)` if given) and the
    audit entry `action` is written with the old and new status (and the economy `economy_of(row)` it
    concerns). The caller takes any lock that must come first (a nomination's project)."""
    locked = (
        (queryset if queryset is not None else type(instance)._default_manager).select_for_update().get(pk=instance.pk)
    )
    old = locked.status
    if old == to:
        return locked
    if to not in allowed(locked):
        raise refusal(locked)
    extra = prepare(locked) if prepare else []
    locked.status = to
    fields = ["status", "updated_at", *extra]
    if save:
        save(locked, fields)
    else:
        locked.save(update_fields=fields)
    audit_log(
        actor=actor,
        action=action,
        target=locked,
        changes={"status": [old, to]},
        note=note,
        economy=economy_of(locked) if economy_of else None,
    )
    return locked
