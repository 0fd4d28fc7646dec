"""The Secretariat makes a project from a notification's text: paste, read, check, save; the project page then
reads as the notification does (issue 18, items 1 and 3)."""

import pathlib

import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.walk import log_in
from tests.factories import SecretariatFactory

SEED = pathlib.Path(__file__).resolve().parents[1] / "projects" / "data" / "notification_001.txt"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_project_from_a_pasted_notification(live_server, page, screenshot):
    SecretariatFactory(email="officer@apo-tokyo.org", full_name="Aiko Tanaka")
    log_in(page, live_server.url, "officer@apo-tokyo.org")

    page.get_by_role("link", name="New project").first.click()
    page.get_by_role("link", name="Read a notification instead").click()
    page.get_by_label("Paste the notification's text").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Read the notification").click()

    status = page.get_by_role("status").filter(has_text="read from the notification")
    expect(status).to_contain_text("No project code (such as 22-CP-41-GE-DLN-A) was found: enter it.")
    expect(page.get_by_label("Title")).to_have_value("Productivity of the Public Sector")
    expect(page.get_by_label("Start date")).to_have_value("2022-08-24")
    expect(page.get_by_label("Closing date for nominations")).to_have_value("2022-08-03")
    expect(page.get_by_label("All member economies participate")).to_be_checked()
    expect(page.get_by_label("Signed by")).to_have_value("Dr. AKP Mochtan")
    expect(page.get_by_role("heading", name="Program read from the notification")).to_be_visible()
    screenshot("notification-read-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("notification-read-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not Project.objects.exists()

    page.get_by_label("Project code").fill("22-PS-01-GE-DMC-A")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("with 3 sessions from the notification's program")).to_be_visible()
    project = Project.objects.get()
    assert project.sessions.count() == 3

    page.goto(f"{live_server.url}/projects/{project.code}/")
    main = page.locator("main").inner_text()
    order = ["Objectives", "Background", "Scope, methodology", "Certificate of attendance", "Financial arrangements"]
    positions = [main.find(heading) for heading in order + ["Implementation procedures", "Dr. AKP Mochtan"]]
    assert -1 not in positions and positions == sorted(positions)
    session_topic = "Challenges in performance management systems during and after the pandemic"
    expect(page.get_by_text(session_topic)).to_be_visible()
    screenshot("project-from-notification")
