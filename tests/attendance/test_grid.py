"""The register's cells and rows (attendance/register.html and its partials): what the Secretariat sees and posts."""

import re
from html.parser import HTMLParser

import pytest
from django.test.html import parse_html
from django.urls import reverse

from attendance import services
from attendance.models import EligibilityOverride, Mark
from nominations.models import Nomination
from projects.models import Project
from tests.factories import NominationFactory, ProjectFactory, SessionFactory
from tests.pages import page_text

Status = Mark.Status


class _Cells(HTMLParser):
    """Each register cell by its id (its button's attributes and text), and every form on the page by its id
    (its attributes and fields)."""

    def __init__(self):
        super().__init__()
        self.cells, self.cell, self.forms, self.form = {}, None, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td" and "att-cell" in attrs.get("class", ""):
            self.cell = self.cells[attrs["id"]] = {"text": ""}
        elif self.cell is not None and tag == "button":
            self.cell["button"] = attrs
        elif tag == "form":
            self.form = self.forms[attrs.get("id")] = {**attrs, "fields": {}}
        elif self.form is not None and tag == "input":
            self.form["fields"][attrs["name"]] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "form":
            self.form = None

    def handle_data(self, data):
        if self.cell is not None and "button" in self.cell:
            self.cell["text"] += data.strip()


def cells_of(response) -> dict:
    parser = _Cells()
    parser.feed(response.content.decode())
    return parser.cells


def marks_form_of(response) -> dict:
    parser = _Cells()
    parser.feed(response.content.decode())
    return parser.forms["register-marks"]


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
    register = _register(login(secretariat), project)
    cell = cells_of(register)[f"cell-{nomination.pk}-{session.pk}"]
    assert cell["button"] == {
        "form": "register-marks",
        "name": "cell",
        "value": f"{nomination.pk}-{session.pk}",
        "data-mark-cell": None,
        "class": f"btn btn-sm att-{status or 'none'}",
        "aria-label": f"""Ann O'Brien <AB>, Lean & "green" <productivity>: {label}""",
        "aria-describedby": "register-keys",
        "title": f"{label} · Marked by staff · Aiko Tanaka" if status else "Not marked",
    }
    assert cell["text"] == (label[0] if status else "·")
    # The form every cell's button submits, with the page's one CSRF token; and the keys, described once.
    form = marks_form_of(register)
    assert (form["method"], form["action"]) == ("post", reverse("attendance:mark", args=[project.code]))
    assert re.fullmatch(r"[A-Za-z0-9]{64}", form["fields"].pop("csrfmiddlewaretoken")) and form["fields"] == {}
    assert 'id="register-keys">Click a cell for the next status, or focus it and press' in register.content.decode()
    assert "{#" not in register.content.decode()  # a template comment over several lines prints as text


@pytest.mark.django_db
def test_a_cell_marks_without_javascript_too(login, secretariat, grid):
    """A button of the marks form, submitted by the browser itself: the next status, and the register again."""
    project, session, nomination = grid
    client = login(secretariat)
    url = reverse("attendance:mark", args=[project.code])
    response = client.post(url, {"cell": f"{nomination.pk}-{session.pk}"})
    register = reverse("attendance:register", args=[project.code])
    assert response.status_code == 302 and response["Location"] == f"{register}#cell-{nomination.pk}-{session.pk}"
    assert Mark.objects.get(session=session, nomination=nomination).status == Status.PRESENT
    client.post(url, {"cell": f"{nomination.pk}-{session.pk}"})
    assert Mark.objects.get(session=session, nomination=nomination).status == Status.LATE


@pytest.mark.django_db
@pytest.mark.parametrize("cell", ["", "12", "12-", "-12", "a-b", "1-2-3", "1 -2", "99999999999999999999-1"])
def test_a_cell_that_is_not_one_is_404_and_marks_nothing(login, secretariat, grid, cell):
    project, session, nomination = grid
    response = login(secretariat).post(reverse("attendance:mark", args=[project.code]), {"cell": cell})
    assert response.status_code == 404 and not Mark.objects.exists()


@pytest.mark.django_db
def test_a_cell_of_another_project_is_404(login, secretariat, grid):
    project, session, nomination = grid
    elsewhere = SessionFactory(project=ProjectFactory())
    response = login(secretariat).post(
        reverse("attendance:mark", args=[project.code]), {"cell": f"{nomination.pk}-{elsewhere.pk}"}
    )
    assert response.status_code == 404 and not Mark.objects.exists()


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
        {"cell": f"{nomination.pk}-{session.pk}", "status": "a"},
        HTTP_HX_REQUEST="true",
    )
    page = _register(client, project).content.decode()
    drawn = re.search(r'<td class="att-cell.*?</td>', page, flags=re.S).group(0)
    cell, attended = re.fullmatch(r"(<td.*?</td>)(<td.*</td>)", answer.content.decode(), flags=re.S).groups()
    assert parse_html(cell) == parse_html(drawn)
    # ...with the row's last cell, for htmx to put in place of the page's: the count follows the mark.
    drawn = re.search(rf'<td [^>]*id="attended-{nomination.pk}".*?</td>', page, flags=re.S).group(0)
    assert parse_html(attended.replace(' hx-swap-oob="true"', "")) == parse_html(drawn)
    assert 'hx-swap-oob="true"' in attended and "0/1" in attended
    present = client.post(
        reverse("attendance:mark", args=[project.code]),
        {"cell": f"{nomination.pk}-{session.pk}", "status": "p"},
        HTTP_HX_REQUEST="true",
    )
    assert "1/1 Eligible" in page_text(present)


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


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["26-SME-902-PI-WSH-A", "40-CP-400-GE-DLN-A"])
def test_the_register_links_each_session_and_participant_to_their_actions(login, secretariat, code):
    project = ProjectFactory(code=code, modality=Project.Modality.FACE_TO_FACE)
    sessions = [SessionFactory(project=project, title=f"Day {day}") for day in (1, 2)]
    person = NominationFactory(project=project, status=Nomination.Status.SELECTED)
    content = _register(login(secretariat), project).content.decode()
    for session in sessions:
        assert f'action="{reverse("attendance:all_present", args=[code, session.pk])}"' in content
        for name in ("attendance:report_upload", "attendance:check_in_screen"):
            assert f'href="{reverse(name, args=[code, session.pk])}"' in content
    assert f'href="{reverse("attendance:override", args=[code, person.pk])}"' in content


@pytest.mark.django_db
def test_the_participants_page_shows_each_mark_the_count_and_the_certificate(login, secretariat, finished_project):
    from certificates import services as certificate_services
    from certificates.models import Certificate

    project, sessions, people = finished_project
    certificate_services.certificates_issue(actor=secretariat, project=project)
    for certificate in Certificate.objects.all():
        certificate_services.certificate_render(certificate_id=certificate.pk)
    Mark.objects.filter(nomination=people["sunil"], session=sessions[1]).delete()
    EligibilityOverride.objects.create(nomination=people["sunil"], reason="Ill on the day", granted_by=secretariat)
    Nomination.objects.filter(pk=people["sunil"].pk).update(full_name="Sunil <b>W</b>")

    response = login(secretariat).get(reverse("attendance:participants", args=[project.code]))
    rahul, minh = (Certificate.objects.get(nomination=people[who]) for who in ("rahul", "minh"))
    assert (
        "Attended "
        f"राजेश कुमार Late Present 2/2 Eligible Certificate {rahul.serial} "
        "Sunil <b>W</b> Present — 1/2 Eligible by override "
        f"Nguyễn Thị Minh Anh Present Present 2/2 Eligible Certificate {minh.serial} "
        "Asian Productivity Organization"
    ) in page_text(response)
    content = response.content.decode()
    for certificate in (rahul, minh):
        assert f'href="{reverse("certificates:download", args=[certificate.pk])}"' in content
    assert content.count('<span class="badge att-present">Present</span>') == 4
    assert content.count('<span class="badge att-none">—</span>') == 1


@pytest.mark.django_db
def test_a_participant_sees_their_mark_in_each_session(login, finished_project):
    from tests.factories import ParticipantFactory

    project, sessions, people = finished_project
    user = ParticipantFactory()
    Nomination.objects.filter(pk=people["sunil"].pk).update(participant=user)
    Mark.objects.filter(nomination=people["sunil"], session=sessions[1]).delete()
    page = page_text(login(user).get(reverse("attendance:my_project", args=[project.code])))
    assert "You attended 1 of 2 sessions." in page
    assert re.search(
        r"1\. Day 1 .* project time \(Asia/Colombo\) Present "
        r"2\. Day 2 .* project time \(Asia/Colombo\) Not yet recorded ",
        page,
    )
