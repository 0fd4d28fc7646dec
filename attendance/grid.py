"""The Secretariat's attendance register: its rows and cells as HTML built in Python, once per request.

A register of 60 participants × 6 sessions has 360 cells. Through the template engine (an include, a tag
and some twenty variable lookups a cell) and from 720 model instances (each mark and who set it) the page
took about 70 ms. Here the marks are read as tuples and each row is a few f-strings of escaped values:
what every cell shares (the URL to mark a cell, the CSRF field) is made once per page, and what a cell
shows of a mark once per distinct mark.

The register page and the htmx answer to a click (`views.mark_cell`) draw a cell with the same code, so
it looks the same however it was drawn. Every value is escaped (or is a number) before it goes into the
HTML: `escape` here is the standard library's, which is what `django.utils.html.escape` calls.
"""

from html import escape
from typing import NamedTuple

from django.db.models import QuerySet
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from apo_portal.web import EACH_ID, url_for_each_id
from nominations.models import Nomination
from projects.models import Project, Session

from . import selectors
from .models import Mark
from .selectors import Participation

STATUS_LABELS = dict(Mark.Status.choices)
SOURCE_LABELS = dict(Mark.Source.choices)


class CellMark(NamedTuple):
    """What a cell shows of a mark."""

    status: str
    source: str
    minutes: int | None  # inside the session, by a meeting report
    set_by_name: str | None  # None: nobody (a self check-in, or the user is gone)

    @classmethod
    def of(cls, mark: Mark) -> "CellMark":
        return cls(mark.status, mark.source, mark.minutes, mark.set_by.full_name if mark.set_by else None)

    @property
    def title(self) -> str:
        """The cell's tooltip: the status, how it was set, minutes in the session and by whom."""
        parts = [STATUS_LABELS.get(self.status, self.status), SOURCE_LABELS.get(self.source, self.source)]
        if self.minutes is not None:
            parts.append(f"{self.minutes} min")
        if self.set_by_name is not None:
            parts.append(self.set_by_name)
        return " · ".join(parts)


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
        label = STATUS_LABELS.get(mark.status, mark.status)
        content = escape(label[:1])
        if mark.minutes is not None:
            content += f'<span class="d-block small">{int(mark.minutes)}′</span>'
        return cls(escape(mark.status), escape(label), escape(mark.title), content)


def register_marks(sessions: list[Session], nominations: list[Nomination]) -> dict[tuple[int, int], CellMark]:
    """The marks of these participants in these sessions by (nomination, session): one query, tuples
    rather than model instances."""
    marks = Mark.objects.filter(session__in=[s.pk for s in sessions], nomination__in=[n.pk for n in nominations])
    fields = ("nomination_id", "session_id", "status", "source", "minutes", "set_by__full_name")
    return {
        (n, s): CellMark(status, source, minutes, by)
        for n, s, status, source, minutes, by in marks.values_list(*fields)
    }


def register_grid(request, project: Project) -> dict:
    """The register page's sessions; their column heads; and its rows, each participant's row of the table
    as HTML, with their name, a cell per session and their participation. Three queries, whatever the size."""
    # Only what a row shows of a participant: a nomination has some twenty fields.
    participants: QuerySet[Nomination] = selectors.participants_of(project).only("full_name", "economy__name")
    sessions = list(project.sessions.all())
    participation = selectors.participation(participants, project, total=len(sessions))
    marks = register_marks(sessions, [row.nomination for row in participation])
    markup = RegisterMarkup.for_request(request, project)
    columns = [(session.pk, escape(session.title)) for session in sessions]
    all_present, upload, check_in = (
        url_for_each_id(name, project.code, EACH_ID)
        for name in ("attendance:all_present", "attendance:report_upload", "attendance:check_in_screen")
    )
    return {
        "sessions": sessions,
        # Each session with the links of its column head: mark all present, import a report, show the QR code.
        "heads": [(s, all_present(s.pk), upload(s.pk), check_in(s.pk)) for s in sessions],
        "rows": [markup.row(row, columns, marks) for row in participation],
    }


ELIGIBILITY_BADGES = {
    "complete": '<span class="badge text-bg-success">Eligible</span>',
    "override": '<span class="badge text-bg-info">Eligible by override</span>',
    "none": '<span class="badge text-bg-light border">Not eligible</span>',
}


class RegisterMarkup:
    """Draws the rows and cells of one project's register, for one request (it holds its CSRF token)."""

    def __init__(self, *, project: Project, csrf: SafeString):
        self.csrf = csrf
        self.mark_url = escape(reverse("attendance:mark", args=[project.code]))
        self.override_url = url_for_each_id("attendance:override", project.code, EACH_ID)
        self.faces: dict[CellMark | None, CellFace] = {}  # the same few marks recur in most cells

    @classmethod
    def for_request(cls, request, project: Project) -> "RegisterMarkup":
        return cls(project=project, csrf=csrf_input(request))

    def cell(self, *, nomination: Nomination, session: Session, mark: Mark | None) -> SafeString:
        """One cell: a form posting `session`, `nomination` and `status=next` to the mark URL, swapped by htmx."""
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
        badge = ELIGIBILITY_BADGES["complete" if row.complete else "override" if row.override else "none"]
        override = "override…" if row.override else "override"
        return mark_safe(
            f'<tr><th scope="row" class="fw-normal"><span class="fw-semibold">{name}</span><br>'
            f'<span class="small text-body-secondary">{escape(nomination.economy.name)}</span></th>'
            f"{cells}"
            f'<td class="text-center text-nowrap">{int(row.attended)}/{int(row.total)} {badge} '
            f'<a class="small d-block" href="{escape(self.override_url(pk))}">{override}</a>'
            "</td></tr>"
        )

    def _cell(self, nomination_id: int, name: str, session_id: int, session_title: str, mark: CellMark | None) -> str:
        """One cell. Click: the next status; keys P, L, A, E (static/js/register.js): that status.
        `name` and `session_title` come escaped."""
        face = self.faces.get(mark)
        if face is None:
            face = self.faces[mark] = CellFace.of(mark)
        cell_id, url = f"cell-{int(nomination_id)}-{int(session_id)}", self.mark_url
        return (
            f'<td class="att-cell p-1 text-center" id="{cell_id}">'
            f'<form method="post" action="{url}" hx-post="{url}" hx-target="#{cell_id}" hx-swap="outerHTML">'
            f'{self.csrf}<input type="hidden" name="session" value="{int(session_id)}">'
            f'<input type="hidden" name="nomination" value="{int(nomination_id)}">'
            '<button type="submit" name="status" value="next" data-mark-cell'
            f' class="btn btn-sm w-100 att-{face.status}"'
            f' aria-label="{name}, {session_title}: {face.label}. Press P, L, A or E." title="{face.title}">'
            f"{face.content}</button></form></td>"
        )
