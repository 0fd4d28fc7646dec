"""The register with the keyboard alone (issue 17, item 6): Tab reaches a cell, a key sets its mark, Enter moves it
to the next status, and each change is saved."""

import pytest

from attendance.models import Mark
from nominations.models import Nomination
from tests.browser.walk import log_in
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_name(page) -> str:
    return page.evaluate("document.activeElement.getAttribute('aria-label') || document.activeElement.textContent")


def test_a_mark_is_set_with_the_keyboard_alone(live_server, page):
    project = ProjectFactory(code="26-CP-41-GE-DLN-A")
    session = SessionFactory(project=project, title="Day 1")
    anna = NominationFactory(project=project, status=Nomination.Status.SELECTED, full_name="Anna Perera")
    SecretariatFactory(email="officer@apo-tokyo.org")
    log_in(page, live_server.url, "officer@apo-tokyo.org")
    page.goto(f"{live_server.url}/manage/projects/{project.code}/attendance/")

    for _ in range(60):  # Tab from the top of the page, as a keyboard user does, until a cell has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('[data-mark-cell]')"):
            break
    assert focused_name(page) == "Anna Perera, Day 1: not marked"
    page.keyboard.press("a")  # absent
    page.get_by_role("button", name="Anna Perera, Day 1: Absent").wait_for()
    assert focused_name(page) == "Anna Perera, Day 1: Absent"  # the focus stays on the swapped cell
    assert Mark.objects.get(session=session, nomination=anna).status == Mark.Status.ABSENT

    page.keyboard.press("Enter")  # the button's own key: the next status
    page.get_by_role("button", name="Anna Perera, Day 1: Excused").wait_for()
    assert Mark.objects.get(session=session, nomination=anna).status == Mark.Status.EXCUSED
    assert page.evaluate("document.activeElement.matches('[data-mark-cell]')")
