"""Deadline reminders, found by a scan that Celery beat runs every few minutes (no long countdowns).

Each reminder is an OutgoingEmail whose key names its kind, project and recipient, so the database
refuses a second one: two scans at once, or a retried task, send it once. Every due time is computed
from the project's closing date as it is now, so when a closing date moves, the reminders follow."""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone

from accounts.models import User
from mail.models import OutgoingEmail
from mail.services import email_queue
from projects.models import Project

from . import rules
from .models import DeadlineExtension, Nomination

Status = Nomination.Status
DAY = datetime.timedelta(days=1)
# Days before the closing date when NPO officers are reminded. A reminder is due from its day until the
# next one's; a scan that missed a whole window (beat was down for days) skips it rather than send late.
NPO_REMINDER_DAYS = (14, 7, 3, 1)
SECRETARIAT_SUMMARY_WINDOW = 3 * DAY
PARTICIPANT_DAYS_BEFORE = 2


@dataclass
class DueReminder:
    kind: str
    project: Project
    to: str
    recipient: str  # "user:12" or "nomination:34": who, for the key
    subject: str
    template: str
    context: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"reminder:{self.kind}:{self.project.pk}:{self.recipient}"


def _npo_window(now, closes_at) -> int | None:
    """Which NPO reminder (days before closing) is due now, if any."""
    for days, next_days in zip(NPO_REMINDER_DAYS, (*NPO_REMINDER_DAYS[1:], 0), strict=True):
        if closes_at - days * DAY <= now < closes_at - next_days * DAY:
            return days
    return None


def _npo_reminders(now) -> list[DueReminder]:
    horizon = now + NPO_REMINDER_DAYS[0] * DAY
    projects = list(
        Project.objects.filter(status=Project.Status.PUBLISHED)
        .filter(
            Q(nomination_closes_at__gt=now, nomination_closes_at__lte=horizon)
            | Q(extensions__closes_at__gt=now, extensions__closes_at__lte=horizon)
        )
        .distinct()
        .prefetch_related("participating_economies")
    )
    if not projects:
        return []
    extensions = {
        (e.project_id, e.economy_id): e.closes_at for e in DeadlineExtension.objects.filter(project__in=projects)
    }
    counts = {
        (row["project_id"], row["economy_id"]): row
        for row in Nomination.objects.filter(project__in=projects)
        .values("project_id", "economy_id")
        .annotate(
            submitted=Count("id", filter=~Q(status__in=[Status.DRAFT, Status.WITHDRAWN])),
            drafts=Count("id", filter=Q(status=Status.DRAFT)),
        )
    }
    # After "closes in 3 days", never "closes in 7 days", even if the date moved: the officer was told it is close.
    told: dict[tuple[int, int], int] = {}
    for key in OutgoingEmail.objects.filter(project__in=projects, key__startswith="reminder:npo-").values_list(
        "key", flat=True
    ):
        _, kind, project_id, recipient = key.split(":", 3)
        pair = (int(project_id), int(recipient.removeprefix("user:")))
        told[pair] = min(told.get(pair, 99), int(kind.removeprefix("npo-").removesuffix("d")))
    officers: dict[int, list[User]] = {}
    for officer in User.objects.filter(role=User.Role.NPO_OFFICER, is_active=True).select_related("npo__economy"):
        officers.setdefault(officer.npo.economy_id, []).append(officer)
    due = []
    for project in projects:
        for economy in project.participating_economies.all():
            closes_at = rules.economy_closes_at(
                project_closes_at=project.nomination_closes_at,
                extension_closes_at=extensions.get((project.pk, economy.pk)),
            )
            days = _npo_window(now, closes_at)
            if days is None:
                continue
            tally = counts.get((project.pk, economy.pk), {"submitted": 0, "drafts": 0})
            limit = project.per_economy_limit
            if (limit is not None and tally["submitted"] >= limit) or (limit is None and tally["submitted"] > 0):
                continue  # the economy has nominated enough
            left = math.ceil((closes_at - now) / DAY)
            for officer in officers.get(economy.pk, []):
                if told.get((project.pk, officer.pk), 99) < days:
                    continue
                due.append(
                    DueReminder(
                        kind=f"npo-{days}d",
                        project=project,
                        to=officer.email,
                        recipient=f"user:{officer.pk}",
                        subject=f"APO {project.code}: nominations close in {left} day{'s' if left != 1 else ''}",
                        template="nominations/email/reminder_npo.txt",
                        context={
                            "officer": officer,
                            "economy": economy,
                            "days": left,
                            "closes_at": closes_at,
                            "submitted": tally["submitted"],
                            "drafts": tally["drafts"],
                            "limit": limit,
                            "zone": officer.time_zone,
                        },
                    )
                )
    return due


def _secretariat_summaries(now) -> list[DueReminder]:
    projects = list(
        Project.objects.filter(
            status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED],
            nomination_closes_at__lte=now,
            nomination_closes_at__gt=now - SECRETARIAT_SUMMARY_WINDOW,
        )
    )
    if not projects:
        return []
    per_project: dict[int, list[dict]] = {}
    for row in (
        Nomination.objects.filter(project__in=projects)
        .exclude(status=Status.WITHDRAWN)
        .values("project_id", "economy__name")
        .annotate(
            submitted=Count("id", filter=~Q(status=Status.DRAFT)), drafts=Count("id", filter=Q(status=Status.DRAFT))
        )
        .order_by("project_id", "economy__name")
    ):
        per_project.setdefault(row["project_id"], []).append(row)
    staff = list(User.objects.filter(role=User.Role.SECRETARIAT, is_active=True))
    due = []
    for project in projects:
        rows = per_project.get(project.pk, [])
        submitted = sum(row["submitted"] for row in rows)
        due.extend(
            DueReminder(
                kind="secretariat-closed",
                project=project,
                to=user.email,
                recipient=f"user:{user.pk}",
                subject=f"APO {project.code}: nominations closed; {submitted} submitted",
                template="nominations/email/reminder_secretariat.txt",
                context={"user": user, "rows": rows, "zone": user.time_zone},
            )
            for user in staff
        )
    return due


def _participant_programs(now) -> list[DueReminder]:
    projects = list(
        Project.objects.exclude(status__in=[Project.Status.DRAFT, Project.Status.CANCELLED])
        .annotate(first_session=Min("sessions__starts_at"))
        .filter(first_session__gt=now, first_session__lte=now + PARTICIPANT_DAYS_BEFORE * DAY)
        .prefetch_related("sessions")
    )
    due = []
    for project in projects:
        for nomination in project.nominations.filter(status=Status.SELECTED).select_related("participant", "economy"):
            person = nomination.participant
            due.append(
                DueReminder(
                    kind="participant-program",
                    project=project,
                    to=person.email if person else nomination.email,
                    recipient=f"nomination:{nomination.pk}",
                    subject=f"APO {project.code} starts soon: your program",
                    template="nominations/email/reminder_participant.txt",
                    context={
                        "nomination": nomination,
                        "sessions": list(project.sessions.all()),
                        "zone": person.time_zone if person else nomination.economy.time_zone,
                    },
                )
            )
    return due


def reminders_due(*, now: datetime.datetime | None = None, include_sent: bool = False) -> list[DueReminder]:
    """Every reminder due now that has not been sent (or all due ones, with include_sent)."""
    now = now or timezone.now()
    due = _npo_reminders(now) + _secretariat_summaries(now) + _participant_programs(now)
    if include_sent or not due:
        return due
    sent = set(OutgoingEmail.objects.filter(key__in=[r.key for r in due]).values_list("key", flat=True))
    return [reminder for reminder in due if reminder.key not in sent]


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Queue every due reminder once; returns how many were new. Safe to run twice at once."""
    sent = 0
    for reminder in reminders_due(now=now):
        sent += email_queue(
            key=reminder.key,
            to=reminder.to,
            subject=reminder.subject,
            template=reminder.template,
            context={"project": reminder.project, **reminder.context},
            project=reminder.project,
        )
    return sent
