"""Every write to projects and their programs. Each runs in one transaction and leaves an audit entry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from audit.services import audit_log
from audit.transitions import transition

from . import rules
from .changes import project_records_changed_on_commit
from .models import Project, Session

Status = Project.Status


class ProjectTransitionError(ValidationError):
    pass


def _as_audit_value(value):
    if isinstance(value, FieldFile):
        return value.name or ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _apply(project: Project, data: dict) -> dict:
    """Set `data` on `project`; return {field: [old, new]} for what changed."""
    changes = {}
    for field, new in data.items():
        if field == "notification_document":
            if new is None:  # no new upload: keep the file
                continue
            if new is False:  # "clear" ticked
                new = ""
        old = getattr(project, field, None)  # None for a relation a new project does not have yet
        if _as_audit_value(old) != _as_audit_value(new):
            setattr(project, field, new)
            changes[field] = [_as_audit_value(old), _as_audit_value(getattr(project, field))]
    return changes


@transaction.atomic
def project_create(*, actor, data: dict, participating_economies, draft_program: list[dict] = ()) -> Project:
    """Create a draft project, with `draft_program`'s days ({"day": n, "topics": [...]}, read from its
    notification) as sessions to be timed later. Side effects: audit entry `projects.project.created`."""
    project = Project(status=Status.DRAFT)
    _apply(project, data)
    project.full_clean()
    project.save()
    project.participating_economies.set(participating_economies)
    sessions = [_draft_session(project, day) for day in draft_program if day["day"] <= project.duration_days]
    if sessions:
        Session.objects.bulk_create(sessions)
        project_records_changed_on_commit(project.pk)  # "attended every session" counts the sessions
    audit_log(
        actor=actor,
        action="projects.project.created",
        target=project,
        changes={"sessions from the notification": len(sessions)} if sessions else None,
    )
    return project


# A notification gives the program's days and topics, not its hours: "around three hours" a day is usual.
DRAFT_SESSION_HOURS = (datetime.time(9), datetime.time(12))


def _draft_session(project: Project, day: dict) -> Session:
    date = project.start_date + datetime.timedelta(days=day["day"] - 1)
    starts, ends = (datetime.datetime.combine(date, time, tzinfo=project.zone) for time in DRAFT_SESSION_HOURS)
    return Session(
        project=project,
        title=f"Day {day['day']}",
        topics="\n".join(day["topics"]),
        starts_at=starts,
        ends_at=ends,
    )


@transaction.atomic
def project_update(*, project: Project, actor, data: dict, participating_economies) -> Project:
    """Change a project's fields. Side effects: audit entry `projects.project.updated` with old and new values."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    changes = _apply(locked, data)
    if changes:
        locked.full_clean()
        locked.save()
    old_economies = set(locked.participating_economies.values_list("code", flat=True))
    new_economies = {e.code for e in participating_economies}
    if old_economies != new_economies:
        locked.participating_economies.set(participating_economies)
        changes["participating_economies"] = [sorted(old_economies), sorted(new_economies)]
    if changes:
        audit_log(actor=actor, action="projects.project.updated", target=locked, changes=changes)
    return locked


@transaction.atomic
def project_transition(*, project: Project, actor, to: str, note: str = "") -> Project:
    """Move a project to status `to` along `rules.PROJECT_TRANSITIONS`.

    Side effects: audit entry `projects.project.<status>`; `published_at` is set on first publication.
    Returns quietly when the project is already in `to`.
    """

    def refusal(locked: Project) -> ProjectTransitionError:
        return ProjectTransitionError(
            f"A {locked.get_status_display().lower()} project cannot be made {Status(to).label.lower()}."
        )

    def prepare(locked: Project) -> list[str]:
        if to == Status.PUBLISHED and not locked.participating_economies.exists():
            raise ProjectTransitionError("Choose at least one participating economy before publishing.")
        if to == Status.CANCELLED and not note.strip():
            raise ProjectTransitionError("Give the reason for cancelling; NPOs will read it.")
        if to == Status.PUBLISHED and locked.published_at is None:
            locked.published_at = timezone.now()
            return ["published_at"]
        return []

    return transition(
        project,
        to=to,
        actor=actor,
        action=f"projects.project.{to}",
        allowed=lambda locked: rules.PROJECT_TRANSITIONS[locked.status],
        refusal=refusal,
        prepare=prepare,
        note=note,
    )


def project_publish(*, project: Project, actor) -> Project:
    return project_transition(project=project, actor=actor, to=Status.PUBLISHED)


def project_cancel(*, project: Project, actor, reason: str) -> Project:
    return project_transition(project=project, actor=actor, to=Status.CANCELLED, note=reason)


@transaction.atomic
def program_save(*, project: Project, actor, formset) -> None:
    """Save the edited program (a validated session formset).

    Side effects: audit entry `projects.program.updated` listing added, changed and removed sessions.
    """
    # Lock the project so that two officers editing the program at once are applied one after the other.
    Project.objects.select_for_update().get(pk=project.pk)
    formset.save()
    project_records_changed_on_commit(project.pk)  # "attended every session" depends on the sessions
    added = [session.title for session in formset.new_objects]
    changed = [session.title for session, _fields in formset.changed_objects]
    removed = [session.title for session in formset.deleted_objects]
    if added or changed or removed:
        audit_log(
            actor=actor,
            action="projects.program.updated",
            target=project,
            changes={"added": added, "changed": changed, "removed": removed},
        )
