"""“A project's records changed”: said explicitly by the services that change what is counted about a
project (its nominations and their decisions, sessions, marks, certificates), and heard by whatever keeps
derived figures of it (the reports' stored figures, reports/signals.py).

It lives here, in the app every one of those services already depends on, so that nominations,
attendance and certificates need not know the reports exist (the apps' one-way order: projects →
nominations → attendance → certificates → reports).

The signal is sent after the transaction commits, once per project however many rows the transaction
wrote, and never for a transaction (or savepoint) that rolled back: Django discards the on-commit
callbacks of what rolled back."""

from asgiref.local import Local
from django.db import transaction
from django.dispatch import Signal

# Sent with `project_id` after a transaction that changed the project's records has committed.
project_records_changed = Signal()

_pending = Local()  # per thread (and per async context), as Django's database connections are


def _pending_ids() -> set[int]:
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    return _pending.ids


def project_records_changed_on_commit(project_id: int) -> None:
    """Send `project_records_changed` for the project once the current transaction commits (at once
    outside one). Call it in any service that writes a nomination, session, mark or certificate.

    Each call registers its own callback, because a callback registered in a savepoint that rolls back
    is discarded with it; the first of a commit's callbacks for a project sends the signal and the rest
    find nothing left to send. An id left behind by a rolled-back transaction is never sent on its own:
    only a later committed call for that project sends it."""
    _pending_ids().add(project_id)
    # robust: the change has committed; a receiver that fails is logged (the figures are also rebuilt
    # nightly) rather than turned into an error page for a change that was made.
    transaction.on_commit(lambda: _send(project_id), robust=True)


def _send(project_id: int) -> None:
    ids = _pending_ids()
    if project_id not in ids:
        return  # sent already by an earlier callback of this commit
    ids.discard(project_id)
    project_records_changed.send(sender=None, project_id=project_id)
