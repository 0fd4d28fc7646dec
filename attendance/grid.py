"""The tables of participants by session, as HTML built in Python once per request: the Secretariat's
attendance register, and the read-only participants page (NPO officers, the Secretariat, a participant).

A register of 60 participants × 6 sessions has 360 cells. Through the template engine (an include, a tag
and some twenty variable lookups a cell) and from 720 model instances (each mark and who set it) the page
took about 70 ms, and the participants page of 198 × 23 took 134 ms. Here the marks are read as tuples
(`selectors.marks_by_cell`), each row is a few f-strings of escaped values, and what a cell shows of a mark
is made once per distinct mark.

The register page and the htmx answer to a click (`views.mark_cell`) draw a cell with the same code, so
it looks the same however it was drawn. Every value is escaped (or is a number) before it goes into the
HTML: `escape` here is the standard library's, which is what `django.utils.html.escape` calls.
"""

import re
from html import escape
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from common.web import EACH_ID, url_for_each_id
from nominations.models import Nomination
from projects.models import Project, Session

from . import selectors
from .models import Mark
from .selectors import CellMark, Participation


class CellFace(NamedTuple):
    """A mark as a cell shows it, escaped: the CSS class's status, the label read out, tooltip and content."""

    status: str
    label: str
    title: str
    content: str

    @classmethod
    def of(cls, mark: CellMark | None) -> "CellFace":
        if mark is None:
            return cls("none", "not marked", "Not marked", "·")
        label = mark.label
        content = escape(label[:1])
        if mark.minutes is not None:
            content += f'<span class="d-block small">{int(mark.minutes)}′</span>'
        return cls(escape(mark.status), escape(label), escape(mark.title), content)


def register_grid(project: Project) -> dict:
    """The register page's sessions; their column heads; and its rows, each participant's row of the table
    as HTML, with their name, a cell per session and their participation. Three queries, whatever the size."""
    # Only what a row shows of a participant: a nomination has some twenty fields.
    participants: QuerySet[Nomination] = selectors.participants_of(project).only("full_name", "economy__name")
    register = selectors.register(project, participants)
    sessions, marks = register["sessions"], register["marks"]
    markup = RegisterMarkup(project=project)
    columns = [(session.pk, escape(session.title)) for session in sessions]
    all_present, upload, check_in = (
        url_for_each_id(name, project.code, EACH_ID)
        for name in ("attendance:all_present", "attendance:report_upload", "attendance:check_in_screen")
    )
    return {
        "sessions": sessions,
        # Each session with the links of its column head: mark all present, import a report, show the QR code.
        "heads": [(s, all_present(s.pk), upload(s.pk), check_in(s.pk)) for s in sessions],
        "rows": [markup.row(row, columns, marks) for row in register["rows"]],
        "form_id": RegisterMarkup.FORM_ID,  # the page's marks form, which every cell's button submits
        "keys_id": RegisterMarkup.KEYS_ID,
    }


def participation_table(project: Project, participants: QuerySet[Nomination], certificates: dict) -> dict:
    """The participants page (NPO officers, the Secretariat, a participant): the sessions, and each participant's
    row as HTML: their name, their mark in each session, their count and their certificate (`certificates`:
    the valid ones the viewer may download, by nomination id). Three queries, whatever the size."""
    register = selectors.register(project, participants.select_related(None).only("full_name"))
    markup = ParticipationMarkup(certificates)
    session_ids = [session.pk for session in register["sessions"]]
    return {
        "sessions": register["sessions"],
        "rows": [markup.row(row, session_ids, register["marks"]) for row in register["rows"]],
    }


ELIGIBILITY_BADGES = {
    "complete": '<span class="badge text-bg-success">Eligible</span>',
    "override": '<span class="badge text-bg-info">Eligible by override</span>',
    "none": '<span class="badge text-bg-light border">Not eligible</span>',
}


class RegisterMarkup:
    """Draws the rows and cells of one project's register.

    A cell is a single button of the page's one marks form (`FORM_ID`, in attendance/register.html, with the
    page's one CSRF token), posting `cell` as "<nomination>-<session>". With a form of its own in every cell,
    the register of 198 participants × 23 sessions was 3.5 MB of HTML; it is 1.6 MB now, 61 KB compressed.

    Without JavaScript the button submits that form and the page comes back; with it, static/js/register.js
    posts the cell through htmx and swaps it."""

    FORM_ID = "register-marks"
    KEYS_ID = "register-keys"  # the page's sentence on how to mark by key, read after each cell's label
    CELL_VALUE = re.compile(r"(?P<nomination>[0-9]{1,18})-(?P<session>[0-9]{1,18})")

    @staticmethod
    def cell_value(nomination_id: int, session_id: int) -> str:
        """What a cell's button posts as `cell`; its `<td>` is `cell-` and this, the anchor to come back to."""
        return f"{int(nomination_id)}-{int(session_id)}"

    @classmethod
    def cell_ids(cls, value: str) -> tuple[int, int] | None:
        """The (nomination id, session id) a posted `cell` names, or None if it names no cell."""
        ids = cls.CELL_VALUE.fullmatch(value)
        return (int(ids["nomination"]), int(ids["session"])) if ids else None

    def __init__(self, *, project: Project):
        self.override_url = url_for_each_id("attendance:override", project.code, EACH_ID)
        self.faces: dict[CellMark | None, CellFace] = {}  # the same few marks recur in most cells

    def cell(self, *, nomination: Nomination, session: Session, mark: Mark | None) -> SafeString:
        """One cell, as the htmx answer to a click or key (`views.mark_cell`)."""
        mark = CellMark.of(mark) if mark else None
        return mark_safe(
            self._cell(nomination.pk, escape(nomination.full_name), session.pk, escape(session.title), mark)
        )

    def row(
        self, row: Participation, columns: list[tuple[int, str]], marks: dict[tuple[int, int], CellMark]
    ) -> SafeString:
        """A participant's row: name and economy, a cell per session (`columns`: each session's id and
        escaped title), and their participation with the link to override their eligibility."""
        nomination, pk = row.nomination, int(row.nomination.pk)
        name = escape(nomination.full_name)
        cells = "".join(self._cell(pk, name, session, title, marks.get((pk, session))) for session, title in columns)
        return mark_safe(
            f'<tr><th scope="row" class="fw-normal"><span class="fw-semibold">{name}</span><br>'
            f'<span class="small text-body-secondary">{escape(nomination.economy.name)}</span></th>'
            f"{cells}{self._attended(row)}</tr>"
        )

    def attended(self, row: Participation) -> SafeString:
        """A participant's last cell, to go with the htmx answer to a click: htmx swaps it in place of the one
        the page shows (out of band), so the count and the eligibility follow each mark."""
        return mark_safe(self._attended(row, ' hx-swap-oob="true"'))

    def _attended(self, row: Participation, extra: str = "") -> str:
        pk = int(row.nomination.pk)
        badge = ELIGIBILITY_BADGES["complete" if row.complete else "override" if row.override else "none"]
        override = "override…" if row.override else "override"
        return (
            f'<td class="text-center text-nowrap" id="attended-{pk}"{extra}>{int(row.attended)}/{int(row.total)}'
            f' {badge} <a class="small d-block" href="{escape(self.override_url(pk))}">{override}</a></td>'
        )

    def _cell(self, nomination_id: int, name: str, session_id: int, session_title: str, mark: CellMark | None) -> str:
        """One cell. Click: the next status; keys P, L, A, E (static/js/register.js): that status.
        `name` and `session_title` come escaped."""
        face = self.faces.get(mark)
        if face is None:
            face = self.faces[mark] = CellFace.of(mark)
        ids = self.cell_value(nomination_id, session_id)
        return (
            f'<td class="att-cell" id="cell-{ids}"><button form="{self.FORM_ID}" name="cell" value="{ids}"'
            f' data-mark-cell class="btn btn-sm att-{face.status}" aria-label="{name}, {session_title}: {face.label}"'
            f' aria-describedby="{self.KEYS_ID}" title="{face.title}">{face.content}</button></td>'
        )


class ParticipationMarkup:
    """Draws the rows of the participants page: read-only, a badge per mark."""

    def __init__(self, certificates: dict):
        self.certificates = certificates
        self.download_url = url_for_each_id("certificates:download", EACH_ID)
        self.cells: dict[str | None, str] = {}  # a cell's HTML by its mark's status: a handful, made once

    def row(self, row: Participation, session_ids: list[int], marks: dict[tuple[int, int], CellMark]) -> SafeString:
        pk = int(row.nomination.pk)
        cells = "".join(self._cell(marks.get((pk, session))) for session in session_ids)
        badge = (
            ELIGIBILITY_BADGES["complete"] if row.complete else ELIGIBILITY_BADGES["override"] if row.override else ""
        )
        certificate = self.certificates.get(pk)
        if certificate:
            url, serial = escape(self.download_url(certificate.pk)), escape(certificate.serial)
            badge += f'<a class="small d-block" href="{url}">Certificate {serial}</a>'
        return mark_safe(
            f'<tr><th scope="row" class="fw-normal">{escape(row.nomination.full_name)}</th>{cells}'
            f'<td class="text-nowrap">{int(row.attended)}/{int(row.total)} {badge}</td></tr>'
        )

    def _cell(self, mark: CellMark | None) -> str:
        status = mark.status if mark else None
        if status not in self.cells:
            css, label = (escape(mark.status), escape(mark.label)) if mark else ("none", "—")
            self.cells[status] = f'<td class="text-center"><span class="badge att-{css}">{label}</span></td>'
        return self.cells[status]
