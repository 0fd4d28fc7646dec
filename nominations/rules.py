"""Who may do what with a nomination, and what an NPO sees of its status.

The services ask these predicates before they change anything, and the views ask the same ones to
decide which buttons, links and forms a page shows, so that a page never offers what the server
refuses, nor hides what it allows.

An NPO sees a nomination as the Secretariat last announced it (PRODUCT.md rule 11): a decision taken
since the last announcement is tentative, and until it is announced the NPO sees the nomination as
under review, on every page, export and count. What an NPO may do is therefore decided on the status
it sees, never on a tentative decision, or a refused button would tell it what was decided.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, Now

from common.zones import reader_time_text
from projects.models import Project

from .models import DECISIONS, SEEN_AS_THEY_ARE, Attachment, DeadlineExtension, Nomination

Status = Nomination.Status


class NominationError(ValidationError):
    """A rule refused the change; the message says which and what to do."""


# Where an NPO officer may move a nomination from each status it sees.
NPO_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.WITHDRAWN}),
    Status.WAITLISTED: frozenset({Status.WITHDRAWN}),
    Status.SELECTED: frozenset({Status.WITHDRAWN}),
}
# Where the Secretariat may move a nomination from each status. A withdrawal is recorded on the NPO's
# word, with a reason; a rejected candidate is reinstated first, never withdrawn.
SECRETARIAT_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.SELECTED, Status.WAITLISTED, Status.REJECTED, Status.WITHDRAWN}),
    Status.WAITLISTED: frozenset({Status.SELECTED, Status.REJECTED, Status.WITHDRAWN, Status.SUBMITTED}),
    Status.SELECTED: frozenset({Status.WAITLISTED, Status.REJECTED, Status.WITHDRAWN, Status.SUBMITTED}),
    Status.REJECTED: frozenset({Status.SUBMITTED}),  # reinstate
}
# What an NPO may still correct or add documents to, by the status it sees.
EDITABLE_BY_NPO = frozenset({Status.DRAFT, Status.SUBMITTED})


# ---------------------------------------------------------------- what an NPO sees


def status_seen_by(user, nomination: Nomination) -> str:
    """The status `user` sees: the Secretariat the real one; anyone else (the NPO, the candidate) the one
    last announced, a submitted nomination with no announced decision being under review."""
    if user.is_secretariat or nomination.status in SEEN_AS_THEY_ARE:
        return nomination.status
    return nomination.announced_status or Status.SUBMITTED


def seen_as_q(user, status: str) -> Q:
    """The nominations `user` sees with this status: `status_seen_by` as a filter, for the counts and
    filters computed in the database (tests/nominations/test_rules.py keeps the two equal)."""
    if user.is_secretariat:
        return Q(status=status)
    return npo_seen_as_q(status)


def npo_seen_as_q(status: str) -> Q:
    """`seen_as_q` for an NPO (or a candidate), for counts made without a user at hand (the reports)."""
    if status in SEEN_AS_THEY_ARE:
        return Q(status=status)
    undecided = ~Q(status__in=SEEN_AS_THEY_ARE)
    if status == Status.SUBMITTED:
        return undecided & Q(announced_status="")
    return undecided & Q(announced_status=status)


def status_label_seen_by(user, status: str) -> str:
    """How the status reads to `user`: to an NPO, a submitted nomination is under review."""
    if status == Status.SUBMITTED and not user.is_secretariat:
        return "Under review"
    return Status(status).label


# ---------------------------------------------------------------- the closing rule (PRODUCT.md rule 2)
#
# An economy may nominate while the project is published and before the economy's closing instant: the
# project's own closing instant, or the economy's extension if that is later. Each half has a Python form
# (for a row already read) and a database form (for a filter or an annotation); tests/nominations/
# test_closing_rule.py keeps each pair equal on the same data.


def economy_closes_at(*, project_closes_at: datetime.datetime, extension_closes_at: datetime.datetime | None):
    """The economy's closing instant: the project's own, or the economy's extension if that is later (a
    closing date moved past an extension leaves the extension with nothing to add)."""
    if extension_closes_at is not None and extension_closes_at > project_closes_at:
        return extension_closes_at
    return project_closes_at


def economy_closes_at_expression(economy_id):
    """`economy_closes_at` as an annotation of a Project queryset."""
    extension = DeadlineExtension.objects.filter(project=OuterRef("pk"), economy_id=economy_id).values("closes_at")
    own = F("nomination_closes_at")
    return Greatest(own, Coalesce(Subquery(extension[:1]), own))


def closing_instant_for(*, project: Project, economy_id: int) -> datetime.datetime:
    """When this economy's nominations for `project` close (one query, for the extension)."""
    extension = DeadlineExtension.objects.filter(project=project, economy_id=economy_id).first()
    return economy_closes_at(
        project_closes_at=project.nomination_closes_at, extension_closes_at=extension.closes_at if extension else None
    )


def nominations_open_at(*, project_status: str, closes_at: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether a project of this status whose economy's closing instant is `closes_at` takes that economy's
    nominations at `now`."""
    return project_status == Project.Status.PUBLISHED and now < closes_at


def nominations_open_q(economy_id, *, now=None) -> Q:
    """`nominations_open_at` as a filter on projects, at `now` or by the database clock. Written as the
    project's own instant or a live extension (rather than on `economy_closes_at_expression`) so that the
    database can use the index on (status, nomination_closes_at)."""
    now = Now() if now is None else now
    extended = DeadlineExtension.objects.filter(project=OuterRef("pk"), economy_id=economy_id, closes_at__gt=now)
    return Q(status=Project.Status.PUBLISHED) & (Q(nomination_closes_at__gt=now) | Q(Exists(extended)))


def nominations_are_open(*, project: Project, economy_id: int) -> bool:
    """The project takes nominations from this economy now, by the database clock: every server agrees on
    the closing instant, whatever its own clock says."""
    return Project.objects.filter(nominations_open_q(economy_id), pk=project.pk).exists()


def _closed_message(project: Project, economy_id: int) -> str:
    closed = reader_time_text(
        closing_instant_for(project=project, economy_id=economy_id), project_zone=project.time_zone
    )
    return (
        f"Nominations for {project.code} closed on {closed}. "
        "Nothing can be nominated, edited or withdrawn any more; ask the APO Secretariat for an extension."
    )


def ensure_npo_may_nominate(user, *, project: Project, economy_id: int) -> None:
    """PRODUCT.md rules 1 and 2: an officer of a participating economy, while nominations are open to it.
    What every NPO change to the economy's nominations (create, edit, submit, withdraw, upload, rank) is
    checked against first. Raises PermissionDenied or NominationError, whose message says why."""
    if not user.is_npo_officer or user.economy_id != economy_id:
        raise PermissionDenied("Only an NPO officer of this economy can do this.")
    if not project.participating_economies.filter(pk=economy_id).exists():
        raise NominationError(f"{user.npo.economy.name} does not participate in {project.code}.")
    if project.status != Project.Status.PUBLISHED:
        raise NominationError(f"{project.code} is {project.get_status_display().lower()}: it takes no nominations.")
    if not nominations_are_open(project=project, economy_id=economy_id):
        raise NominationError(_closed_message(project, economy_id))


# ---------------------------------------------------------------- what an NPO officer may do


def _officer_of(user, economy_id: int) -> bool:
    return user.is_npo_officer and user.economy_id == economy_id


def npo_transitions(user, nomination: Nomination, *, is_open: bool) -> frozenset[str]:
    """Where this NPO officer may move the nomination now, from the status they see."""
    if not (is_open and _officer_of(user, nomination.economy_id)):
        return frozenset()
    return NPO_TRANSITIONS.get(status_seen_by(user, nomination), frozenset())


def npo_may_edit(user, nomination: Nomination, *, is_open: bool) -> bool:
    """Correct the candidate's details or upload a document."""
    return is_open and _officer_of(user, nomination.economy_id) and status_seen_by(user, nomination) in EDITABLE_BY_NPO


def npo_may_submit(user, nomination: Nomination, *, is_open: bool) -> bool:
    return Status.SUBMITTED in npo_transitions(user, nomination, is_open=is_open)


def npo_may_withdraw(user, nomination: Nomination, *, is_open: bool) -> bool:
    return Status.WITHDRAWN in npo_transitions(user, nomination, is_open=is_open)


def ranking_is_open(*, project, economy_id: int, is_open: bool) -> bool:
    """The NPO may still change its order of priority: while nominations are open to it and before the
    Secretariat has decided on any nomination of the project. Freezing the order only of the candidates
    already decided would tell the NPO which they are before the announcement; so the whole order is
    fixed once deciding has begun (a candidate added later goes to the end)."""
    if not is_open:
        return False
    return not Nomination.objects.filter(project=project, status__in=DECISIONS).exists()


# ---------------------------------------------------------------- the documents a project requires
#
# A nomination is submitted only with every document its project requires (`Project.required_documents`,
# default all three). The submit service refuses without them; the form, the nomination's page and the
# NPO's list ask the same predicate, so a page shows what is missing before the server would say so.


def required_documents(project: Project) -> list[str]:
    """The kinds of document `project` requires, in the documents' own order."""
    wanted = set(project.required_documents or ())
    return [kind for kind in Attachment.Kind.values if kind in wanted]


def missing_documents(project: Project, present) -> list[str]:
    """The required kinds not among `present` (kinds held, or about to be)."""
    held = set(present)
    return [kind for kind in required_documents(project) if kind not in held]


def document_names(kinds) -> str:
    """'the curriculum vitae and endorsement letter': kinds as a sentence says them."""
    names = [Attachment.Kind(kind).label.lower() for kind in kinds]
    if len(names) > 1:
        names = [", ".join(names[:-1]) + " and " + names[-1]]
    return f"the {names[0]}" if names else ""


def missing_documents_message(*, full_name: str, project: Project, missing) -> str:
    return (
        f"{full_name} cannot be submitted yet: add {document_names(missing)}. "
        f"{project.code} requires {document_names(required_documents(project))}."
    )


def ensure_documents_for_submission(nomination: Nomination, *, present) -> None:
    """Refuse (NominationError naming what is missing) to submit without a required document."""
    missing = missing_documents(nomination.project, present)
    if missing:
        raise NominationError(
            missing_documents_message(full_name=nomination.full_name, project=nomination.project, missing=missing)
        )


# ---------------------------------------------------------------- what the Secretariat may do


def secretariat_transitions(user, nomination: Nomination) -> frozenset[str]:
    """Where a Secretariat officer may move the nomination (a withdrawal included)."""
    if not user.is_secretariat:
        return frozenset()
    return SECRETARIAT_TRANSITIONS.get(nomination.status, frozenset())


def secretariat_may_withdraw(user, nomination: Nomination) -> bool:
    return Status.WITHDRAWN in secretariat_transitions(user, nomination)


# ---------------------------------------------------------------- for the pages


@dataclass(frozen=True)
class NominationActions:
    """What `user` may do with one nomination now: what its page offers (`{% nomination_actions %}`)."""

    edit: bool  # correct the details, upload a document
    submit: bool
    withdraw: bool  # as the NPO officer
    decisions: frozenset[str]  # the Secretariat's moves other than a withdrawal
    secretariat_withdraw: bool  # with a reason, on the NPO's word


def nomination_actions(user, nomination: Nomination, *, is_open: bool) -> NominationActions:
    """The predicates above, for one nomination; `is_open` is `nominations_are_open` for its economy."""
    return NominationActions(
        edit=npo_may_edit(user, nomination, is_open=is_open),
        submit=npo_may_submit(user, nomination, is_open=is_open),
        withdraw=npo_may_withdraw(user, nomination, is_open=is_open),
        decisions=secretariat_transitions(user, nomination) - {Status.WITHDRAWN},
        secretariat_withdraw=secretariat_may_withdraw(user, nomination),
    )
