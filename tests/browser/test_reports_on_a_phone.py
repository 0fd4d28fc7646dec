"""The reports on a 390 px phone: every economy of the funnel chart readable, no table wider than the screen."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Economy
from nominations.models import Nomination
from projects.models import Project
from tests.browser.conftest import SCREENSHOTS
from tests.browser.walk import log_in
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}

# Which axis of the funnel chart carries the economies, how many of their names it draws, and the
# room each gets along it, in CSS pixels.
CATEGORY_AXIS = """() => {
  const chart = window.Chart.getChart(document.querySelector('canvas[data-chart="funnel"]'));
  const axis = chart.options.indexAxis === "y" ? chart.scales.y : chart.scales.x;
  const length = axis.isHorizontal() ? axis.width : axis.height;
  return {labels: axis.ticks.length, room: length / chart.data.labels.length, rotation: axis.labelRotation};
}"""


def test_the_reports_fit_a_phone_and_the_economies_chart_names_every_economy(live_server, browser):
    start = timezone.localdate() - datetime.timedelta(days=20)
    codes = list(Economy.objects.values_list("code", flat=True))
    assert len(codes) == 21
    project = ProjectFactory(
        code="26-CP-41-GE-DLN-A",
        title="Productivity of the Public Sector",
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=40),
        participating_economies=codes,
        status=Project.Status.COMPLETED,
    )
    for day in range(2):
        starts = datetime.datetime.combine(start + datetime.timedelta(days=day), datetime.time(9), tzinfo=project.zone)
        SessionFactory(
            project=project,
            title=f"Day {day + 1}: measuring productivity in public services",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
        )
    for economy in Economy.objects.all():
        NominationFactory(project=project, economy=economy, status=Nomination.Status.SELECTED)
    SecretariatFactory(email="officer@apo-tokyo.org")

    context = browser.new_context(viewport=PHONE, timezone_id="Asia/Colombo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server.url, "officer@apo-tokyo.org")

        page.goto(f"{live_server.url}/reports/")
        page.wait_for_function("() => window.Chart && window.Chart.getChart(document.querySelector('canvas'))")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "reports-on-a-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        axis = page.evaluate(CATEGORY_AXIS)
        assert axis["labels"] == 21, axis  # no economy's name left out to make room
        assert axis["room"] >= 24 and axis["rotation"] == 0, axis  # a line of its own for each, read level

        page.goto(f"{live_server.url}/reports/projects/{project.code}/")
        page.get_by_role("heading", name="Attendance per session").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_an_npo_officers_candidates_fit_a_phone(live_server, browser):
    """The economy's candidates with the reorder buttons fit a phone: the table does not scroll sideways (the
    status stands beside the name), and the buttons sit beside the rank (in a last column they were cut off)."""
    from tests.browser.walk import log_in
    from tests.factories import NPOOfficerFactory

    project = ProjectFactory(participating_economies=["LK"])
    for rank, name in enumerate(["Dilshan Fernando", "Chamari Jayasinghe", "Kasun Rathnayake"], start=1):
        NominationFactory(
            project=project,
            full_name=name,
            priority_rank=rank,
            organization="National Productivity Secretariat, Sri Lanka",
        )
    NPOOfficerFactory(email="npo@npslanka.gov.lk")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "npo@npslanka.gov.lk")
    page.goto(f"{live_server.url}/projects/{project.code}/nominations/")
    assert page.get_by_role("button", name="Move Chamari Jayasinghe up").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = page.locator("#economy-nominations .table-responsive")
    assert table.evaluate("box => box.scrollWidth <= box.clientWidth"), "the table scrolls sideways"
    row = page.locator("tbody tr").filter(has_text="Chamari Jayasinghe")
    assert row.get_by_text("Under review").filter(visible=True).count() == 1  # beside the name
    documents = row.locator("td").last.bounding_box()  # what is still lacking: the widest cell
    assert documents["x"] + documents["width"] <= PHONE["width"], documents
    for name in ["Move Chamari Jayasinghe up", "Move Chamari Jayasinghe down"]:
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        assert box["width"] >= 24 and box["height"] >= 24, (name, box)  # WCAG 2.2's smallest target
    page.get_by_role("button", name="Move Chamari Jayasinghe up").click()  # htmx swaps the table alone
    page.locator("tbody tr").first.get_by_text("Chamari Jayasinghe").wait_for()
    context.close()
