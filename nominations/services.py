"""Every write to nominations: creation, edits, the status machine, decisions within quotas, ranking,
extensions, attachments and the announcement. Each runs in one transaction with its audit entry.

Lock order, everywhere: the project row first, then nomination rows. Every decision that can take a
seat holds the project's lock while it counts, so two officers deciding at once are serialised and
selection never exceeds a limit (PRODUCT.md rule 3)."""

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.email_address import InvalidEmailAddress, normalize_email
from accounts.invitations import invitation_path
from accounts.models import User
from audit.services import audit_log
from audit.transitions import transition
from mail.services import email_queue
from projects.changes import project_records_changed_on_commit
from projects.models import Project

from . import rules
from .files import UnacceptableFile, display_name, sha256_of, sniff_document_type
from .models import Attachment, DeadlineExtension, Nomination
from .rules import NominationError

Status = Nomination.Status

# What was done, as a message says it.
DONE = {
    Status.SELECTED: "selected",
    Status.WAITLISTED: "wait-listed",
    Status.REJECTED: "rejected",
    Status.SUBMITTED: "reinstated",
    Status.WITHDRAWN: "withdrawn",
}
# Fields an NPO officer fills in; nothing else is taken from a form (no status, economy or rank).
CANDIDATE_FIELDS = [
    "full_name",
    "gender",
    "email",
    "designation",
    "organization",
    "organization_type",
    "education",
    "experience",
    "english_proficiency",
    "expectations",
]


RANKING_FIXED = (
    "The order of priority is fixed: the APO Secretariat has begun selecting. "
    "A candidate nominated now is added at the end."
)


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("hosting_economy").get(pk=project.pk)


def _lock_nomination(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().select_related("economy").get(pk=nomination.pk)


def _seen_label(actor: User, nomination: Nomination) -> str:
    """The status as the actor sees it, for a refusal: never a decision they may not know of yet."""
    return rules.status_label_seen_by(actor, rules.status_seen_by(actor, nomination)).lower()


def _record(*, actor, nomination: Nomination, action: str, changes=None, note="") -> None:
    audit_log(
        actor=actor,
        action=f"nominations.nomination.{action}",
        target=nomination,
        changes=changes,
        note=note,
        economy=nomination.economy,
    )


def _candidate_data(data: dict) -> dict:
    clean = {field: data[field] for field in CANDIDATE_FIELDS if field in data}
    if "email" in clean:
        try:
            clean["email"] = normalize_email(clean["email"])
        except InvalidEmailAddress as error:
            raise NominationError(str(error)) from error
    if "full_name" in clean:
        clean["full_name"] = " ".join(clean["full_name"].split())
    return clean


def _save_checked(nomination: Nomination, **save_kwargs) -> None:
    """Validate (including the one-candidate-per-project constraint) and save. A twin inserted by
    someone else between the check and the save still meets the database constraint."""
    try:
        nomination.full_clean(exclude=["project", "economy", "participant", "created_by"])
        with transaction.atomic():
            nomination.save(**save_kwargs)
            project_records_changed_on_commit(nomination.project_id)  # what the reports count
    except IntegrityError as error:
        raise NominationError("This candidate (same e-mail address) is already nominated for this project.") from error


@transaction.atomic
def nomination_create(
    *,
    actor: User,
    project: Project,
    data: dict,
    submit: bool = False,
    documents: dict | None = None,
    form_token=None,
) -> Nomination:
    """An NPO officer nominates a candidate for their own economy, as a draft or submitted at once, with
    its documents: `documents` maps a kind (`Attachment.Kind`) to an uploaded file, or to an attachment of
    an earlier nomination of the economy to copy (the officer says the candidate still holds it).

    The candidate goes to the end of the economy's priority list; overseas or local follows from the
    economy. Submitting without a document the project requires is refused before anything is written.
    `form_token`: the form's one-time token; a second call with it (a double-clicked submit, which waited
    here for the first one's lock) makes nothing and returns the nomination the first one made.
    Side effects: audit entries `created`, `attachment_uploaded` per document (and `submitted`)."""
    project = _lock_project(project)
    economy_id = actor.economy_id
    rules.ensure_npo_may_nominate(actor, project=project, economy_id=economy_id)
    if form_token is not None:
        made = Nomination.objects.filter(form_token=form_token).first()
        if made is not None and (made.project_id, made.economy_id) == (project.pk, economy_id):
            return made
        if made is not None:  # another's token (only a form altered by hand carries it): no guard for this one
            form_token = None
    documents = documents or {}
    if submit:
        candidate = Nomination(project=project, full_name=_candidate_data(data).get("full_name", ""))
        rules.ensure_documents_for_submission(candidate, present=documents)
    last_rank = (
        Nomination.objects.filter(project=project, economy_id=economy_id)
        .exclude(status=Status.WITHDRAWN)
        .order_by("-priority_rank")
        .values_list("priority_rank", flat=True)
        .first()
    )
    nomination = Nomination(
        project=project,
        economy_id=economy_id,
        status=Status.DRAFT,
        created_by=actor,
        priority_rank=(last_rank or 0) + 1,
        is_overseas=economy_id != project.hosting_economy_id,
        form_token=form_token,
        **_candidate_data(data),
    )
    _save_checked(nomination)
    _record(actor=actor, nomination=nomination, action="created")
    _store_documents(actor=actor, nomination=nomination, documents=documents)
    if submit:
        nomination = nomination_submit(actor=actor, nomination=nomination)
    return nomination


@transaction.atomic
def nomination_update(
    *, actor: User, nomination: Nomination, data: dict, documents: dict | None = None, submit: bool = False
) -> Nomination:
    """An NPO officer corrects a draft or submitted nomination before the closing date, replaces or adds
    documents (`documents` as in `nomination_create`) and, for a draft, may submit it in the same step:
    refused, with nothing changed, if a required document would still be missing.

    Side effects: audit entries `updated` with old and new values, `attachment_uploaded` per document
    (and `submitted`)."""
    project = _lock_project(nomination.project)
    nomination = _lock_nomination(nomination)
    rules.ensure_npo_may_nominate(actor, project=project, economy_id=nomination.economy_id)
    if not rules.npo_may_edit(actor, nomination, is_open=True):
        raise NominationError(f"A {_seen_label(actor, nomination)} nomination cannot be edited.")
    documents = documents or {}
    if submit and nomination.status == Status.DRAFT:
        held = set(nomination.attachments.values_list("kind", flat=True))
        rules.ensure_documents_for_submission(nomination, present=held | set(documents))
    changes = {}
    for field, new in _candidate_data(data).items():
        old = getattr(nomination, field)
        if old != new:
            setattr(nomination, field, new)
            changes[field] = [old, new]
    if changes:
        _save_checked(nomination)
        _record(actor=actor, nomination=nomination, action="updated", changes=changes)
    _store_documents(actor=actor, nomination=nomination, documents=documents)
    if submit and nomination.status == Status.DRAFT:
        nomination = nomination_submit(actor=actor, nomination=nomination)
    return nomination


def _store_documents(*, actor: User, nomination: Nomination, documents: dict) -> None:
    """Each document through `attachment_upload` (its checks of type, size and name), a copy of an earlier
    nomination's attachment as much as a new upload; the earlier one stays as it is."""
    for kind, document in documents.items():
        if isinstance(document, Attachment):
            with _copy_of(actor=actor, attachment=document, kind=kind) as copy:
                attachment_upload(
                    actor=actor, nomination=nomination, kind=kind, uploaded=copy, copied_from=document.nomination_id
                )
        else:
            attachment_upload(actor=actor, nomination=nomination, kind=kind, uploaded=document)


def _copy_of(*, actor: User, attachment: Attachment, kind: str) -> File:
    """The stored file of an attachment of the officer's own economy, to upload again under `kind`."""
    # The view found it through a selector scoped to the officer's economy; the service checks it again,
    # so that no path copies another economy's document.
    if not actor.is_npo_officer or attachment.nomination.economy_id != actor.economy_id:
        raise PermissionDenied("Only a document of your own economy's candidates can be reused.")
    if attachment.kind != kind:
        raise NominationError("A document is reused only as the same kind of document.")
    return File(attachment.file.open("rb"), name=attachment.original_name)


def _move(*, actor, nomination: Nomination, to: str, allowed, refusal, note: str = "", prepare=None) -> Nomination:
    """Move the nomination to `to` if `allowed(row)` has it (else `refusal(row)` is the message), and record
    it; the caller holds the project's lock. `prepare(row)` may refuse after the transition is allowed."""

    def stamp(locked: Nomination) -> list[str]:
        fields = prepare(locked) if prepare else []
        if to == Status.SUBMITTED and locked.submitted_at is None:
            locked.submitted_at = timezone.now()
            fields.append("submitted_at")
        return fields

    return transition(
        nomination,
        to=to,
        actor=actor,
        action=f"nominations.nomination.{to}",
        allowed=allowed,
        refusal=lambda locked: NominationError(refusal(locked)),
        queryset=Nomination.objects.select_related("economy"),
        prepare=stamp,
        save=lambda locked, fields: _save_checked(locked, update_fields=fields),
        note=note,
        economy_of=lambda locked: locked.economy,
    )


@transaction.atomic
def nomination_submit(*, actor: User, nomination: Nomination) -> Nomination:
    """The NPO submits a draft to the Secretariat, only with every document its project requires
    (`rules.ensure_documents_for_submission`). Side effects: audit entry `submitted`."""
    project = _lock_project(nomination.project)
    rules.ensure_npo_may_nominate(actor, project=project, economy_id=nomination.economy_id)

    def with_documents(locked: Nomination) -> list[str]:
        held = locked.attachments.values_list("kind", flat=True)
        rules.ensure_documents_for_submission(locked, present=held)
        return []

    return _move(
        actor=actor,
        nomination=nomination,
        to=Status.SUBMITTED,
        allowed=lambda locked: rules.npo_transitions(actor, locked, is_open=True),
        refusal=lambda locked: f"A {_seen_label(actor, locked)} nomination cannot be submitted.",
        prepare=with_documents,
    )


@transaction.atomic
def nomination_withdraw(*, actor: User, nomination: Nomination, reason: str = "") -> Nomination:
    """Withdraw a candidate. The NPO may until its closing instant; afterwards only the Secretariat
    records a withdrawal (on the NPO's word), with a reason. Side effects: audit entry `withdrawn`."""
    project = _lock_project(nomination.project)

    def allowed(locked: Nomination) -> frozenset[str]:
        if actor.is_secretariat:
            moves = rules.secretariat_transitions(actor, locked)
            if Status.WITHDRAWN in moves and not reason.strip():
                raise NominationError("Give the reason for the withdrawal.")
            return moves
        rules.ensure_npo_may_nominate(actor, project=project, economy_id=locked.economy_id)
        return rules.npo_transitions(actor, locked, is_open=True)

    return _move(
        actor=actor,
        nomination=nomination,
        to=Status.WITHDRAWN,
        allowed=allowed,
        refusal=lambda locked: f"A {_seen_label(actor, locked)} nomination cannot be withdrawn.",
        note=reason,
    )


def _check_capacity(project: Project, nomination: Nomination) -> None:
    """Refuse a selection that would exceed a limit. Call only while holding the project's lock."""
    selected = Nomination.objects.filter(project=project, status=Status.SELECTED).exclude(pk=nomination.pk)
    if project.per_economy_limit is not None:
        taken = selected.filter(economy_id=nomination.economy_id).count()
        if taken >= project.per_economy_limit:
            raise NominationError(
                f"{nomination.economy.name} already has {taken} selected participant{'s' if taken != 1 else ''}: "
                f"the limit is {project.per_economy_limit} per economy."
            )
    if nomination.is_overseas:
        limit, kind = project.overseas_participants, "overseas"
    else:
        limit, kind = project.local_participants, "local"
    taken = selected.filter(is_overseas=nomination.is_overseas).count()
    if taken >= limit:
        raise NominationError(f"All {limit} {kind} places are taken.")


def _decide(*, actor: User, project: Project, nomination: Nomination, to: str, note: str) -> Nomination:
    if nomination.project_id != project.pk:
        raise NominationError("That nomination belongs to another project.")

    def refusal(locked: Nomination) -> str:
        return (
            f"{locked.full_name}: a {locked.get_status_display().lower()} nomination cannot be "
            f"{Status(to).label.lower() if to != Status.SUBMITTED else 'reinstated'}."
        )

    def within_quota(locked: Nomination) -> list[str]:
        if to == Status.SELECTED:
            _check_capacity(project, locked)
        return []

    return _move(
        actor=actor,
        nomination=nomination,
        to=to,
        allowed=lambda locked: rules.secretariat_transitions(actor, locked),
        refusal=refusal,
        prepare=within_quota,
        note=note,
    )


@transaction.atomic
def nomination_decide(*, actor: User, nomination: Nomination, to: str, note: str = "") -> Nomination:
    """The Secretariat selects, wait-lists, rejects or reinstates (back to submitted) one nomination.

    Selection is checked against the per-economy, overseas and local limits under the project's lock.
    Side effects: audit entry named after the new status."""
    if not actor.is_secretariat:
        raise PermissionDenied("Only the APO Secretariat decides on nominations.")
    if to == Status.WITHDRAWN:
        raise NominationError("Record a withdrawal with its reason instead.")
    project = _lock_project(nomination.project)
    return _decide(actor=actor, project=project, nomination=nomination, to=to, note=note)


def nominations_decide_bulk(*, actor: User, project: Project, nomination_ids: list[int], to: str, note: str = ""):
    """Decide many at once, in the NPOs' order of priority. Each decision is its own transaction, so one
    refusal (a full quota, say) leaves the others done. Returns (decided, refusals as messages)."""
    if not actor.is_secretariat:
        raise PermissionDenied("Only the APO Secretariat decides on nominations.")
    decided, refused = [], []
    ordered = Nomination.objects.filter(project=project, pk__in=nomination_ids).order_by(
        "economy__name", "priority_rank", "id"
    )
    for nomination in ordered:
        try:
            with transaction.atomic():
                locked_project = _lock_project(project)
                decided.append(_decide(actor=actor, project=locked_project, nomination=nomination, to=to, note=note))
        except NominationError as error:
            refused.append(" ".join(error.messages))
    return decided, refused


@transaction.atomic
def nominations_reorder(*, actor: User, project: Project, economy_id: int, ordered_ids: list[int]) -> None:
    """The NPO sets its order of priority. `ordered_ids` must name every active nomination of the economy.

    Side effects: audit entry `nominations.ranking.updated` on the project."""
    project = _lock_project(project)
    rules.ensure_npo_may_nominate(actor, project=project, economy_id=economy_id)
    if not rules.ranking_is_open(project=project, economy_id=economy_id, is_open=True):
        raise NominationError(RANKING_FIXED)
    active = {
        n.pk: n
        for n in Nomination.objects.select_for_update()
        .filter(project=project, economy_id=economy_id)
        .exclude(status=Status.WITHDRAWN)
    }
    if set(ordered_ids) != set(active) or len(ordered_ids) != len(active):
        raise NominationError("The list changed while you were ranking it; reload the page and try again.")
    before = [pk for pk, _ in sorted(active.items(), key=lambda item: (item[1].priority_rank, item[0]))]
    if before == list(ordered_ids):
        return
    for rank, pk in enumerate(ordered_ids, start=1):
        nomination = active[pk]
        if nomination.priority_rank != rank:
            nomination.priority_rank = rank
            nomination.save(update_fields=["priority_rank", "updated_at"])
    audit_log(
        actor=actor,
        action="nominations.ranking.updated",
        target=project,
        changes={"order": [before, list(ordered_ids)]},
        economy=actor.npo.economy,
    )


def nomination_move(*, actor: User, nomination: Nomination, up: bool) -> None:
    """Move one candidate a place up or down in the economy's order of priority."""
    order = list(
        Nomination.objects.filter(project=nomination.project, economy_id=nomination.economy_id)
        .exclude(status=Status.WITHDRAWN)
        .order_by("priority_rank", "id")
        .values_list("pk", flat=True)
    )
    if nomination.pk not in order:
        raise NominationError("A withdrawn nomination has no place in the order of priority.")
    i = order.index(nomination.pk)
    j = i - 1 if up else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    nominations_reorder(actor=actor, project=nomination.project, economy_id=nomination.economy_id, ordered_ids=order)


@transaction.atomic
def deadline_extension_grant(*, actor: User, project: Project, economy, closes_at, reason: str) -> DeadlineExtension:
    """Let one economy nominate until `closes_at`. Side effects: audit entry `nominations.extension.granted`."""
    if not actor.is_secretariat:
        raise PermissionDenied("Only the APO Secretariat grants extensions.")
    project = _lock_project(project)
    if not reason.strip():
        raise NominationError("Give the reason for the extension.")
    if closes_at <= project.nomination_closes_at:
        raise NominationError("An extension must end after the project's own closing date.")
    if timezone.localtime(closes_at, project.zone).date() >= project.start_date:
        raise NominationError(f"An extension must end before the project starts on {project.start_date:%-d %B %Y}.")
    previous = DeadlineExtension.objects.filter(project=project, economy=economy).first()
    extension, _ = DeadlineExtension.objects.update_or_create(
        project=project, economy=economy, defaults={"closes_at": closes_at, "reason": reason, "granted_by": actor}
    )
    audit_log(
        actor=actor,
        action="nominations.extension.granted",
        target=project,
        economy=economy,
        note=reason,
        changes={"closes_at": [previous.closes_at.isoformat() if previous else None, closes_at.isoformat()]},
    )
    return extension


@transaction.atomic
def attachment_upload(
    *, actor: User, nomination: Nomination, kind: str, uploaded, copied_from: int | None = None
) -> Attachment:
    """Store a biodata form, CV or endorsement letter, judged by content, under a generated name.
    A new upload of the same kind replaces the old file. `copied_from`: the earlier nomination whose
    document this is a copy of. Side effects: audit entry `attachment_uploaded`."""
    project = _lock_project(nomination.project)
    nomination = _lock_nomination(nomination)
    rules.ensure_npo_may_nominate(actor, project=project, economy_id=nomination.economy_id)
    if not rules.npo_may_edit(actor, nomination, is_open=True):
        raise NominationError(f"A {_seen_label(actor, nomination)} nomination cannot be changed.")
    if kind not in Attachment.Kind.values:
        raise NominationError("Choose what kind of document this is.")
    try:
        file_type = sniff_document_type(uploaded)
    except UnacceptableFile as error:
        raise NominationError(str(error)) from error
    old = Attachment.objects.filter(nomination=nomination, kind=kind).first()
    if old:
        old_file = old.file.name
        old.delete()
        transaction.on_commit(lambda: old.file.storage.delete(old_file))
    attachment = Attachment(
        nomination=nomination,
        kind=kind,
        file_type=file_type,
        original_name=display_name(uploaded.name),
        size=uploaded.size,
        sha256=sha256_of(uploaded),
        uploaded_by=actor,
    )
    attachment.file.save("upload", uploaded, save=False)
    attachment.save()
    _record(
        actor=actor,
        nomination=nomination,
        action="attachment_uploaded",
        changes={"kind": kind, "file_type": file_type, "sha256": attachment.sha256}
        | ({"copied_from": copied_from} if copied_from else {}),
    )
    return attachment


def _participant_account(nomination: Nomination) -> User | None:
    """The participant account of a selected candidate, created the first time (no usable password)."""
    if nomination.participant_id:
        return nomination.participant
    # Only the exact normalized address is the same person; the review page shows such matches first.
    user = User.objects.filter(email=normalize_email(nomination.email)).first()
    if user is None:
        user = User.objects.create_user(
            email=nomination.email,
            password=None,
            full_name=nomination.full_name,
            role=User.Role.PARTICIPANT,
            time_zone=nomination.economy.time_zone,
        )
    if not user.is_participant:
        return None  # staff or an NPO officer already has an account and logs in with it
    nomination.participant = user
    nomination.save(update_fields=["participant", "updated_at"])
    return user


def _announce_statuses(project: Project) -> None:
    """From now on the NPOs see every decision as it stands (PRODUCT.md rule 11); a nomination under
    review (reinstated since the last announcement, say) is seen so again. The reports' figures count
    what the NPOs were told, so they are refreshed after the commit."""
    now = timezone.now()
    project_records_changed_on_commit(project.pk)
    for nomination in Nomination.objects.filter(project=project).exclude(status__in=rules.SEEN_AS_THEY_ARE):
        nomination.announced_status = nomination.status if nomination.status in rules.DECISIONS else ""
        nomination.announced_at = now
        nomination.save(update_fields=["announced_status", "announced_at"])


@transaction.atomic
def project_announce(*, actor: User, project: Project, base_url: str) -> dict:
    """Send the results: each NPO officer gets their economy's outcome, each selected candidate an
    invitation with a one-time link to set a password. Announcing again sends only what is new: an
    outcome that changed, a candidate selected since. Side effects: every decision becomes what the NPOs
    see (`announced_status`); OutgoingEmail rows, sent by Celery after commit; audit entry
    `nominations.project.announced`."""
    if not actor.is_secretariat:
        raise PermissionDenied("Only the APO Secretariat announces results.")
    project = _lock_project(project)
    decided = list(
        Nomination.objects.filter(project=project, status__in=[Status.SELECTED, Status.WAITLISTED, Status.REJECTED])
        .select_related("economy", "participant")
        .order_by("economy__name", "priority_rank", "id")
    )
    if not decided:
        raise NominationError("No nomination has been decided yet: there is nothing to announce.")
    _announce_statuses(project)
    by_economy: dict = {}
    for nomination in decided:
        by_economy.setdefault(nomination.economy, []).append(nomination)
    queued = {"outcomes": 0, "invitations": 0}
    officers = User.objects.filter(role=User.Role.NPO_OFFICER, is_active=True, npo__economy__in=list(by_economy))
    for officer in officers.select_related("npo"):
        outcomes = by_economy[officer.npo.economy]
        digest = hashlib.sha256(repr([(n.pk, n.status) for n in outcomes]).encode()).hexdigest()[:16]
        queued["outcomes"] += email_queue(
            key=f"outcome:{project.pk}:{officer.pk}:{digest}",
            to=officer.email,
            project=project,
            subject=f"APO {project.code}: results for {officer.npo.economy.name}",
            template="nominations/email/outcome.txt",
            context={"project": project, "officer": officer, "nominations": outcomes, "base_url": base_url},
        )
    for nomination in decided:
        if nomination.status != Status.SELECTED:
            continue
        user = _participant_account(nomination)
        link = ""
        if user is not None and not user.has_usable_password():
            link = base_url + invitation_path(user)  # its token is made when the e-mail is sent
        queued["invitations"] += email_queue(
            key=f"invitation:{nomination.pk}",
            to=nomination.email,
            project=project,
            subject=f"You are selected for APO {project.code}: {project.title}",
            template="nominations/email/invitation.txt",
            context={"project": project, "nomination": nomination, "link": link, "base_url": base_url},
        )
    audit_log(actor=actor, action="nominations.project.announced", target=project, changes=queued)
    return queued
