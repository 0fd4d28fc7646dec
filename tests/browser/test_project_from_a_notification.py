"""The Secretariat makes a project from a notification's text: paste, read, check, save; the project page then
reads as the notification does (issue 18, items 1 and 3)."""

import pathlib

import pytest

from projects.models import Project
from tests.factories import DEFAULT_PASSWORD, SecretariatFactory

SEED = pathlib.Path(__file__).resolve().parents[1] / "projects" / "data" / "notification_001.txt"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_project_from_a_pasted_notification(live_server, page, screenshot):
    SecretariatFactory(email="officer@apo-tokyo.org", full_name="Aiko Tanaka")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("officer@apo-tokyo.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="New project").first.click()
    page.get_by_role("link", name="Read a notification instead").click()
    page.get_by_label("Paste the notification's text").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Read the notification").click()

    status = page.get_by_role("status").filter(has_text="read from the notification")
    assert status.is_visible()
    assert "No project code (such as 22-CP-41-GE-DLN-A) was found: enter it." in status.inner_text()
    assert page.get_by_label("Title").input_value() == "Productivity of the Public Sector"
    assert page.get_by_label("Start date").input_value() == "2022-08-24"
    assert page.get_by_label("Closing date for nominations").input_value() == "2022-08-03"
    assert page.get_by_label("All member economies participate").is_checked()
    assert page.get_by_label("Signed by").input_value() == "Dr. AKP Mochtan"
    assert page.get_by_role("heading", name="Program read from the notification").is_visible()
    screenshot("notification-read-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("notification-read-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not Project.objects.exists()

    page.get_by_label("Project code").fill("22-PS-01-GE-DMC-A")
    page.get_by_role("button", name="Create draft").click()
    assert page.get_by_text("with 3 sessions from the notification's program").is_visible()
    project = Project.objects.get()
    assert project.sessions.count() == 3

    page.goto(f"{live_server.url}/projects/{project.code}/")
    main = page.locator("main").inner_text()
    order = ["Objectives", "Background", "Scope, methodology", "Certificate of attendance", "Financial arrangements"]
    positions = [main.find(heading) for heading in order + ["Implementation procedures", "Dr. AKP Mochtan"]]
    assert -1 not in positions and positions == sorted(positions)
    assert page.get_by_text("Challenges in performance management systems during and after the pandemic").is_visible()
    screenshot("project-from-notification")
