"""A program officer creates a project with two sessions, publishes it, and the public finds it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.walk import log_out
from tests.factories import DEFAULT_PASSWORD, ProjectFactory, SecretariatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_creates_and_publishes_a_project_that_appears_in_the_catalogue(live_server, page, screenshot):
    ProjectFactory(title="Smart Manufacturing for SMEs")
    SecretariatFactory(email="officer@apo-tokyo.org", full_name="Aiko Tanaka")
    start = timezone.localdate() + datetime.timedelta(days=90)

    page.goto(f"{live_server.url}/projects/")
    expect(page.get_by_role("heading", name="APO training projects")).to_be_visible()
    expect(page.get_by_role("link", name="Smart Manufacturing for SMEs")).to_be_visible()
    screenshot("catalogue")

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail address").fill("officer@apo-tokyo.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="What waits on a decision")).to_be_visible()

    page.get_by_role("link", name="New project").first.click()
    page.get_by_label("Project code").fill("27-CP-41-GE-DLN-A")
    page.get_by_label("Title").fill("Performance Management in the Public Sector")
    page.get_by_label("Type").select_option(label="Workshop")
    page.get_by_label("Modality").select_option(label="Digital")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill((start + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Closing date for nominations").fill((start - datetime.timedelta(days=21)).isoformat())
    page.get_by_label("Time zone").fill("Asia/Colombo")
    page.get_by_label("Hosting economy").select_option(label="Sri Lanka")
    page.get_by_label("All member economies participate").check()
    page.get_by_label("Overseas participants").fill("38")
    page.get_by_label("Local participants").fill("12")
    screenshot("project-form")
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_role("heading", name="Program: Performance Management in the Public Sector")).to_be_visible()
    for number, (title, hour) in enumerate([("Definition and evolution", "13:00"), ("Strategic plans", "13:30")]):
        day = (start + datetime.timedelta(days=number)).isoformat()
        new_session = page.get_by_role("group", name="New session")
        new_session.get_by_label("Title").fill(title)
        new_session.get_by_label("Day").fill(day)
        new_session.get_by_label("Starts").fill(hour)
        new_session.get_by_label("Ends").fill("16:00")
        page.get_by_role("button", name="Save and add another session").click()
        expect(page.get_by_text("The program was saved.")).to_be_visible()
    page.get_by_role("link", name="Back to the project").click()

    page.get_by_role("link", name="Publish").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("27-CP-41-GE-DLN-A is now published.")).to_be_visible()
    expect(page.get_by_text("Day 2:")).to_be_visible()
    screenshot("project-page")

    log_out(page, live_server.url)
    page.goto(f"{live_server.url}/projects/?q=performance")
    expect(page.get_by_role("link", name="Performance Management in the Public Sector")).to_be_visible()
    assert page.get_by_role("link", name="Smart Manufacturing for SMEs").count() == 0

    project = Project.objects.get(code="27-CP-41-GE-DLN-A")
    assert project.status == Project.Status.PUBLISHED
    assert [s.title for s in project.sessions.all()] == ["Definition and evolution", "Strategic plans"]
    assert project.participating_economies.count() == 21
