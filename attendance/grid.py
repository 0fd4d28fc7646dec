"""The tables of participants by session, as data for their templates: the Secretariat's attendance register
(attendance/register.html) and the read-only participants page (attendance/participants.html).

Python prepares the rows (each participant's participation and a cell per session, from three queries, the
marks read as tuples by `selectors.marks_by_cell`); the markup is the templates'. The register's rows are
drawn by the Jinja2 backend (jinja2/attendance/register_rows.jinja, for speed: bench/RESULTS.md); its cell and
last cell are macros there, which the page calls for each row and `views.mark_cell` calls alone as its htmx
answer (jinja2/attendance/mark_answer.jinja), so that a cell looks the same however it was drawn.
"""

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from nominations.models import Nomination
from projects.models import Project, Session

from . import selectors
from .selectors import CellMark, Participation

# What a register cell's button posts as `cell`: the nomination's id and the session's, joined by a hyphen
# ("12-345"); also the table cell's id after "cell-", the anchor the page comes back to without JavaScript.
CELL_VALUE = re.compile(r"([0-9]{1,18})-([0-9]{1,18})")  # nomination id, session id


def cell_ids(value: str) -> tuple[int, int] | None:
    """The (nomination id, session id) a posted `cell` names, or None if it names no cell."""
    ids = CELL_VALUE.fullmatch(value)
    return (int(ids[1]), int(ids[2])) if ids else None


def cell_value(nomination_id: int, session_id: int) -> str:
    return f"{int(nomination_id)}-{int(session_id)}"


@dataclass(frozen=True, slots=True)
class Face:
    """What a cell shows of a mark (or of no mark): made once per distinct mark, as the same few recur in most
    cells of a register."""

    status: str  # the CSS class is "att-" and this; "none" when not marked
    label: str  # read out after the participant and the session
    title: str  # the tooltip: how it was set, and by whom
    initial: str  # what the cell shows
    minutes: int | None  # inside the session, by a meeting report; shown under the initial

    @classmethod
    def of(cls, mark: CellMark | None) -> "Face":
        if mark is None:
            return NOT_MARKED
        return cls(mark.status, mark.label, mark.title, mark.label[:1], mark.minutes)


NOT_MARKED = Face("none", "not marked", "Not marked", "·", None)


@dataclass(frozen=True, slots=True)
class Cell:
    """One participant in one session. `value` is what its button posts (`cell_value`)."""

    value: str
    nomination: Nomination
    session: Session
    face: Face


@dataclass(frozen=True, slots=True)
class Row:
    """A participant's row: their participation (count, eligibility, override), a cell per session and, on
    the participants page, their valid certificate if the viewer may download it."""

    participation: Participation
    cells: list[Cell]
    certificate: object = None


def _rows(register: dict, certificates: dict | None = None) -> list[Row]:
    sessions, marks, certificates = register["sessions"], register["marks"], certificates or {}
    faces: dict[CellMark | None, Face] = {}

    def face(mark: CellMark | None) -> Face:
        if mark not in faces:
            faces[mark] = Face.of(mark)
        return faces[mark]

    return [
        Row(
            participation=row,
            cells=[
                Cell(
                    cell_value(row.nomination.pk, session.pk),
                    row.nomination,
                    session,
                    face(marks.get((row.nomination.pk, session.pk))),
                )
                for session in sessions
            ],
            certificate=certificates.get(row.nomination.pk),
        )
        for row in register["rows"]
    ]


def register_grid(project: Project) -> dict:
    """The register page's sessions and rows. Three queries, whatever the size."""
    # Only what a row shows of a participant: a nomination has some twenty fields.
    participants: QuerySet[Nomination] = selectors.participants_of(project).only("full_name", "economy__name")
    register = selectors.register(project, participants)
    return {"sessions": register["sessions"], "rows": _rows(register)}


def participation_table(project: Project, participants: QuerySet[Nomination], certificates: dict) -> dict:
    """The participants page (NPO officers, the Secretariat, a participant): the sessions, and each participant's
    row with their certificate (`certificates`: the valid ones the viewer may download, by nomination id).
    Three queries, whatever the size."""
    register = selectors.register(project, participants.select_related(None).only("full_name"))
    return {"sessions": register["sessions"], "rows": _rows(register, certificates)}


def mark_answer(*, project: Project, nomination: Nomination, session: Session, mark) -> dict:
    """What the htmx answer to a click (`views.mark_cell`) renders: the cell, and the row's participation for
    its last cell, which htmx swaps in place of the page's (out of band) so the count follows each mark."""
    participation = selectors.participation(selectors.participants_of(project).filter(pk=nomination.pk), project)[0]
    return {
        "project": project,
        "cell": Cell(
            cell_value(nomination.pk, session.pk), nomination, session, Face.of(CellMark.of(mark) if mark else None)
        ),
        "row": Row(participation=participation, cells=[]),
    }
