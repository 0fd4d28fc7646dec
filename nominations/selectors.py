"""Reads of nominations that depend on who is asking. Views reach nominations only through these, so
that anyone who may not see a record gets 404 (PRODUCT.md rule 8)."""

import uuid
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Cast, Now
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Economy, User
from audit.models import AuditEntry
from common.db import Bounded, bounded, count_of
from common.zones import secretariat_date
from mail.models import OutgoingEmail
from mail.selectors import OutboxProgress, outbox_progress
from projects.models import Project

from . import rules
from .models import DECISIONS, SEEN_AS_THEY_ARE, Attachment, DeadlineExtension, Nomination

Status = Nomination.Status


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """Secretariat: every nomination but the NPOs' drafts. NPO officer: their economy's. Participant: their
    own. Others: none."""
    nominations = Nomination.objects.select_related("project", "economy")
    if not user.is_authenticated:
        return nominations.none()
    if user.is_secretariat:
        return nominations.exclude(status=Status.DRAFT)
    if user.is_npo_officer:
        return nominations.filter(economy_id=user.economy_id)
    if user.is_participant:
        return nominations.filter(participant=user)
    return nominations.none()


def nomination_get_for_viewer(*, user, pk) -> Nomination:
    return get_object_or_404(nominations_visible_to(user), pk=pk)


OPEN_PROJECT_FIELDS = (
    "code",
    "title",
    "project_type",
    "modality",
    "start_date",
    "end_date",
    "time_zone",
    "per_economy_limit",
    "nomination_closes_at",
    "required_documents",  # the NPO home counts the nominations that lack one
)


def projects_of_participant(user) -> QuerySet[Project]:
    """The projects a participant was selected for, newest first."""
    return (
        Project.objects.filter(nominations__participant=user, nominations__status=Status.SELECTED)
        .exclude(status=Project.Status.DRAFT)
        .select_related("hosting_economy")
        .distinct()
        .order_by("-start_date")
    )


def projects_open_to_economy(economy: Economy) -> QuerySet[Project]:
    """Published projects the economy participates in that it may still nominate for, each annotated with
    the economy's own closing instant (`closes_at`), its extension's (`extension_closes_at`, None without
    one) and its count of nominations by status."""
    mine = Nomination.objects.filter(project=OuterRef("pk"), economy=economy)
    extension = DeadlineExtension.objects.filter(project=OuterRef("pk"), economy=economy)  # one at most
    return (
        Project.objects.filter(rules.nominations_open_q(economy.pk), participating_economies=economy)
        # What the NPO home and the NPO's reports show of each: not the long texts of the notification.
        .only(*OPEN_PROJECT_FIELDS)
        .annotate(
            closes_at=rules.economy_closes_at_expression(economy.pk),
            extension_closes_at=Subquery(extension.values("closes_at")),
            submitted_count=count_of(mine.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN]), "project"),
            draft_count=count_of(mine.filter(status=Status.DRAFT), "project"),
        )
        .order_by("nomination_closes_at", "code")
    )


def economy_nominations(*, project: Project, economy_id: int) -> QuerySet[Nomination]:
    """One economy's nominations for a project in the NPO's order of priority; withdrawn ones last. Each
    has `document_kinds`, the kinds of document it holds (for the checklist of what it lacks), read in one
    query more for the whole list."""
    return (
        Nomination.objects.filter(project=project, economy_id=economy_id)
        .annotate(attachment_count=Count("attachments"))
        .annotate(is_withdrawn=Case(When(status=Status.WITHDRAWN, then=1), default=0))
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.only("pk", "nomination_id", "kind"), to_attr="held")
        )
        .order_by("is_withdrawn", "priority_rank", "id")
    )


# ---------------------------------------------------------------- a candidate nominated before
#
# An officer may start a nomination from a candidate their economy nominated for an earlier project, and
# sees that candidate's APO history. Every read here starts from `nominations_visible_to(user)`, so an
# officer reaches only their own economy's candidates: another economy's id is a 404, its people never
# appear in a search.

EARLIER_CANDIDATES_SHOWN = 10


def nomination_made_with_form(*, user, project: Project, token: uuid.UUID | None) -> Nomination | None:
    """The nomination the officer's economy made for `project` with the one-time form token `token`, if any."""
    if not token or user.economy_id is None:
        return None
    return Nomination.objects.filter(project=project, economy_id=user.economy_id, form_token=token).first()


def earlier_candidates(*, user, query: str, project: Project) -> list[Nomination]:
    """Candidates the officer's economy nominated for other projects whose name or e-mail contains
    `query` (two characters at least), the latest nomination of each person (by e-mail), newest first."""
    query = " ".join(query.split())
    if len(query) < 2 or "\x00" in query or not user.is_npo_officer:  # no name or address holds a NUL
        return []
    found = (
        nominations_visible_to(user)
        .filter(economy_id=user.economy_id)
        .exclude(project=project)
        .filter(Q(full_name__icontains=query) | Q(email__icontains=query))
        .order_by("-created_at", "-id")
    )
    people: dict[str, Nomination] = {}
    for nomination in found[: EARLIER_CANDIDATES_SHOWN * 5]:
        people.setdefault(nomination.email, nomination)
    return list(people.values())[:EARLIER_CANDIDATES_SHOWN]


def earlier_nomination_get(*, user, pk) -> Nomination:
    """An earlier nomination of the officer's own economy to start from, with its attachments; 404 for
    any other (another economy's, a made-up id)."""
    if not user.is_npo_officer or not str(pk).isascii() or not str(pk).isdigit():
        raise Http404
    return get_object_or_404(
        nominations_visible_to(user).filter(economy_id=user.economy_id).prefetch_related("attachments"), pk=pk
    )


def candidate_history(*, user, email: str, exclude_pk: int | None = None) -> QuerySet[Nomination]:
    """The candidate's APO history as `user` may see it: their nominations (by exact e-mail) for every
    project, newest first, each with its valid certificate if one is issued (`certificate_pk`,
    `certificate_serial`). An officer sees only their own economy's (`nominations_visible_to`)."""
    valid = Q(certificates__revoked_at__isnull=True, certificates__rendered_at__isnull=False)
    history = (
        nominations_visible_to(user)
        .filter(email=email)
        .annotate(
            certificate_pk=Max("certificates__pk", filter=valid),
            certificate_serial=Max("certificates__serial", filter=valid),
        )
        .order_by("-project__start_date", "-id")
    )
    if exclude_pk is not None:
        history = history.exclude(pk=exclude_pk)
    return history


def review_scope(
    *, project: Project, economy=None, status="", gender="", organization_type="", q=""
) -> QuerySet[Nomination]:
    """The nominations the review's filters leave, unordered: the list shows them, and a bulk decision
    applies only to ids among them. `q` is found in the candidate's name, organization or e-mail."""
    nominations = Nomination.objects.filter(project=project).exclude(
        status=Status.DRAFT  # an NPO's drafts are its own until submitted
    )
    if economy:
        nominations = nominations.filter(economy=economy)
    if status:
        nominations = nominations.filter(status=status)
    if gender:
        nominations = nominations.filter(gender=gender)
    if organization_type:
        nominations = nominations.filter(organization_type=organization_type)
    for word in q.split():
        nominations = nominations.filter(
            Q(full_name__icontains=word) | Q(organization__icontains=word) | Q(email__icontains=word)
        )
    return nominations


def review_nominations(*, project: Project, **filters) -> QuerySet:
    """The nominations of the review table, as rows (named tuples) of the columns it shows, with the
    economy's name and how many of the documents the project requires each holds (`rules.required_documents`;
    one attachment per kind). Not model instances, and not the long texts (education, experience,
    expectations): a page holds 100 of them. `filters` are `review_scope`'s."""
    nominations = review_scope(project=project, **filters)
    attachments = count_of(
        Attachment.objects.filter(nomination=OuterRef("pk"), kind__in=rules.required_documents(project)), "nomination"
    )
    return (
        # A subquery, not a join and GROUP BY: the paginator's COUNT then leaves it out.
        nominations.annotate(economy_name=F("economy__name"), attachment_count=attachments)
        .order_by("economy__name", "priority_rank", "id")
        .values_list(
            "pk",
            "economy_name",
            "priority_rank",
            "full_name",
            "designation",
            "organization",
            "organization_type",
            "is_overseas",
            "gender",
            "status",
            "attachment_count",
            named=True,
        )
    )


def deadline_extensions(project: Project) -> QuerySet:
    """The economies granted an extension, and until when, as rows (`economy_name`, `closes_at`)."""
    return (
        project.extensions.annotate(economy_name=F("economy__name"))
        .order_by("economy__name")
        .values_list("economy_name", "closes_at", named=True)
    )


QUOTA_COUNTS = ("nominated", "selected", "waitlisted", "selected_overseas", "selected_local")


def quota_summary(project: Project) -> dict:
    """Per economy and in total: nominated, selected and wait-listed against the limits, in one query.

    The query counts by economy, status and origin, and the counts are added up here: five filtered counts
    per economy took the ORM longer to build than PostgreSQL took to answer, on every review page."""
    counts = (
        Nomination.objects.filter(project=project)
        .values_list("economy_id", "economy__name", "economy__code", "status", "is_overseas")
        .annotate(count=Count("id"))
        .order_by("economy__name")
    )
    economies: dict[int, dict] = {}
    for economy_id, name, code, status, is_overseas, count in counts:
        row = economies.get(economy_id)
        if row is None:
            row = economies[economy_id] = {"economy__name": name, "economy__code": code, "economy_id": economy_id}
            row |= dict.fromkeys(QUOTA_COUNTS, 0)
        if status not in (Status.DRAFT, Status.WITHDRAWN):
            row["nominated"] += count
        if status == Status.SELECTED:
            row["selected"] += count
            row["selected_overseas" if is_overseas else "selected_local"] += count
        elif status == Status.WAITLISTED:
            row["waitlisted"] += count
    rows = [row for row in economies.values() if row["nominated"] or row["selected"]]
    limit = project.per_economy_limit
    for row in rows:
        row["limit"] = limit
        row["full"] = limit is not None and row["selected"] >= limit
    totals = {key: sum(row[key] for row in rows) for key in QUOTA_COUNTS}
    return {
        "economies": rows,
        "totals": totals,
        "overseas_left": project.overseas_participants - totals["selected_overseas"],
        "local_left": project.local_participants - totals["selected_local"],
    }


@dataclass(frozen=True)
class BulkForecast:
    """What a bulk decision on the chosen nominations would do, as far as the rules can tell before it is
    taken: shown on the confirmation page. The service decides again under the project's lock and has the
    last word (another officer may decide meanwhile)."""

    to: str
    ids: list[int]  # the chosen nominations in the scope, in the order the service takes them
    economies: list[dict]  # per economy: name, chosen, selected now, limit
    changes: int  # moves the rules allow and the quotas leave room for
    already: int  # already in that status: nothing to do
    not_allowed: list[str]  # "Name: a rejected nomination cannot be wait-listed"
    over_quota: list[str]  # "Name (Sri Lanka): the limit is 2 per economy"

    @property
    def count(self) -> int:
        return len(self.ids)


def bulk_decision_forecast(*, project: Project, scope: QuerySet[Nomination], ids, to: str) -> BulkForecast:
    """The chosen `ids` that are in `scope` (a `review_scope`), and what deciding `to` would do to each, in
    the service's order (the NPOs' priority within each economy), counting the seats each selection takes.
    Two queries, whatever the number chosen."""
    chosen = list(
        scope.filter(pk__in=list(ids))
        .order_by("economy__name", "priority_rank", "id")
        .values_list("pk", "full_name", "economy_id", "economy__name", "status", "is_overseas", named=True)
    )
    summary = quota_summary(project)
    selected = {row["economy_id"]: row["selected"] for row in summary["economies"]}
    taken = {True: summary["totals"]["selected_overseas"], False: summary["totals"]["selected_local"]}
    limits = {True: (project.overseas_participants, "overseas"), False: (project.local_participants, "local")}
    economies: dict[int, dict] = {}
    changes = already = 0
    not_allowed, over_quota = [], []
    for n in chosen:
        row = economies.setdefault(
            n.economy_id,
            {"name": n.economy__name, "chosen": 0, "selected": selected.get(n.economy_id, 0)},
        )
        row["chosen"] += 1
        if n.status == to:
            already += 1
            continue
        if to not in rules.SECRETARIAT_TRANSITIONS.get(n.status, frozenset()) or to == Status.WITHDRAWN:
            not_allowed.append(f"{n.full_name}: a {Status(n.status).label.lower()} nomination")
            continue
        if to == Status.SELECTED:
            limit, kind = limits[n.is_overseas]
            per_economy = project.per_economy_limit
            if per_economy is not None and selected.get(n.economy_id, 0) >= per_economy:
                over_quota.append(f"{n.full_name} ({n.economy__name}): the limit is {per_economy} per economy")
                continue
            if taken[n.is_overseas] >= limit:
                over_quota.append(f"{n.full_name} ({n.economy__name}): all {limit} {kind} places are taken")
                continue
            selected[n.economy_id] = selected.get(n.economy_id, 0) + 1
            taken[n.is_overseas] += 1
        changes += 1
    for row in economies.values():
        row["limit"] = project.per_economy_limit
    return BulkForecast(
        to=to,
        ids=[n.pk for n in chosen],
        economies=list(economies.values()),
        changes=changes,
        already=already,
        not_allowed=not_allowed,
        over_quota=over_quota,
    )


def promotion_suggestions(project: Project, summary: dict | None = None) -> list[Nomination]:
    """For each economy with a free seat, its first wait-listed candidate by NPO rank who is waiting for
    a seat: one wait-listed before a selected participant last withdrew.

    Shown after a selected participant withdraws, so the Secretariat can promote the next in line. A
    candidate the Secretariat wait-listed since then was put there by a decision taken with the seats in
    view (moving selected people to the wait list frees their own seats), so they are not offered back.
    Pass the page's `quota_summary` if it has one, to spare the query. Each suggestion holds only what is
    shown of it (name, economy, rank): not the long texts of every wait-listed candidate."""
    summary = summary or quota_summary(project)
    has_overseas = summary["overseas_left"] > 0
    has_local = summary["local_left"] > 0
    full = {row["economy_id"] for row in summary["economies"] if row["full"]}
    candidates, seen = [], set()
    waiting = (
        Nomination.objects.filter(project=project, status=Status.WAITLISTED)
        .select_related("economy")
        .only("full_name", "priority_rank", "is_overseas", "economy__code", "economy__name")
    )
    for nomination in waiting.order_by("economy__name", "priority_rank", "id"):
        if nomination.economy_id in full:
            continue
        if (nomination.is_overseas and has_overseas) or (not nomination.is_overseas and has_local):
            candidates.append(nomination)
    if not candidates:
        return []
    waitlisted_at = _last_entry_ids(
        Nomination.objects.filter(pk__in=[n.pk for n in candidates]), action="nominations.nomination.waitlisted"
    )
    freed_at = max(
        _last_entry_ids(
            Nomination.objects.filter(project=project, status=Status.WITHDRAWN),
            action="nominations.nomination.withdrawn",
            changes__status__0=Status.SELECTED,
        ).values(),
        default=0,
    )
    suggestions = []
    for nomination in candidates:
        if nomination.economy_id in seen or waitlisted_at.get(nomination.pk, 0) > freed_at:
            continue
        suggestions.append(nomination)
        seen.add(nomination.economy_id)
    return suggestions


def _last_entry_ids(nominations: QuerySet[Nomination], *, action: str, **lookups) -> dict[int, int]:
    """The id of the last audit entry of `action` on each of `nominations` that has one: ids are in the
    order the entries were written, which timestamps written in one instant are not."""
    ids = nominations.annotate(key=Cast("pk", CharField())).values("key")
    entries = (
        AuditEntry.objects.filter(target_type=Nomination._meta.label_lower, target_id__in=ids, action=action, **lookups)
        .values_list("target_id")
        .annotate(last=Max("id"))
        .order_by()
    )
    return {int(target_id): last for target_id, last in entries}


def nomination_history(nomination: Nomination, *, user) -> list[AuditEntry]:
    """What was done to the nomination, oldest first, as `user` may know it. Each entry has `status_change`:
    (old, new) statuses, or None.

    The Secretariat reads everything. Anyone else reads a decision (or a reinstatement) only once it was
    announced (PRODUCT.md rules 4 and 11): after the last announcement the NPO was told nothing, so a
    later decision is left out, and a later move away from it (a withdrawal) reads as a move from the
    status the NPO saw."""
    entries = list(
        AuditEntry.objects.filter(target_type=Nomination._meta.label_lower, target_id=str(nomination.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    seen = []
    for entry in entries:
        change = entry.changes.get("status") if isinstance(entry.changes, dict) else None
        entry.status_change = tuple(change) if change else None
        announced = nomination.announced_at is not None and entry.created_at <= nomination.announced_at
        if change and not user.is_secretariat and not announced:
            old, new = change
            was_seen = old in SEEN_AS_THEY_ARE
            if new in DECISIONS or (new == Status.SUBMITTED and not was_seen):
                continue  # a decision, or the undoing of one, not announced yet
            if not was_seen:
                entry.status_change = (nomination.announced_status or Status.SUBMITTED, new)
        seen.append(entry)
    return seen


def selected_with_existing_accounts(project: Project) -> list[dict]:
    """Each selected candidate not yet linked to an account whose exact (normalized) address already has
    one, with whose account it is: announcing links a participant's account (and sends staff or an NPO
    officer an invitation to the address they log in with), so the Secretariat sees it first (PRODUCT.md
    rule 10). One query when there are none, three otherwise, whatever the size."""
    nominations = list(
        Nomination.objects.filter(project=project, status=Nomination.Status.SELECTED, participant__isnull=True)
        .filter(Exists(User.objects.filter(email=OuterRef("email"))))
        .select_related("economy")
        .order_by("economy__name", "full_name", "id")
    )
    if not nominations:
        return []  # one query on the review page, as usual
    accounts = {
        user.email: user
        for user in User.objects.filter(email__in=[n.email for n in nominations]).select_related("npo__economy")
    }
    other_projects = dict(
        Nomination.objects.filter(participant__in=accounts.values())
        .exclude(project=project)
        .values_list("participant")
        .annotate(count=Count("project", distinct=True))
        .values_list("participant", "count")
    )
    return [
        {"nomination": n, "account": accounts[n.email], "other_projects": other_projects.get(accounts[n.email].pk, 0)}
        for n in nominations
    ]


# ---------------------------------------------------------------- what the home pages gather


def required_attachment_kinds(project: Project) -> frozenset[str]:
    """The documents a nomination for `project` must carry before it counts as complete: the project's own
    choice (`rules.required_documents`)."""
    return frozenset(rules.required_documents(project))


def nominations_lacking_documents(*, economy_id: int, projects: list[Project]) -> dict[int, int]:
    """For each of `projects`, how many of the economy's nominations the NPO is still preparing or that are
    under review (a draft, or seen as submitted: rule 11) lack a required document. One query."""
    if not projects:
        return {}
    preparing = rules.npo_seen_as_q(Status.DRAFT) | rules.npo_seen_as_q(Status.SUBMITTED)
    kinds: dict[tuple[int, int], set[str]] = {}
    rows = (
        Nomination.objects.filter(preparing, economy_id=economy_id, project__in=[p.pk for p in projects])
        .values_list("project_id", "pk", "attachments__kind")
        .order_by()
    )
    for project_id, pk, kind in rows:
        kinds.setdefault((project_id, pk), set()).add(kind)
    required = {project.pk: required_attachment_kinds(project) for project in projects}
    lacking = dict.fromkeys(required, 0)
    for (project_id, _pk), held in kinds.items():
        if required[project_id] - held:
            lacking[project_id] += 1
    return lacking


def _economy_projects(economy_id: int, mine: Q) -> QuerySet[Project]:
    """Projects (not drafts, not cancelled) in which the economy has a nomination matching `mine`."""
    return Project.objects.filter(
        Exists(Nomination.objects.filter(mine, project=OuterRef("pk"), economy_id=economy_id)),
        status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED, Project.Status.COMPLETED],
    ).only(*OPEN_PROJECT_FIELDS)


def projects_under_review_for_economy(economy_id: int, *, limit: int) -> Bounded:
    """Projects closed to the economy in which some of its nominations are under review (no result
    announced to it yet), soonest to start first, each with `under_review` (how many)."""
    under_review = rules.npo_seen_as_q(Status.SUBMITTED)
    mine = Nomination.objects.filter(under_review, project=OuterRef("pk"), economy_id=economy_id)
    projects = (
        _economy_projects(economy_id, under_review)
        .exclude(rules.nominations_open_q(economy_id))
        .annotate(under_review=count_of(mine, "project"))
        .order_by("start_date", "code")
    )
    return bounded(projects, limit)


def projects_with_announced_results_for_economy(economy_id: int, *, limit: int) -> Bounded:
    """Projects not yet ended whose results were announced to the economy, soonest to start first, each with
    the economy's announced counts: `selected`, `waitlisted`, `rejected`."""
    announced = Q(announced_at__isnull=False) & ~Q(announced_status="")
    mine = Nomination.objects.filter(project=OuterRef("pk"), economy_id=economy_id)
    counts = {
        status.value: count_of(mine.filter(rules.npo_seen_as_q(status)), "project")
        for status in (Status.SELECTED, Status.WAITLISTED, Status.REJECTED)
    }
    projects = (
        _economy_projects(economy_id, announced)
        .filter(end_date__gte=secretariat_date())
        .annotate(**counts)
        .order_by("start_date", "code")
    )
    return bounded(projects, limit)


def projects_to_review(*, limit: int) -> Bounded:
    """For the Secretariat: projects whose nominations have closed with submitted nominations still to
    decide, soonest to start first, each with `to_review` (how many)."""
    waiting = Nomination.objects.filter(project=OuterRef("pk"), status=Status.SUBMITTED)
    projects = (
        Project.objects.filter(
            Exists(waiting),
            status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED],
            nomination_closes_at__lte=Now(),
        )
        .only(*OPEN_PROJECT_FIELDS)
        .annotate(to_review=count_of(waiting, "project"))
        .order_by("start_date", "code")
    )
    return bounded(projects, limit)


def projects_to_announce(*, limit: int) -> Bounded:
    """For the Secretariat: projects with decisions the NPOs have not been told of (rule 11): a nomination
    decided otherwise than last announced. Soonest to start first, each with `to_announce` (how many)."""
    unannounced = Nomination.objects.filter(project=OuterRef("pk"), status__in=DECISIONS).exclude(
        announced_status=F("status")
    )
    projects = (
        Project.objects.filter(Exists(unannounced), status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED])
        .only(*OPEN_PROJECT_FIELDS)
        .annotate(to_announce=count_of(unannounced, "project"))
        .order_by("start_date", "code")
    )
    return bounded(projects, limit)


def announcement_progress(project: Project) -> OutboxProgress:
    """The e-mails announcing `project`'s results (each NPO officer's outcome, each selected candidate's
    invitation, as `services.project_announce` keys them), from every announcement so far: sent, failed,
    waiting. One query, two when some failed."""
    return outbox_progress(
        OutgoingEmail.objects.filter(project=project).filter(
            Q(key__startswith=f"outcome:{project.pk}:") | Q(key__startswith="invitation:")
        )
    )
