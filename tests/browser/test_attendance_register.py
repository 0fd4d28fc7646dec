"""The Secretariat marks the register by click and key, then imports a Zoom report for a session."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from attendance.models import Mark
from nominations.models import Nomination
from tests.browser.conftest import SCREENSHOTS
from tests.browser.walk import log_in
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COLOMBO = zoneinfo.ZoneInfo("Asia/Colombo")

ZOOM = """Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Anna Perera,anna@example.lk,08/25/2030 12:58:00 PM,08/25/2030 04:01:00 PM,183,No
Sunil W (Sunil Wijesinghe),,08/25/2030 01:30:00 PM,08/25/2030 02:00:00 PM,30,Yes
"""


def test_marking_the_register_and_importing_a_zoom_report(live_server, page, screenshot, tmp_path):
    project = ProjectFactory(
        code="30-CP-41-GE-DLN-A",
        time_zone="Asia/Colombo",
        start_date=datetime.date(2030, 8, 24),
        end_date=datetime.date(2030, 8, 25),
    )
    day1 = SessionFactory(
        project=project,
        title="Day 1",
        starts_at=datetime.datetime(2030, 8, 24, 13, tzinfo=COLOMBO),
        ends_at=datetime.datetime(2030, 8, 24, 16, tzinfo=COLOMBO),
    )
    day2 = SessionFactory(
        project=project,
        title="Day 2",
        starts_at=datetime.datetime(2030, 8, 25, 13, tzinfo=COLOMBO),
        ends_at=datetime.datetime(2030, 8, 25, 16, tzinfo=COLOMBO),
    )
    anna = NominationFactory(
        project=project, status=Nomination.Status.SELECTED, full_name="Anna Perera", email="anna@example.lk"
    )
    sunil = NominationFactory(project=project, status=Nomination.Status.SELECTED, full_name="Sunil Wijesinghe")
    SecretariatFactory(email="officer@apo-tokyo.org")

    log_in(page, live_server.url, "officer@apo-tokyo.org")
    page.goto(f"{live_server.url}/manage/projects/{project.code}/attendance/")

    anna_day1 = page.get_by_role("button", name="Anna Perera, Day 1: not marked")
    page.evaluate("window.notReloaded = true")
    anna_day1.click()  # one click: present, without reloading the page
    page.get_by_role("button", name="Anna Perera, Day 1: Present").wait_for()
    assert page.evaluate("window.notReloaded === true")
    expect(page.get_by_role("row", name="Anna Perera").get_by_text("1/2")).to_be_visible()  # the count follows
    sunil_day1 = page.get_by_role("button", name="Sunil Wijesinghe, Day 1: not marked")
    sunil_day1.focus()
    page.keyboard.press("l")  # one key: late
    page.get_by_role("button", name="Sunil Wijesinghe, Day 1: Late").wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Sunil Wijesinghe, Day 1: Late"
    assert page.evaluate("window.notReloaded === true")
    assert dict(Mark.objects.filter(session=day1).values_list("nomination__full_name", "status")) == {
        "Anna Perera": "present",
        "Sunil Wijesinghe": "late",
    }
    screenshot("attendance-register")

    report = tmp_path / "zoom-day2.csv"
    report.write_text(ZOOM)
    page.locator(f"a[href$='/attendance/{day2.pk}/import/']").click()
    page.get_by_label("Zoom or Teams attendance report").set_input_files(str(report))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("1 present, 1 absent, of 2 participants")).to_be_visible()
    screenshot("attendance-import-preview")
    page.get_by_role("button", name="Apply these marks").click()
    expect(page.get_by_role("alert").get_by_text("Confirm: apply these marks to “Day 2”?")).to_be_visible()
    assert not Mark.objects.filter(session=day2).exists()  # asked first, without JavaScript
    page.get_by_role("button", name="Yes, apply these marks").click()
    expect(page.get_by_text("Attendance imported for “Day 2”")).to_be_visible()
    marks = dict(Mark.objects.filter(session=day2).values_list("nomination", "status"))
    assert marks == {anna.pk: "present", sunil.pk: "absent"}
    # the import's page lists what it set (and can undo it); the register shows the result
    expect(page.get_by_role("row", name="Sunil Wijesinghe").get_by_text("no mark")).to_be_visible()
    page.get_by_role("link", name="Back to the register").click()
    expect(page.get_by_text("2/2 Eligible")).to_be_visible()  # Anna attended both days


def test_on_a_phone_the_register_scrolls_inside_itself_and_keeps_the_names_in_view(live_server, browser):
    """390 px wide, six sessions: the table scrolls in its own box (not the page), and once scrolled to the
    last session each participant's name is still where it was, on top of the cells passing under it."""
    start = datetime.date(2030, 8, 24)
    project = ProjectFactory(
        code="30-CP-42-GE-DLN-A",
        time_zone="Asia/Colombo",
        start_date=start,
        end_date=start + datetime.timedelta(days=5),
    )
    for day in range(6):
        starts = datetime.datetime.combine(start + datetime.timedelta(days=day), datetime.time(13), tzinfo=COLOMBO)
        SessionFactory(
            project=project, title=f"Day {day + 1}", starts_at=starts, ends_at=starts + datetime.timedelta(hours=3)
        )
    for name in ("Anna Perera", "Sunil Wijesinghe", "Nguyễn Thị Minh Anh"):
        NominationFactory(project=project, status=Nomination.Status.SELECTED, full_name=name)
    SecretariatFactory(email="officer@apo-tokyo.org")
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Asia/Colombo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server.url, "officer@apo-tokyo.org")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/manage/projects/{project.code}/attendance/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not scroll
        box = page.locator(".table-responsive:has(.att-register)")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the table does, inside its box
        name = page.get_by_role("rowheader", name="Sunil Wijesinghe")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the rows in the viewport
        before = name.bounding_box()
        box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
        page.get_by_role("button", name="Sunil Wijesinghe, Day 6: not marked").wait_for()
        expect(page.get_by_role("button", name="Sunil Wijesinghe, Day 6: not marked")).to_be_visible()
        after = name.bounding_box()
        assert abs(after["x"] - before["x"]) < 1 and after["x"] >= 0, (before, after)
        # On top of the cells scrolled under it: the point at the name's centre is the name's cell.
        on_top = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent",
            [after["x"] + after["width"] / 2, after["y"] + after["height"] / 2],
        )
        assert "Sunil Wijesinghe" in on_top
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "attendance-register-390-scrolled.png"), full_page=True)
    finally:
        context.close()
