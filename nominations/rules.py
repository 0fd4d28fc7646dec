"""Who may do what with a nomination, and what an NPO sees of its status.

The services ask these predicates before they change anything, and the views ask the same ones to
decide which buttons, links and forms a page shows, so that a page never offers what the server
refuses, nor hides what it allows.

An NPO sees a nomination as the Secretariat last announced it (PRODUCT.md rule 11): a decision taken
since the last announcement is tentative, and until it is announced the NPO sees the nomination as
under review, on every page, export and count. What an NPO may do is therefore decided on the status
it sees, never on a tentative decision, or a refused button would tell it what was decided.
"""

from django.db.models import Q

from . import selectors
from .models import DECISIONS, SEEN_AS_THEY_ARE, Nomination

Status = Nomination.Status

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


# ---------------------------------------------------------------- what an NPO officer may do


def nominations_are_open(*, project, economy_id: int) -> bool:
    """The project takes nominations from this economy now (published, before its closing instant or
    inside the economy's extension; PRODUCT.md rule 2)."""
    return selectors.nominations_are_open(project=project, economy_id=economy_id)


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


def ranking_is_open(*, project, economy_id: int, is_open: bool) -> bool:
    """The NPO may still change its order of priority: while nominations are open to it and before the
    Secretariat has decided on any nomination of the project. Freezing the order only of the candidates
    already decided would tell the NPO which they are before the announcement; so the whole order is
    fixed once deciding has begun (a candidate added later goes to the end)."""
    if not is_open:
        return False
    return not Nomination.objects.filter(project=project, status__in=DECISIONS).exists()


# ---------------------------------------------------------------- what the Secretariat may do


def secretariat_transitions(user, nomination: Nomination) -> frozenset[str]:
    """Where a Secretariat officer may move the nomination (a withdrawal included)."""
    if not user.is_secretariat:
        return frozenset()
    return SECRETARIAT_TRANSITIONS.get(nomination.status, frozenset())
