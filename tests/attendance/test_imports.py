"""A partial meeting report never silently undoes attendance (issue 14, item 3; PRODUCT.md rule 12)."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from attendance import services
from attendance.models import AttendanceImport, AttendanceReport, Mark
from audit.models import AuditEntry
from certificates import services as certificate_services
from tests.pages import page_text

Status = Mark.Status


def zoom_report(session, rows) -> str:
    """A Zoom participant report for `session`: (name, e-mail, minutes from the session's start)."""
    start = session.starts_at.astimezone(session.project.zone)
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    for name, email, minutes in rows:
        leave = start + (session.ends_at - session.starts_at) * minutes / session.duration_minutes
        lines.append(f"{name},{email},{start:%m/%d/%Y %I:%M:%S %p},{leave:%m/%d/%Y %I:%M:%S %p},{minutes},No")
    return "\n".join(lines) + "\n"


@pytest.fixture
def certified(secretariat, finished_project):
    """Minh and Rahul hold certificates. Day 2's marks came from an earlier meeting report (imports overwrite
    those, unlike staff marks): Minh present, Rahul present, Sunil absent."""
    project, sessions, people = finished_project
    certificate_services.certificates_issue(actor=secretariat, project=project)
    Mark.objects.filter(session=sessions[1]).update(source=Mark.Source.REPORT)
    return project, sessions[1], people


def partial(session):
    """Minh left after 30 minutes, Sunil stayed throughout; Rahul is not in the report."""
    return zoom_report(session, [("Nguyễn Thị Minh Anh", "minh@example.vn", 30), ("Sunil", "sunil@example.lk", 180)])


def _upload(client, project, session, content):
    response = client.post(
        reverse("attendance:report_upload", args=[project.code, session.pk]),
        {"file": SimpleUploadedFile("zoom.csv", content.encode()), "time_zone": project.time_zone},
    )
    return (
        reverse("attendance:report", args=[project.code, AttendanceReport.objects.latest("pk").pk])
        if (response.status_code == 302)
        else pytest.fail(page_text(response))
    )


def _marks(session):
    return dict(Mark.objects.filter(session=session).values_list("nomination__email", "status"))


BEFORE = {"minh@example.vn": "present", "rahul@example.in": "present", "sunil@example.lk": "absent"}


@pytest.mark.django_db
def test_people_missing_from_a_report_keep_the_marks_they_have(login, secretariat, certified):
    project, session, people = certified
    client = login(secretariat)
    url = _upload(client, project, session, partial(session))
    asked = client.post(url, {"apply": ""})
    client.post(url, {"apply": "", "confirm": asked.context["preview"].changes_digest})
    assert _marks(session) == {**BEFORE, "minh@example.vn": "absent", "sunil@example.lk": "present"}


@pytest.mark.django_db
def test_people_missing_from_a_report_without_a_mark_become_absent(login, secretariat, certified):
    project, session, people = certified
    Mark.objects.filter(session=session, nomination=people["rahul"]).delete()
    client = login(secretariat)
    url = _upload(client, project, session, partial(session))
    asked = client.post(url, {"apply": ""})
    client.post(url, {"apply": "", "confirm": asked.context["preview"].changes_digest})
    assert _marks(session)["rahul@example.in"] == "absent"


@pytest.mark.django_db
def test_the_preview_lists_each_change_of_an_existing_mark_and_who_loses_eligibility(login, secretariat, certified):
    project, session, people = certified
    client = login(secretariat)
    url = _upload(client, project, session, partial(session))
    page = page_text(client.get(url))
    assert "Existing marks to change: 1 absent → present, 1 present → absent." in page
    assert "1 would no longer be eligible for the certificate they hold: Nguyễn Thị Minh Anh." in page
    assert "kept as they are: 0 set by staff, 1 not in the report who have a mark." in page
    ticked = page_text(client.post(url, {"preview": "", "mark_missing_absent": "on"}))
    assert "Existing marks to change: 2 present → absent, 1 absent → present." in ticked
    assert "2 present → absent: राजेश कुमार, Nguyễn Thị Minh Anh" in ticked
    assert "2 would no longer be eligible for the certificate they hold: राजेश कुमार, Nguyễn Thị Minh Anh." in ticked
    assert _marks(session) == BEFORE  # a preview changes nothing


@pytest.mark.django_db
def test_the_option_marks_missing_people_absent_over_their_marks(login, secretariat, certified):
    project, session, people = certified
    client = login(secretariat)
    url = _upload(client, project, session, partial(session))
    asked = client.post(url, {"apply": "", "mark_missing_absent": "on"})
    client.post(url, {"apply": "", "mark_missing_absent": "on", "confirm": asked.context["preview"].changes_digest})
    assert _marks(session) == {"minh@example.vn": "absent", "rahul@example.in": "absent", "sunil@example.lk": "present"}


@pytest.mark.django_db
def test_applying_changes_to_existing_marks_needs_the_confirmation_of_those_changes(login, secretariat, certified):
    project, session, people = certified
    client = login(secretariat)
    url = _upload(client, project, session, partial(session))
    asked = client.post(url, {"apply": "", "mark_missing_absent": "on"})
    assert asked.status_code == 200
    assert "Confirm: this import changes 3 existing marks" in page_text(asked)
    assert _marks(session) == BEFORE and not AttendanceImport.objects.exists()
    # a confirmation of other changes (here: without the option) is no confirmation of these
    other = client.post(url, {"apply": ""}).context["preview"].changes_digest
    again = client.post(url, {"apply": "", "mark_missing_absent": "on", "confirm": other})
    assert "Confirm: this import changes 3 existing marks" in page_text(again)
    assert _marks(session) == BEFORE
    confirm = asked.context["preview"].changes_digest
    done = client.post(url, {"apply": "", "mark_missing_absent": "on", "confirm": confirm}, follow=True)
    assert "Attendance imported for “Day 2”: 3 mark(s) changed" in page_text(done)
    assert _marks(session)["rahul@example.in"] == "absent"


@pytest.mark.django_db
def test_an_import_that_sets_only_new_marks_needs_no_confirmation(login, secretariat, certified):
    project, session, people = certified
    Mark.objects.filter(session=session).delete()
    client = login(secretariat)
    url = _upload(client, project, session, partial(session))
    client.post(url, {"apply": "", "confirm": ""})
    assert _marks(session) == {"minh@example.vn": "absent", "rahul@example.in": "absent", "sunil@example.lk": "present"}


@pytest.mark.django_db
def test_an_import_is_undone_mark_by_mark_except_where_changed_since(login, secretariat, certified):
    project, session, people = certified
    Mark.objects.filter(session=session, nomination=people["rahul"]).delete()  # the import will make his
    client = login(secretariat)
    url = _upload(client, project, session, partial(session))
    asked = client.post(url, {"apply": ""})
    client.post(url, {"apply": "", "confirm": asked.context["preview"].changes_digest})
    applied = AttendanceImport.objects.get()
    assert _marks(session) == {"minh@example.vn": "absent", "rahul@example.in": "absent", "sunil@example.lk": "present"}
    # after the import, staff mark Sunil late by hand: undo must leave that
    services.mark_set(actor=secretariat, session=session, nomination=people["sunil"], status=Status.LATE)

    undo_url = reverse("attendance:import_undo", args=[project.code, applied.pk])
    confirm = page_text(client.get(undo_url))
    assert "2 marks will return to what they were before the import" in confirm
    assert _marks(session)["minh@example.vn"] == "absent"  # asking changes nothing
    done = page_text(client.post(undo_url, follow=True))
    assert (
        "Import undone: 2 mark(s) returned to what they were; 1 changed since the import and kept as they are: "
        "Sunil Wijesinghe." in done
    )
    assert _marks(session) == {"minh@example.vn": "present", "sunil@example.lk": "late"}  # Rahul's mark is gone
    minh = Mark.objects.get(session=session, nomination=people["minh"])
    assert minh.source == Mark.Source.REPORT and minh.report is None  # as it was, not as the undo's actor set it
    restored = AuditEntry.objects.filter(action="attendance.mark.restored")
    assert sorted(e.changes["status"][1] or "none" for e in restored) == ["none", "present"]
    assert AuditEntry.objects.filter(action="attendance.import.undone").count() == 1
    assert "This import was undone already" in page_text(client.post(undo_url, follow=True))


@pytest.mark.django_db
def test_only_the_secretariat_sees_or_undoes_an_import(client, login, secretariat, npo_officer, certified):
    project, session, people = certified
    url = _upload(login(secretariat), project, session, partial(session))
    asked = client.post(url, {"apply": ""})
    client.post(url, {"apply": "", "confirm": asked.context["preview"].changes_digest})
    applied = AttendanceImport.objects.get()
    client.logout()
    login(npo_officer)
    for name in ("attendance:import", "attendance:import_undo"):
        assert client.get(reverse(name, args=[project.code, applied.pk])).status_code == 404
    assert client.post(reverse("attendance:import_undo", args=[project.code, applied.pk])).status_code == 404
    assert AttendanceImport.objects.get().undone_at is None


@pytest.mark.django_db
def test_the_command_prints_the_changes_and_applies_them_only_when_confirmed(certified, tmp_path):
    project, session, people = certified
    path = tmp_path / "zoom.csv"
    path.write_text(partial(session))
    out = StringIO()
    with pytest.raises(CommandError, match="This import changes 3 existing mark"):
        call_command("import_attendance", session.pk, str(path), "--mark-missing-absent", stdout=out)
    assert "Existing marks to change: 2 present → absent, 1 absent → present." in out.getvalue()
    assert "2 would no longer be eligible for the certificate they hold" in out.getvalue()
    assert _marks(session) == BEFORE
    call_command("import_attendance", session.pk, str(path), "--confirm-changes", stdout=StringIO())
    assert _marks(session) == {**BEFORE, "minh@example.vn": "absent", "sunil@example.lk": "present"}
    assert AttendanceImport.objects.get().marks.count() == 2


@pytest.mark.django_db
def test_the_preview_makes_the_same_number_of_queries_at_any_size(
    login, secretariat, certified, django_assert_num_queries
):
    from tests.factories import NominationFactory

    project, session, people = certified
    client = login(secretariat)
    url = _upload(client, project, session, partial(session))
    for size in (0, 10):
        for _ in range(size):
            nomination = NominationFactory(project=project, status="selected")
            services.mark_set(actor=secretariat, session=session, nomination=nomination, status=Status.PRESENT)
        # user, project, report, participants, sessions, holders, marks, earlier imports
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200
