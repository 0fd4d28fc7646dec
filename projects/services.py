"""Every write to projects and their programs. Each runs in one transaction and leaves an audit entry."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.services import audit_log
from audit.transitions import transition
from common.pdf import render_pdf
from common.queue import enqueue
from mail.services import email_queue

from . import rules, tasks  # tasks imports this module back: module imports, so either may load first
from .changes import project_records_changed_on_commit
from .models import PUBLIC_STATUSES, NotificationVersion, Project, Session
from .notifications.printing import content_hash, notification_html

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
        notification_version_request(locked)
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
            first_publication.append(locked)
            return ["published_at"]
        return []

    first_publication: list[Project] = []
    moved = transition(
        project,
        to=to,
        actor=actor,
        action=f"projects.project.{to}",
        allowed=lambda locked: rules.PROJECT_TRANSITIONS[locked.status],
        refusal=refusal,
        prepare=prepare,
        note=note,
    )
    if to == Status.PUBLISHED:
        notification_version_request(moved)
    if first_publication:
        _publication_emails(moved)
    return moved


def _publication_emails(project: Project) -> None:
    """The notification's e-mail to the NPO officers of every participating economy, once per officer:
    what the project is, when nominations close, and where the notification PDF is."""
    officers = User.objects.filter(
        role=Role.NPO_OFFICER, is_active=True, npo__economy__in=project.participating_economies.all()
    ).select_related("npo__economy")
    base = settings.PORTAL_BASE_URL.rstrip("/")
    for officer in officers:
        email_queue(
            key=f"project-published:{project.pk}:{officer.pk}",
            to=officer.email,
            subject=f"APO project notification: {project.title} ({project.code})",
            template="projects/email/published.txt",
            context={
                "officer": officer,
                "economy": officer.npo.economy,
                "project": project,
                "zone": officer.time_zone,
                "project_url": base + reverse("projects:detail", args=[project.code]),
                "notification_url": base + reverse("projects:notification", args=[project.code]),
            },
            project=project,
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
        notification_version_request(project)


# --- the notification PDF the portal prints ------------------------------------------------------------------


def notification_version_request(project: Project) -> None:
    """Ask for the notification of a public project to be printed (again), after the caller's transaction
    commits. At most one request waits per project; printing compares what the project says now with the
    last version, so asking when nothing printed has changed costs a comparison, not a version."""
    if project.status not in PUBLIC_STATUSES:
        return
    try:
        with transaction.atomic():  # a savepoint: a request already waiting must not spoil the caller's work
            version = NotificationVersion.objects.create(project=project)
    except IntegrityError:
        return  # one is waiting already; it will print what the project says when it runs
    transaction.on_commit(lambda: enqueue(tasks.print_notification, version.pk))


def notification_version_print(*, version_id: int) -> NotificationVersion | None:
    """Print a pending version: the PDF of what the project says now, numbered after the last printed one;
    or, if that says the same, nothing (the request is removed). Idempotent: a version no longer pending
    (printed by another worker, or removed) is left alone."""
    with transaction.atomic():
        version = (
            NotificationVersion.objects.select_for_update(skip_locked=True)
            .filter(pk=version_id, status=NotificationVersion.Status.PENDING)
            .select_related("project__hosting_economy")
            .first()
        )
        if version is None:
            return None
        project = version.project
        digest = content_hash(project)
        last = project.notification_versions.filter(status=NotificationVersion.Status.PRINTED).first()
        if last and last.content_sha256 == digest:
            version.delete()
            return None
        number = (last.number if last else 0) + 1
        printed_at = timezone.now()
        pdf = render_pdf(notification_html(project, version=number, printed_at=printed_at))
        version.pdf.save(f"{project.code}-notification-v{number}.pdf", ContentFile(pdf), save=False)
        version.status = NotificationVersion.Status.PRINTED
        version.number, version.printed_at, version.content_sha256, version.size = number, printed_at, digest, len(pdf)
        version.attempts += 1
        version.error = ""
        version.save()
        return version


def notification_version_failed(*, version_id: int, error: str, final: bool) -> None:
    """Record a failed attempt; the last one marks the version failed (shown to the Secretariat), so that
    the next change of the project asks again."""
    changes = {"attempts": models.F("attempts") + 1, "error": error[:2000]}
    if final:
        changes["status"] = NotificationVersion.Status.FAILED
    NotificationVersion.objects.filter(pk=version_id, status=NotificationVersion.Status.PENDING).update(**changes)


def notification_versions_pending_overdue(*, older_than=datetime.timedelta(minutes=1)) -> list[int]:
    return list(
        NotificationVersion.objects.filter(
            status=NotificationVersion.Status.PENDING, requested_at__lt=timezone.now() - older_than
        ).values_list("pk", flat=True)[:500]
    )
