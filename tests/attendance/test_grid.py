"""The register's cells and rows, drawn in Python by attendance.grid: what the Secretariat sees and posts."""

import re
from html.parser import HTMLParser

import pytest
from django.test.html import parse_html
from django.urls import reverse

from attendance import services
from attendance.models import EligibilityOverride, Mark
from nominations.models import Nomination
from tests.factories import NominationFactory, ProjectFactory, SessionFactory
from tests.pages import page_text

Status = Mark.Status


class _Cells(HTMLParser):
    """Each register cell by its id: the form's attributes, its fields, the button's attributes and text."""

    def __init__(self):
        super().__init__()
        self.cells, self.cell = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td" and "att-cell" in attrs.get("class", ""):
            self.cell = self.cells[attrs["id"]] = {"fields": {}, "text": ""}
        elif self.cell is not None and tag in ("form", "button"):
            self.cell[tag] = attrs
        elif self.cell is not None and tag == "input":
            self.cell["fields"][attrs["name"]] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and "button" in self.cell:
            self.cell["text"] += data.strip()


def cells_of(response) -> dict:
    parser = _Cells()
    parser.feed(response.content.decode())
    return parser.cells


@pytest.fixture
def grid(db, secretariat):
    """A session whose title and a participant whose name need escaping."""
    project = ProjectFactory()
    session = SessionFactory(project=project, title='Lean & "green" <productivity>')
    nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED, full_name="Ann O'Brien <AB>")
    return project, session, nomination


def _register(client, project):
    return client.get(reverse("attendance:register", args=[project.code]))


@pytest.mark.django_db
@pytest.mark.parametrize("status", [None, *Status.values])
def test_a_cell_shows_its_mark_and_posts_to_the_mark_url(login, secretariat, grid, status):
    project, session, nomination = grid
    if status:
        services.mark_set(actor=secretariat, session=session, nomination=nomination, status=status)
    label = Status(status).label if status else "not marked"
    cell_id = f"cell-{nomination.pk}-{session.pk}"
    cell = cells_of(_register(login(secretariat), project))[cell_id]
    url = reverse("attendance:mark", args=[project.code])
    assert cell["form"] == {
        "method": "post",
        "action": url,
        "hx-post": url,
        "hx-target": f"#{cell_id}",
        "hx-swap": "outerHTML",
    }
    assert re.fullmatch(r"[A-Za-z0-9]{64}", cell["fields"].pop("csrfmiddlewaretoken"))
    assert cell["fields"] == {"session": str(session.pk), "nomination": str(nomination.pk)}
    assert cell["button"] == {
        "type": "submit",
        "name": "status",
        "value": "next",
        "data-mark-cell": None,
        "class": f"btn btn-sm w-100 att-{status or 'none'}",
        "aria-label": f"""Ann O'Brien <AB>, Lean & "green" <productivity>: {label}. Press P, L, A or E.""",
        "title": f"{label} · Marked by staff · Aiko Tanaka" if status else "Not marked",
    }
    assert cell["text"] == (label[0] if status else "·")


@pytest.mark.django_db
def test_a_cell_imported_from_a_report_shows_the_minutes(login, secretariat, grid):
    project, session, nomination = grid
    services.mark_set(
        actor=secretariat, session=session, nomination=nomination, status=Status.LATE, source="report", minutes=95
    )
    Mark.objects.update(set_by=None)
    cell = cells_of(_register(login(secretariat), project))[f"cell-{nomination.pk}-{session.pk}"]
    assert cell["button"]["title"] == "Late · Imported from a meeting report · 95 min"
    assert cell["text"] == "L95′"


@pytest.mark.django_db
def test_a_clicked_cell_comes_back_as_the_register_draws_it(login, secretariat, grid):
    project, session, nomination = grid
    client = login(secretariat)
    answer = client.post(
        reverse("attendance:mark", args=[project.code]),
        {"session": session.pk, "nomination": nomination.pk, "status": "a"},
        HTTP_HX_REQUEST="true",
    )
    page = _register(client, project).content.decode()
    drawn = re.search(r'<td class="att-cell.*?</td>', page, flags=re.S).group(0)

    def without_token(html):  # each rendering masks the CSRF token anew
        return parse_html(re.sub(r'name="csrfmiddlewaretoken" value="\w+"', 'name="csrfmiddlewaretoken"', html))

    assert without_token(answer.content.decode()) == without_token(drawn)
    assert "<html" not in answer.content.decode()


@pytest.mark.django_db
def test_a_row_shows_participation_and_links_to_the_override(login, secretariat, grid):
    project, session, nomination = grid
    other = NominationFactory(project=project, status=Nomination.Status.SELECTED, full_name="Zed Zimmer")
    services.mark_set(actor=secretariat, session=session, nomination=other, status=Status.PRESENT)
    EligibilityOverride.objects.create(nomination=nomination, reason="Ill on the day", granted_by=secretariat)
    response = _register(login(secretariat), project)
    page = page_text(response)
    assert "Ann O'Brien <AB> Sri Lanka · 0/1 Eligible by override override…" in page
    assert "Zed Zimmer Sri Lanka P 1/1 Eligible override" in page
    content = response.content.decode()
    for person in (nomination, other):
        assert f'href="{reverse("attendance:override", args=[project.code, person.pk])}"' in content


@pytest.mark.parametrize(
    "name", ["attendance:override", "attendance:all_present", "attendance:report_upload", "attendance:check_in_screen"]
)
@pytest.mark.parametrize("code", ["26-SME-902-PI-WSH-A", "0"])
def test_a_url_reversed_once_takes_each_id_as_reverse_would(name, code):
    from apo_portal.web import EACH_ID, url_for_each_id

    url = url_for_each_id(name, code, EACH_ID)
    assert [url(pk) for pk in (1, 10, 4321)] == [reverse(name, args=[code, pk]) for pk in (1, 10, 4321)]
