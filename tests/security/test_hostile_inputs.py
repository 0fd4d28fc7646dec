"""Hostile and odd inputs across the portal's forms and uploads. Each gets a clear error and changes
nothing, or is accepted where it is legitimate (names in any script, a file with a hostile name but
honest content)."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceReport
from nominations.models import Attachment, DeadlineExtension, Nomination
from projects.models import Project
from tests.factories import NominationFactory, ProjectFactory, SessionFactory, candidate, document_fields, economy
from tests.pages import page_text

MB = 1024 * 1024


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """An 'XLSX' whose workbook expands to 120 MB of zeros (about 120 KB on the wire)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/workbook.xml", "w", force_zip64=True) as member:
            zeros = b"\0" * MB
            for _ in range(120):
                member.write(zeros)
    return buffer.getvalue()


# (case, file name, content, message shown, or None when the upload is legitimate and accepted)
UPLOADS = [
    ("oversize by one byte", "cv.pdf", b"%PDF-" + b"x" * (5 * MB - 4), "the limit is 5 MB"),
    ("exactly at the limit", "cv.pdf", b"%PDF-" + b"x" * (5 * MB - 5), None),
    ("empty", "cv.pdf", b"", "The submitted file is empty."),
    (
        "executable renamed .pdf",
        "cv.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00PE",
        "Upload a PDF, Word (.docx) or Excel (.xlsx) file.",
    ),
    (
        "ELF binary renamed .docx",
        "cv.docx",
        b"\x7fELF\x02\x01\x01",
        "Upload a PDF, Word (.docx) or Excel (.xlsx) file.",
    ),
    ("HTML first, PDF later", "cv.pdf", b"<html><script>alert(1)</script>%PDF-1.4", "Upload a PDF, Word"),
    ("PDF/HTML polyglot that is a PDF", "cv.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", None),
    ("SVG with script", "cv.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "Upload a PDF, Word"),
    ("SVG renamed .pdf", "cv.pdf", b"<?xml version='1.0'?><svg onload='alert(1)'/>", "Upload a PDF, Word"),
    ("XLSX zip bomb", "form.xlsx", _zip_bomb(), "it is not a genuine form"),
    ("ZIP that is not Office", "cv.docx", _zip({"readme.txt": b"hello"}), "Upload a PDF, Word"),
    ("damaged ZIP", "cv.docx", b"PK\x03\x04\x14\x00broken", "damaged"),
    ("path traversal in the name", "../../../etc/passwd.pdf", b"%PDF-1.4 cv", None),
    ("300-character name", "a" * 296 + ".pdf", b"%PDF-1.4 cv", None),
    ("right-to-left override in the name", "cv\u202efdp.exe", b"%PDF-1.4 cv", None),
    ("NUL byte in the name", "cv\x00.pdf", b"%PDF-1.4 cv", None),
    ("emoji and CJK name", "履歴書 📄.pdf", b"%PDF-1.4 cv", None),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case, filename, content, message", UPLOADS, ids=[u[0] for u in UPLOADS])
def test_uploads(login, npo_officer, case, filename, content, message):
    nomination = NominationFactory(status=Nomination.Status.DRAFT)
    response = login(npo_officer).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"kind": "cv", "file": SimpleUploadedFile(filename, content)},
        follow=True,
    )
    if message is None:
        attachment = Attachment.objects.get()
        assert "/" not in attachment.original_name and "\u202e" not in attachment.original_name
        assert "\x00" not in attachment.original_name and len(attachment.original_name) <= 120
        assert (
            attachment.file.name.startswith(f"nominations/{nomination.project_id}/")
            and ".." not in attachment.file.name
        )
        download = login(npo_officer).get(reverse("nominations:attachment", args=[nomination.pk, "cv"]))
        assert (
            download["Content-Disposition"].startswith("attachment;")
            and download["X-Content-Type-Options"] == "nosniff"
        )
    else:
        assert message in page_text(response), case
        assert not Attachment.objects.exists()


# (case, changes to a valid nomination, field, message, or None when accepted)
NOMINATIONS = [
    ("10,000-character name", {"full_name": "A" * 10_000}, "full_name", "at most 200 characters"),
    ("10,000-character expectations", {"expectations": "x" * 10_000}, "expectations", "at most 4000 characters"),
    (
        "right-to-left override in the name",
        {"full_name": "Ana \u202eztnaS"},
        "full_name",
        "invisible direction-control",
    ),
    ("only spaces as the name", {"full_name": "   "}, "full_name", "This field is required."),
    ("not an e-mail address", {"email": "not-an-email"}, "email", "Enter a valid email address."),
    (
        "header injection in the e-mail",
        {"email": "a@example.org\nBcc: all@example.org"},
        "email",
        "Enter a valid email address.",
    ),
    ("unknown gender", {"gender": "robot"}, "gender", "Select a valid choice."),
    ("unknown organization type", {"organization_type": "<script>"}, "organization_type", "Select a valid choice."),
    ("missing designation", {"designation": ""}, "designation", "This field is required."),
    ("emoji in the name", {"full_name": "Nadia 🌸 Rahman"}, None, None),
    ("Japanese name", {"full_name": "田中 花子"}, None, None),
    ("Persian name", {"full_name": "محمد رضایی"}, None, None),
    ("Thai name", {"full_name": "สมชาย ใจดี"}, None, None),
    ("HTML in the name is kept as text", {"full_name": "<b onmouseover=alert(1)>Bold</b>"}, None, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case, changes, field, message", NOMINATIONS, ids=[n[0] for n in NOMINATIONS])
def test_nomination_form(login, npo_officer, case, changes, field, message):
    project = ProjectFactory()
    client = login(npo_officer)
    response = client.post(
        reverse("nominations:create", args=[project.code]), {**candidate(**changes), **document_fields(), "submit": ""}
    )
    if message is None:
        nomination = Nomination.objects.get()
        assert nomination.full_name == " ".join(changes["full_name"].split())
        page = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()
        assert "<b onmouseover" not in page  # rendered inert
    else:
        assert any(message in error for error in response.context["form"].errors[field]), case
        assert not Nomination.objects.exists()


def _project_form(**overrides) -> dict:
    data = {
        "code": "27-IN-12-GE-WSP-A",
        "title": "Agrifood",
        "project_type": "workshop",
        "modality": "hybrid",
        "scope": "multicountry",
        "start_date": "2027-03-10",
        "end_date": "2027-03-12",
        "time_zone": "Asia/Kolkata",
        "nomination_closes_at": "2027-02-15",
        "venue": "New Delhi",
        "hosting_economy": economy("IN").pk,
        "participating_economies": [economy("LK").pk],
        "overseas_participants": "20",
        "local_participants": "10",
        "attendance_threshold_percent": "80",
    }
    data.update(overrides)
    return data


PROJECTS = [
    ("impossible date", {"start_date": "2027-02-30"}, "start_date", "Enter a valid date."),
    ("month 13", {"end_date": "2027-13-01"}, "end_date", "Enter a valid date."),
    (
        "ends before it starts",
        {"end_date": "2027-03-01"},
        "end_date",
        "The end date must be on or after the start date.",
    ),
    (
        "closes after it starts",
        {"nomination_closes_at": "2027-04-01"},
        "nomination_closes_at",
        "Nominations must close before",
    ),
    ("negative participants", {"local_participants": "-1"}, "local_participants", "greater than or equal to 0"),
    ("absurd participants", {"overseas_participants": str(10**12)}, "overseas_participants", "less than or equal to"),
    ("SQL in the project code", {"code": "22-CP-41' OR '1'='1"}, "code", "APO project code format"),
    (
        "path as a time zone",
        {"time_zone": "../../etc/localtime"},
        "time_zone",
        "“../../etc/localtime” is not a time zone.",
    ),
    ("10,000-character title", {"title": "T" * 10_000}, "title", "at most 255 characters"),
    (
        "threshold over 100%",
        {"attendance_threshold_percent": "101"},
        "attendance_threshold_percent",
        "less than or equal to 100",
    ),
    ("unknown hosting economy", {"hosting_economy": "99999"}, "hosting_economy", "Select a valid choice."),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case, changes, field, message", PROJECTS, ids=[p[0] for p in PROJECTS])
def test_project_form(login, secretariat, case, changes, field, message):
    response = login(secretariat).post(reverse("manage:create"), _project_form(**changes))
    assert any(message in error for error in response.context["form"].errors[field]), case
    assert not Project.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The submitted file is empty."),
        (b"\x00\x01\x02\x03" * 1000, "not a Zoom participant report or a Teams attendance report"),
        ("Name\tEmail\n".encode("utf-32"), "could not be read as text"),
        (b"a" * (5 * MB + 1), "the limit is 5 MB"),
    ],
    ids=["empty report", "binary garbage", "UTF-32 report", "report over 5 MB"],
)
def test_attendance_reports(login, secretariat, content, message):
    project = ProjectFactory()
    session = SessionFactory(project=project)
    response = login(secretariat).post(
        reverse("attendance:report_upload", args=[project.code, session.pk]),
        {"file": SimpleUploadedFile("report.csv", content), "time_zone": "Asia/Tokyo"},
    )
    assert message in page_text(response)
    assert not AttendanceReport.objects.exists()


UNKNOWN = (404, "No APO certificate has this verification code")
NOT_A_CODE = "A verification code has 20 letters and digits; this has"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, expected",
    [
        ("' OR 1=1 --", (200, NOT_A_CODE + " 4.")),
        ("<script>alert(1)</script>", (200, NOT_A_CODE + " 18.")),
        ("../../etc/passwd", (200, NOT_A_CODE + " 9.")),
        ("' OR 1=1 -- AAAAAAAAAAAAAAAA", UNKNOWN),  # 20 of the code's letters and digits: looked up, unknown
        ("A" * 5000, (200, "Ensure this value has at most 200 characters")),
    ],
    ids=["SQL", "script", "path", "SQL of a code's length", "5,000 characters"],
)
def test_verification_codes(client, code, expected):
    response = client.post(reverse("certificates:verify_form"), {"code": code}, follow=True)
    # read as letters and digits, a hostile code is refused for its length or simply unknown; nothing is echoed raw
    assert (response.status_code, expected[1] in page_text(response)) == (expected[0], True)
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
def test_an_extension_after_the_project_starts_is_refused(login, secretariat):
    project = ProjectFactory(nomination_closes_at=timezone.now() - datetime.timedelta(days=1))
    response = login(secretariat).post(
        reverse("nominations:extension", args=[project.code]),
        {"economy": economy("LK").pk, "closing_date": project.start_date.isoformat(), "reason": "late"},
    )
    assert "An extension must end before the project starts" in page_text(response)
    assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
def test_a_10000_character_login_is_refused_without_an_error_page(client):
    response = client.post(reverse("accounts:login"), {"username": "a" * 10_000 + "@example.org", "password": "x"})
    assert response.status_code == 200 and "Please enter a correct e-mail address and password" in page_text(response)


# ------------------------------------------------------------------ malformed values in addresses, posts and headers
# PostgreSQL refuses a NUL (U+0000) in text, where SQLite stores it: on PostgreSQL a NUL that reaches a query
# is a 500 (and the audit entry of the request is lost with it). On either database, `no_nul_reaches_the_database`
# fails a test whose request sends one there.


NUL_REFUSED = "Null characters are not allowed."  # Django's own message for a posted NUL


@pytest.fixture
def no_nul_reaches_the_database():
    from django.db import connection

    reached = []

    def spy(execute, sql, params, many, context):
        values = [value for row in params for value in row] if many and params else list(params or ())
        reached.extend(value for value in values if isinstance(value, str) and "\x00" in value)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        yield reached
    assert reached == [], "a value holding a NUL reached the database"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/verify/ABC%00/", "/projects/X%00/"])
def test_a_nul_in_an_address_is_a_404(client, npo_officer, path, no_nul_reaches_the_database):
    assert client.get(path).status_code == 404
    client.force_login(npo_officer)
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_verification_with_a_nul_keeps_its_audit_entry(login, npo_officer, no_nul_reaches_the_database):
    from audit.models import AuditEntry

    assert login(npo_officer).get("/verify/ABC%00/").status_code == 404
    entry = AuditEntry.objects.get(action="security.access_denied")
    # The address as it was sent: the NUL stays visible to whoever reads the log, and is stored safely.
    assert (entry.actor, entry.changes["path"]) == (npo_officer, "/verify/ABC%00/")


@pytest.mark.django_db
@pytest.mark.parametrize("posted", ["abc", "", "1e3", "²", "1\x00", "9" * 40])
def test_resending_an_email_by_a_malformed_id_is_refused(login, secretariat, posted, no_nul_reaches_the_database):
    from mail.models import OutgoingEmail

    email = OutgoingEmail.objects.create(
        key="t:1", to="an@example.org", subject="Results", body="Hi", status=OutgoingEmail.Status.FAILED, attempts=6
    )
    response = login(secretariat).post(reverse("mail:failed_emails"), {"email": posted})
    assert response.status_code == 400
    message = "That e-mail is not in the list: nothing was sent again."
    assert (NUL_REFUSED if "\x00" in posted else message) in page_text(response)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, 6)


@pytest.mark.django_db
@pytest.mark.parametrize("posted", ["abc", "1e3", "²", "1\x00", "9" * 40])
def test_issuing_a_certificate_for_a_malformed_nomination_is_refused(
    login, secretariat, finished_project, posted, no_nul_reaches_the_database
):
    from certificates.models import Certificate

    project, _, _ = finished_project
    response = login(secretariat).post(reverse("certificates:issue", args=[project.code]), {"nomination": posted})
    assert response.status_code == 400
    message = "No participant of this project was chosen: no certificate was issued."
    assert (NUL_REFUSED if "\x00" in posted else message) in page_text(response)
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_deciding_on_nominations_with_malformed_ids_decides_nothing(login, secretariat, no_nul_reaches_the_database):
    nomination = NominationFactory(status=Nomination.Status.SUBMITTED)
    response = login(secretariat).post(
        reverse("nominations:decide", args=[nomination.project.code]),
        {"nominations": ["²", "1\x00", "abc"], "decision": "selected", "query": "economy=LK\r\nSet-Cookie: x=1"},
        follow=True,
    )
    # the filters the decision came from are not valid (an economy code with a header in it): nothing is decided
    assert response.status_code == 200 and "The list's filters are not valid: nothing was decided." in page_text(
        response
    )
    assert "x" not in response.cookies
    response = login(secretariat).post(
        reverse("nominations:decide", args=[nomination.project.code]),
        {"nominations": ["²", "1\x00", "abc"], "decision": "selected", "query": "economy=LK"},
        follow=True,
    )
    assert "A chosen nomination is not in the list you filtered" in page_text(response)
    assert not Nomination.objects.filter(status=Nomination.Status.SELECTED).exists()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED


@pytest.mark.django_db
def test_a_failed_login_with_a_nul_in_the_user_agent_is_counted_and_audited(client, npo_officer):
    from axes.models import AccessAttempt

    from audit.models import AuditEntry

    response = client.post(
        reverse("accounts:login"),
        {"username": npo_officer.email, "password": "guess"},
        HTTP_USER_AGENT="Mozilla/5.0\x00<script>",
        HTTP_ACCEPT="text/html\x00",
    )
    assert response.status_code == 200 and "Please enter a correct e-mail address and password" in page_text(response)
    attempt = AccessAttempt.objects.get()
    assert (attempt.failures_since_start, attempt.user_agent, attempt.http_accept) == (
        1,
        "Mozilla/5.0\ufffd<script>",
        "text/html\ufffd",
    )
    assert AuditEntry.objects.filter(action="security.login_failed").count() == 1


def _routes(patterns=None, prefix=""):
    """Every address pattern of the portal, as (name, route), through the includes."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RoutePattern

    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin's regular expressions name only its own apps and models
        route = prefix + str(entry.pattern._route)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and "<" in route:
            yield entry.name or route, route


def _with_nul(route: str) -> str:
    """The route with a number for every <int:…> and a NUL-bearing value for every other argument."""
    import re

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m[1] == "int" else "X%00", route)


ROUTES = sorted(set(_routes()))


@pytest.mark.django_db
@pytest.mark.parametrize("name, route", ROUTES, ids=[route for _, route in ROUTES])
def test_no_address_with_a_nul_is_an_error_page(
    client, secretariat, npo_officer, name, route, no_nul_reaches_the_database
):
    path = _with_nul(route)
    for user in (None, npo_officer, secretariat):
        if user is not None:
            client.force_login(user)
        for method in (client.get, client.post):
            response = method(path, {"code": "X\x00", "email": "X\x00", "nomination": "X\x00"})
            assert response.status_code < 500, (method.__name__, user, path)
