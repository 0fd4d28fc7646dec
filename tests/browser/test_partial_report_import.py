"""A partial Zoom report over Present marks: the Secretariat sees what it would undo, confirms, sees the
certificates it affects flagged, and undoes the import (issue 14, item 3; PRODUCT.md rule 12)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import Mark
from certificates import services as certificate_services
from certificates.models import Certificate
from nominations.models import Nomination
from tests.browser.walk import log_in
from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Anna Perera", "Budi Santoso", "Chen Wei", "Dewi Lestari"]


def _zoom(session, name, email):
    start = session.starts_at.astimezone(session.project.zone)
    end = session.ends_at.astimezone(session.project.zone)
    return (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        f"{name},{email},{start:%m/%d/%Y %I:%M:%S %p},{end:%m/%d/%Y %I:%M:%S %p},180,No\n"
    )


def test_a_partial_report_is_confirmed_flagged_and_undone(live_server, page, screenshot, tmp_path):
    start = timezone.localdate() - datetime.timedelta(days=10)
    project = ProjectFactory(
        code="26-CP-77-GE-DLN-A", time_zone="Asia/Colombo", start_date=start, end_date=start + datetime.timedelta(1)
    )
    day1, day2 = (
        SessionFactory(
            project=project,
            title=f"Day {i + 1}",
            starts_at=datetime.datetime.combine(start + datetime.timedelta(i), datetime.time(13), tzinfo=project.zone),
            ends_at=datetime.datetime.combine(start + datetime.timedelta(i), datetime.time(16), tzinfo=project.zone),
        )
        for i in range(2)
    )
    people = [
        NominationFactory(
            project=project, status=Nomination.Status.SELECTED, full_name=name, email=f"{name.split()[0].lower()}@x.org"
        )
        for name in NAMES
    ]
    for nomination in people:  # everyone checked in to both days
        for session in (day1, day2):
            Mark.objects.create(
                session=session, nomination=nomination, status="present", source="check_in", set_at=timezone.now()
            )
    officer = SecretariatFactory(email="officer@apo-tokyo.org")
    certificate_services.certificates_issue(actor=officer, project=project)
    Certificate.objects.update(render_status=Certificate.RenderStatus.RENDERED)

    log_in(page, live_server.url, "officer@apo-tokyo.org")
    page.goto(f"{live_server.url}/manage/projects/{project.code}/attendance/")

    # A report of one of the four: by default the three missing from it keep their Present marks.
    report = tmp_path / "zoom-day2-partial.csv"
    report.write_text(_zoom(day2, "Anna Perera", "anna@x.org"))
    page.locator(f"a[href$='/attendance/{day2.pk}/import/']").click()
    page.get_by_label("Zoom or Teams attendance report").set_input_files(str(report))
    page.get_by_role("button", name="Upload and preview").click()
    summary = page.get_by_label("Summary")
    expect(summary).to_contain_text("0 existing marks to change")
    expect(summary).to_contain_text("kept as they are: 0 set by staff, 3 not in the report who have a mark.")

    # Asking for the missing to be marked absent over their marks: the preview says what it undoes.
    page.get_by_label("Mark people missing from the report absent, over the marks they already have").check()
    page.get_by_role("button", name="Preview again with these options").click()
    changes = page.get_by_role("region", name="Existing marks this import changes")
    expect(changes).to_contain_text("3 present → absent: Budi Santoso, Chen Wei, Dewi Lestari")
    expect(changes).to_contain_text(
        "3 would no longer be eligible for the certificate they hold: Budi Santoso, Chen Wei, Dewi Lestari"
    )
    screenshot("attendance-import-partial-preview")

    page.get_by_role("button", name="Apply these marks").click()
    alert = page.get_by_role("alert").filter(has_text="Confirm: this import changes 3 existing marks")
    expect(alert).to_be_visible()
    assert Mark.objects.filter(session=day2, status="present").count() == 4  # nothing yet
    screenshot("attendance-import-confirm")
    page.get_by_role("button", name="Change 3 existing marks and apply").click()
    expect(page.get_by_text("Attendance imported for “Day 2”: 4 mark(s) changed")).to_be_visible()
    assert Mark.objects.filter(session=day2, status="absent").count() == 3
    import_url = page.url

    # The three certificates stay valid and are flagged on the certificates page and the home page.
    page.goto(f"{live_server.url}/manage/projects/{project.code}/certificates/")
    flag = page.get_by_role("region", name="3 certificate holders are no longer eligible")
    for name in NAMES[1:]:
        expect(flag).to_contain_text(f"{name} (")
    expect(page.get_by_text("Holder no longer eligible: decide")).to_have_count(3)
    screenshot("certificates-no-longer-eligible")
    page.goto(f"{live_server.url}/")
    home_flag = page.get_by_role("region", name="Certificates whose holder is no longer eligible")
    for name in NAMES[1:]:
        expect(home_flag).to_contain_text(name)
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 4

    # Undo: each mark returns to what it was, and the flags go.
    page.goto(import_url)
    page.get_by_role("link", name="Undo this import").click()
    expect(page.get_by_text("4 marks will return to what they were before the import")).to_be_visible()
    page.get_by_role("button", name="Yes, undo this import").click()
    expect(page.get_by_text("Import undone: 4 mark(s) returned to what they were.")).to_be_visible()
    assert Mark.objects.filter(session=day2, status="present", source="check_in").count() == 4
    page.goto(f"{live_server.url}/manage/projects/{project.code}/certificates/")
    expect(page.get_by_text("no longer eligible")).to_have_count(0)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Certificates whose holder is no longer eligible")).to_have_count(0)
