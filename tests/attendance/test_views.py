import datetime
import html
import re
import zoneinfo
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceReport, CheckIn, Mark
from audit.models import AuditEntry
from nominations.models import Nomination
from projects.models import Project
from tests.factories import NominationFactory, ParticipantFactory, ProjectFactory, SessionFactory, economy
from tests.pages import page_text

Status = Mark.Status
COLOMBO = zoneinfo.ZoneInfo("Asia/Colombo")


@pytest.fixture
def workshop(db):
    """A digital workshop in Colombo, one 13:00-16:00 session (180 minutes), three participants."""
    project = ProjectFactory(
        time_zone="Asia/Colombo",
        start_date=datetime.date(2030, 8, 24),
        end_date=datetime.date(2030, 8, 26),
        participating_economies=["LK", "PH"],
    )
    session = SessionFactory(
        project=project,
        title="Definition and evolution",
        starts_at=datetime.datetime(2030, 8, 24, 13, tzinfo=COLOMBO),
        ends_at=datetime.datetime(2030, 8, 24, 16, tzinfo=COLOMBO),
    )
    people = {
        "anna": NominationFactory(
            project=project, status=Nomination.Status.SELECTED, full_name="Anna Perera", email="anna@example.lk"
        ),
        "maria": NominationFactory(
            project=project,
            status=Nomination.Status.SELECTED,
            full_name="Santos, Maria",
            email="maria@dap.ph",
            economy=economy("PH"),
        ),
        "sunil": NominationFactory(
            project=project, status=Nomination.Status.SELECTED, full_name="Sunil Wijesinghe", email="sunil@example.lk"
        ),
    }
    return project, session, people


ZOOM = """Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Productivity of the Public Sector,08/24/2030 12:50:00 PM,08/24/2030 04:10:00 PM,host@apo-tokyo.org,200,4

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Anna Perera,anna@example.lk,08/24/2030 12:55:00 PM,08/24/2030 02:30:00 PM,95,No
Anna Perera,anna@example.lk,08/24/2030 02:25:00 PM,08/24/2030 04:05:00 PM,100,No
"Santos, Maria",,08/24/2030 01:00:00 PM,08/24/2030 03:23:00 PM,143,Yes
Visitor from ministry,,08/24/2030 01:00:00 PM,08/24/2030 04:00:00 PM,180,Yes
"""


def _upload(client, project, session, content=ZOOM, name="zoom.csv", time_zone="Asia/Colombo"):
    return client.post(
        reverse("attendance:report_upload", args=[project.code, session.pk]),
        {
            "file": SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content),
            "time_zone": time_zone,
        },
    )


@pytest.mark.django_db
def test_a_zoom_report_is_previewed_then_applied_and_applying_again_changes_nothing(login, secretariat, workshop):
    project, session, people = workshop
    client = login(secretariat)
    response = _upload(client, project, session)
    report = AttendanceReport.objects.get()
    assert response["Location"] == reverse("attendance:report", args=[project.code, report.pk])
    preview = page_text(client.get(response["Location"]))
    assert "1 present, 2 absent, of 3 participants" in preview  # Anna 180, Maria 143 < 144, Sunil absent
    assert "absent: Santos, Maria, 143 of 180 minutes" in preview
    assert "Visitor from ministry" in preview  # unmatched: listed for the officer
    assert not Mark.objects.exists()  # nothing is marked by a preview

    asked = client.post(response["Location"], {"apply": ""})  # asked to confirm first, even with no change
    assert (
        "Confirm: apply these marks to “Definition and evolution”? No existing mark changes; 3 participants get a mark"
        in page_text(asked)
    )
    assert not Mark.objects.exists()
    client.post(response["Location"], {"apply": "", "confirm": ""})
    marks = {m.nomination.full_name: (m.status, m.minutes, m.source) for m in Mark.objects.select_related("nomination")}
    assert marks == {
        "Anna Perera": ("present", 180, "report"),
        "Santos, Maria": ("absent", 143, "report"),
        "Sunil Wijesinghe": ("absent", 0, "report"),
    }
    audited = AuditEntry.objects.filter(action="attendance.mark.set").count()

    _upload(client, project, session)
    client.post(
        reverse("attendance:report", args=[project.code, AttendanceReport.objects.first().pk]),
        {"apply": "", "confirm": ""},
    )
    assert {
        m.nomination.full_name: (m.status, m.minutes, m.source) for m in Mark.objects.select_related("nomination")
    } == marks
    assert AuditEntry.objects.filter(action="attendance.mark.set").count() == audited
    assert AttendanceReport.objects.count() == 2  # every original file is kept


@pytest.mark.django_db
def test_an_unmatched_person_can_be_assigned_by_hand(login, secretariat, workshop):
    project, session, people = workshop
    client = login(secretariat)
    _upload(client, project, session)
    report = AttendanceReport.objects.get()
    preview = client.get(reverse("attendance:report", args=[project.code, report.pk])).context["preview"]
    visitor = next(u for u in preview.unmatched if u.name == "Visitor from ministry")
    client.post(
        reverse("attendance:report", args=[project.code, report.pk]),
        {f"assign-{visitor.key}": people["sunil"].pk, "apply": "", "confirm": ""},
    )
    assert Mark.objects.get(nomination=people["sunil"]).status == Status.PRESENT


@pytest.mark.django_db
@pytest.mark.parametrize("posted", ["²", "abc", "1\x00"])
def test_a_malformed_assignment_is_ignored_not_an_error(login, secretariat, workshop, posted):
    project, session, people = workshop
    client = login(secretariat)
    _upload(client, project, session)
    report = AttendanceReport.objects.get()
    url = reverse("attendance:report", args=[project.code, report.pk])
    visitor = next(u for u in client.get(url).context["preview"].unmatched if u.name == "Visitor from ministry")
    response = client.post(url, {f"assign-{visitor.key}": posted})
    assert response.status_code == 200
    assert "Visitor from ministry" in page_text(response)  # still to be matched
    assert not Mark.objects.filter(nomination=people["sunil"]).exists()


@pytest.mark.django_db
def test_an_import_keeps_marks_set_by_staff_unless_asked(login, secretariat, workshop):
    project, session, people = workshop
    services.mark_set(actor=secretariat, session=session, nomination=people["maria"], status=Status.EXCUSED)
    client = login(secretariat)
    _upload(client, project, session)
    url = reverse("attendance:report", args=[project.code, AttendanceReport.objects.get().pk])
    client.post(url, {"apply": "", "confirm": ""})
    assert Mark.objects.get(nomination=people["maria"]).status == Status.EXCUSED
    asked = client.post(url, {"apply": "", "overwrite_staff": "on"})
    assert "Confirm: this import changes 1 existing mark" in page_text(asked)
    assert Mark.objects.get(nomination=people["maria"]).status == Status.EXCUSED
    confirm = asked.context["preview"].changes_digest
    client.post(url, {"apply": "", "overwrite_staff": "on", "confirm": confirm})
    assert Mark.objects.get(nomination=people["maria"]).status == Status.ABSENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The submitted file is empty."),
        ("Just some,random,columns\n1,2,3\n", "This is not a Zoom participant report or a Teams attendance report"),
        (b"\xff\xfe\x00\xd8\x00\xd8garbage", "could not be read as text"),
        (b"%PDF-1.4 not a report", "This is not a Zoom participant report or a Teams attendance report"),
    ],
)
def test_a_bad_report_gets_a_clear_message_and_changes_nothing(login, secretariat, workshop, content, message):
    project, session, people = workshop
    response = _upload(login(secretariat), project, session, content=content)
    assert response.status_code == 200
    assert message in page_text(response)
    assert not AttendanceReport.objects.exists() and not Mark.objects.exists()


@pytest.mark.django_db
def test_an_oversized_report_is_refused(login, secretariat, workshop):
    project, session, people = workshop
    response = _upload(login(secretariat), project, session, content=b"a" * (5 * 1024 * 1024 + 1))
    assert "the limit is 5 MB" in page_text(response)
    assert not AttendanceReport.objects.exists()


@pytest.mark.django_db
def test_the_management_command_prints_the_same_summary_and_dry_run_changes_nothing(workshop, tmp_path):
    project, session, people = workshop
    path = tmp_path / "zoom.csv"
    path.write_text(ZOOM)
    out = StringIO()
    call_command("import_attendance", session.pk, str(path), "--dry-run", stdout=out)
    assert "1 present, 2 absent, of 3 participants" in out.getvalue()
    assert "Dry run: nothing was changed." in out.getvalue()
    assert not Mark.objects.exists()
    call_command("import_attendance", session.pk, str(path), stdout=StringIO())
    assert Mark.objects.filter(status=Status.PRESENT).count() == 1
    with pytest.raises(CommandError, match="There is no session 999999."):
        call_command("import_attendance", 999999, str(path))


@pytest.mark.django_db
def test_the_register_sets_a_cell_without_reloading(login, secretariat, workshop):
    project, session, people = workshop
    client = login(secretariat)
    page = page_text(client.get(reverse("attendance:register", args=[project.code])))
    assert "3 participants × 1 sessions" in page and "0/1 Not eligible" in page
    url = reverse("attendance:mark", args=[project.code])
    cell = client.post(url, {"cell": f"{people['anna'].pk}-{session.pk}"}, HTTP_HX_REQUEST="true")
    assert cell.status_code == 200 and "<html" not in cell.content.decode()
    assert 'aria-label="Anna Perera, Definition and evolution: Present"' in cell.content.decode()
    client.post(url, {"cell": f"{people['anna'].pk}-{session.pk}", "status": "l"}, HTTP_HX_REQUEST="true")
    assert Mark.objects.get().status == Status.LATE
    assert "1/1 Eligible" in page_text(client.get(reverse("attendance:register", args=[project.code])))


@pytest.mark.django_db
def test_only_the_secretariat_reaches_the_register(client, login, workshop, npo_officer, participant):
    project, session, people = workshop
    urls = [
        reverse("attendance:register", args=[project.code]),
        reverse("attendance:report_upload", args=[project.code, session.pk]),
        reverse("attendance:check_in_screen", args=[project.code, session.pk]),
        reverse("attendance:override", args=[project.code, people["anna"].pk]),
    ]
    for url in urls:
        client.logout()
        assert client.get(url).status_code == 302
        for user in (npo_officer, participant):
            assert login(user).get(url).status_code == 404
    response = login(npo_officer).post(
        reverse("attendance:mark", args=[project.code]),
        {"cell": f"{people['anna'].pk}-{session.pk}", "status": "p"},
    )
    assert response.status_code == 404 and not Mark.objects.exists()


@pytest.mark.django_db
def test_npo_officers_see_their_economys_participation_and_participants_their_own(
    login, workshop, secretariat, other_npo_officer
):
    project, session, people = workshop
    for person in people.values():
        services.mark_set(actor=secretariat, session=session, nomination=person, status=Status.PRESENT)
    ph = page_text(login(other_npo_officer).get(reverse("attendance:participants", args=[project.code])))
    assert "Santos, Maria" in ph and "Anna Perera" not in ph and "1/1 Eligible" in ph
    user = ParticipantFactory(time_zone="Asia/Manila")
    Nomination.objects.filter(pk=people["maria"].pk).update(participant=user)
    mine = page_text(login(user).get(reverse("attendance:participants", args=[project.code])))
    assert "Santos, Maria" in mine and "Anna Perera" not in mine and "Sunil" not in mine
    stranger = ParticipantFactory()
    assert login(stranger).get(reverse("attendance:participants", args=[project.code])).status_code == 404


@pytest.mark.django_db
def test_the_participant_sees_the_program_in_their_time_zone_with_a_calendar(login, workshop, client):
    project, session, people = workshop
    user = ParticipantFactory(time_zone="Asia/Tokyo")
    Nomination.objects.filter(pk=people["anna"].pk).update(participant=user)
    page = page_text(login(user).get(reverse("attendance:my_project", args=[project.code])))
    assert (  # 13:00 in Colombo is 16:30 in Tokyo
        "Saturday 24 August 2030, 16:30 – 19:30 your time (Asia/Tokyo) · "
        "Saturday 24 August 2030, 13:00–16:00 project time (Asia/Colombo)"
    ) in page
    assert "The project has 1 session: attend every one to receive the APO certificate of attendance." in page
    ics = login(user).get(reverse("attendance:my_calendar", args=[project.code]))
    body = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar") and "DTSTART:20300824T073000Z" in body
    assert f"SUMMARY:{project.code}: Definition and evolution" in body
    feed = client.get(reverse("attendance:calendar_feed", args=["not-a-token"]))
    assert feed.status_code == 404


@pytest.mark.django_db
def test_the_calendar_feed_lists_a_participants_sessions_by_signed_link(client, workshop):
    from attendance.ical import feed_token

    project, session, people = workshop
    user = ParticipantFactory()
    Nomination.objects.filter(pk=people["anna"].pk).update(participant=user)
    body = client.get(reverse("attendance:calendar_feed", args=[feed_token(user)])).content.decode()
    assert "Definition and evolution" in body
    other = client.get(reverse("attendance:calendar_feed", args=[feed_token(ParticipantFactory())])).content.decode()
    assert "Definition and evolution" not in other


def _live_project(modality=Project.Modality.FACE_TO_FACE):
    today = timezone.localdate()
    project = ProjectFactory(
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=5),
        modality=modality,
    )
    session = SessionFactory(
        project=project,
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(minutes=55),
    )
    user = ParticipantFactory(full_name="Siti Rahmawati")
    NominationFactory(project=project, status=Nomination.Status.SELECTED, participant=user, full_name="Siti Rahmawati")
    return project, session, user


@pytest.mark.django_db
def test_checking_in_from_the_scanned_link(login):
    project, session, user = _live_project()
    url = reverse("attendance:check_in", args=[session.pk, services.check_in_code(session)])
    client = login(user)
    assert "Check in, Siti Rahmawati" in page_text(client.get(url))
    assert "You are checked in: present." in page_text(client.post(url))
    assert Mark.objects.get().source == Mark.Source.CHECK_IN
    expired = client.post(reverse("attendance:check_in", args=[session.pk, "0123456789ab"]))
    assert expired.status_code == 400 and "This QR code has expired" in page_text(expired)


PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"


@pytest.mark.django_db
def test_a_check_in_records_the_device_and_the_register_shows_how_the_mark_was_made(login, secretariat):
    """Issue 15, item 7: the code's window, the time and the device are kept, and staff can see them."""
    project, session, user = _live_project()
    url = reverse("attendance:check_in", args=[session.pk, services.check_in_code(session)])
    login(user).post(url, REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT=PHONE + ' "><b>')
    record = CheckIn.objects.get()
    assert (record.client_address, record.user_agent) == ("198.51.100.23", PHONE + ' "><b>')
    assert Mark.objects.get().check_in == record
    register = login(secretariat).get(reverse("attendance:register", args=[project.code]))
    title = re.search(r'title="(Present · Self check-in[^"]*)"', register.content.decode())[1]
    shown = timezone.localtime(record.window_starts_at)
    assert f"code shown from {shown:%H:%M:%S}" in title
    assert "from 198.51.100.23 · Mozilla/5.0 (Linux; Android 14; Pixel 8)" in title
    # The user agent is the client's to write: escaped (as &quot; or &#34;, either engine's way), whole.
    assert html.unescape(title).endswith(PHONE + ' "><b>')
    assert '"><b>' not in register.content.decode()


@pytest.mark.django_db
def test_there_is_no_self_check_in_for_an_online_session(login, secretariat):
    project, session, user = _live_project(modality=Project.Modality.DIGITAL)
    url = reverse("attendance:check_in", args=[session.pk, services.check_in_code(session)])
    client = login(user)
    landing = page_text(client.get(url))
    assert "Self check-in is not offered for online sessions" in landing and "Check in, Siti" not in landing
    refused = client.post(url)
    assert refused.status_code == 400 and "Self check-in is not offered for online sessions" in page_text(refused)
    assert not Mark.objects.exists() and not CheckIn.objects.exists()
    screen = login(secretariat).get(reverse("attendance:check_in_screen", args=[project.code, session.pk]))
    assert "Self check-in is not offered for online sessions" in page_text(screen)
    assert "<svg" not in screen.content.decode() and "/check-in/" not in screen.content.decode()
    register = login(secretariat).get(reverse("attendance:register", args=[project.code])).content.decode()
    assert reverse("attendance:check_in_screen", args=[project.code, session.pk]) not in register


@pytest.mark.django_db
def test_the_check_in_screen_shows_a_qr_code_of_the_link(login, secretariat):
    project, session, user = _live_project(modality=Project.Modality.HYBRID)
    page = login(secretariat).get(reverse("attendance:check_in_screen", args=[project.code, session.pk]))
    content = page.content.decode()
    assert "<svg" in content and f"/check-in/{session.pk}/{services.check_in_code(session)}/" in content
    assert "The code changes every 30 seconds" in page_text(page)


@pytest.mark.django_db
def test_the_register_makes_the_same_number_of_queries_at_any_size(login, secretariat, django_assert_num_queries):
    project = ProjectFactory()
    client = login(secretariat)
    for size in (2, 12):
        for _ in range(size):
            nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED)
            session = SessionFactory(project=project)
            services.mark_set(actor=secretariat, session=session, nomination=nomination, status=Status.PRESENT)
        with django_assert_num_queries(5):  # user (the session is in the cache), project, sessions, participants, marks
            assert client.get(reverse("attendance:register", args=[project.code])).status_code == 200


@pytest.mark.django_db
def test_the_participants_page_of_a_project_the_officers_economy_takes_no_part_in_is_404(login, workshop):
    """Issue 15, item 10: a project without the officer's economy has nothing of theirs, as its nominations
    page has not: 404, not an empty page."""
    from tests.factories import NPOOfficerFactory

    project, session, people = workshop  # Sri Lanka and the Philippines take part
    vietnam = NPOOfficerFactory(npo=economy("VN").npo)
    assert login(vietnam).get(reverse("attendance:participants", args=[project.code])).status_code == 404


@pytest.mark.django_db
def test_the_participants_page_says_why_an_economy_that_takes_part_has_no_one_listed(login, workshop):
    """A participating economy keeps its page (the project page links to it), which says why no one is listed."""
    from tests.factories import NPOOfficerFactory

    project, session, people = workshop
    project.participating_economies.add(economy("TH"))
    thailand = NPOOfficerFactory(npo=economy("TH").npo)
    url = reverse("attendance:participants", args=[project.code])
    assert "Thailand nominated no candidate for this project." in page_text(login(thailand).get(url))
    candidate = NominationFactory(
        project=project,
        economy=economy("TH"),
        status=Nomination.Status.REJECTED,
        announced_status="",
        full_name="Somchai Ratana",
    )
    page = page_text(login(thailand).get(url))
    assert "has not announced its selection for this project yet" in page and "Somchai" not in page
    Nomination.objects.filter(pk=candidate.pk).update(announced_status=Nomination.Status.REJECTED)
    page = page_text(login(thailand).get(url))
    assert "No participant from Thailand was selected for this project." in page and "Somchai" not in page
