"""Full participation, defined once (PRODUCT.md rule 5).

A participant took part in every session of their project when the project has sessions and every one of
them, also those still to come, has an attended mark of theirs: present or late. Absent, excused and no mark
at all are not attended. A project without sessions has no full participation. A participant is eligible
for the certificate by full participation, or by a Secretariat override (with its written reason).

The rule has two forms, tested against each other on the same data (tests/attendance/test_participation.py):

* in Python, from one participant's marks or their count: `took_part_in_every_session` and `Participation`,
  for the register, an import's preview and issuing;
* in the database, as expressions for querysets: `with_participation` (the count per participant),
  `took_part_in_every_session_q` and `eligible_q`, for the reports' figures and the certificates whose
  holder is no longer eligible."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from common.db import count_of
from nominations.models import Nomination
from projects.models import Project, Session

from .models import EligibilityOverride, Mark

# Late counts as attended; excused does not.
ATTENDED = (Mark.Status.PRESENT, Mark.Status.LATE)


# ---------------------------------------------------------------- in Python


def sessions_attended(statuses: Iterable[str | None]) -> int:
    """How many of one participant's marks in a project's sessions count as attended (one mark per session)."""
    return sum(status in ATTENDED for status in statuses)


def took_part_in_every_session(*, attended: int, sessions: int) -> bool:
    """`attended`: the participant's sessions of the project attended; `sessions`: every session of the
    project, also those still to come."""
    return sessions > 0 and attended >= sessions


@dataclass
class Participation:
    """One participant's participation in a project: sessions attended of all, and whether the Secretariat
    made them eligible by an override."""

    nomination: Nomination
    attended: int
    total: int
    override: bool

    @property
    def complete(self) -> bool:
        return took_part_in_every_session(attended=self.attended, sessions=self.total)

    @property
    def eligible(self) -> bool:
        """Eligible for the certificate: every session attended, or a recorded Secretariat override."""
        return self.complete or self.override


# ---------------------------------------------------------------- in the database


def with_participation(participants: QuerySet[Nomination], project: Project) -> QuerySet[Nomination]:
    """Each participant annotated with `attended` (their sessions of the project attended) and
    `has_override`, what `Participation` is made of."""
    return participants.annotate(
        attended=Count("marks", filter=Q(marks__status__in=ATTENDED, marks__session__project=project), distinct=True),
        has_override=Exists(EligibilityOverride.objects.filter(nomination=OuterRef("pk"))),
    )


def sessions_attended_of(*, nomination: str = "pk", project: str = "project") -> Coalesce:
    """Per row that names a participant and their project (as `took_part_in_every_session_q`): their sessions
    of the project attended, as a number to show."""
    return count_of(
        Mark.objects.filter(nomination=OuterRef(nomination), session__project=OuterRef(project), status__in=ATTENDED),
        "nomination",
    )


def took_part_in_every_session_q(*, nomination: str = "pk", project: str = "project") -> Q:
    """A filter on rows that name a participant (`nomination`: the field of the nomination's id; by default
    the row is the nomination) and their project (`project`): the project has sessions, and none of them
    lacks an attended mark of the participant."""
    sessions = Session.objects.filter(project=OuterRef(project))
    attended = Mark.objects.filter(
        session=OuterRef("pk"), nomination=OuterRef(OuterRef(nomination)), status__in=ATTENDED
    )
    return Q(Exists(sessions)) & ~Q(Exists(sessions.exclude(Exists(attended))))


def eligible_q(*, nomination: str = "pk", project: str = "project") -> Q:
    """A filter on the same rows: eligible for the certificate, by full participation or by an override."""
    override = EligibilityOverride.objects.filter(nomination=OuterRef(nomination))
    return took_part_in_every_session_q(nomination=nomination, project=project) | Q(Exists(override))
