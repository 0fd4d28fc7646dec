"""Every URL of the portal, for every kind of visitor (PRODUCT.md rules 1, 8 and 9).

The table below must name every URL pattern the resolver knows (the admin has its own test): a new view
without an entry fails the build. For each visitor, a GET gets the page, a redirect to log in, 404 (a
record they may not see does not exist for them) or 405; the page never shows another economy's or
person's record; and a POST by anyone without access changes nothing in the database."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from attendance.ical import feed_token
from attendance.models import AttendanceImport, AttendanceReport, EligibilityOverride, ImportedMark, Mark
from audit.models import AuditEntry
from certificates import services as certificate_services
from certificates.models import Certificate
from mail.models import OutgoingEmail
from nominations.models import Attachment, DeadlineExtension, Nomination
from projects.models import NotificationVersion, Project, Session
from tests.factories import (
    NominationFactory,
    NPOOfficerFactory,
    ParticipantFactory,
    ProjectFactory,
    SecretariatFactory,
    SessionFactory,
    economy,
)

ROLES = ["anonymous", "participant", "other_participant", "npo", "other_npo", "secretariat"]
# Expected GET status per role, in ROLES order.
PUBLIC = (200,) * 6
LOGIN = (302, 200, 200, 200, 200, 200)
SECRETARIAT = (302, 404, 404, 404, 404, 200)
POST_ONLY = (405,) * 6
LOGGED_IN_REDIRECT = (200, 302, 302, 302, 302, 302)
SECRET_EMAIL = "chamari.secret@example.lk"  # the Sri Lankan participant's: never on a page for outsiders


def _url_names() -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace and pattern.namespace
                    else (pattern.namespace or namespace)
                )
                yield from walk(pattern.url_patterns, inner)
            else:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


@pytest.fixture
def world(db):
    """Records of Sri Lanka (the record's economy) and of the Philippines, in a finished project."""
    start = timezone.localdate() - datetime.timedelta(days=5)
    project = ProjectFactory(
        start_date=start,
        end_date=start,
        participating_economies=["LK", "PH"],
        nomination_closes_at=timezone.now() - datetime.timedelta(days=20),
        notification_document=ContentFile(b"%PDF-1.4 notification", name="n.pdf"),
    )
    NotificationVersion.objects.create(
        project=project,
        status=NotificationVersion.Status.PRINTED,
        number=1,
        printed_at=timezone.now(),
        pdf=ContentFile(b"%PDF-1.4 printed", name="v1.pdf"),
    )
    session = SessionFactory(
        project=project,
        starts_at=timezone.now() - datetime.timedelta(days=5),
        ends_at=timezone.now() - datetime.timedelta(days=5) + datetime.timedelta(hours=3),
    )
    users = {
        "participant": ParticipantFactory(email=SECRET_EMAIL),
        "other_participant": ParticipantFactory(email="somchai@example.th"),
        "npo": NPOOfficerFactory(),  # Sri Lanka
        "other_npo": NPOOfficerFactory(npo=economy("PH").npo),
        "secretariat": SecretariatFactory(),
    }
    nomination = NominationFactory(
        project=project,
        economy=economy("LK"),
        status=Nomination.Status.SELECTED,
        email=SECRET_EMAIL,
        full_name="Chamari Jayasinghe",
        participant=users["participant"],
    )
    Attachment.objects.create(
        nomination=nomination,
        kind="cv",
        file=ContentFile(b"%PDF-cv", name="cv"),
        file_type="pdf",
        original_name="cv.pdf",
        size=7,
        sha256="0",
    )
    Mark.objects.create(session=session, nomination=nomination, status="present", source="staff", set_at=timezone.now())
    report = AttendanceReport.objects.create(
        session=session,
        file=ContentFile(b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n", name="r"),
        original_name="zoom.csv",
        sha256="0",
        format="zoom",
        time_zone="Asia/Tokyo",
    )
    mark = Mark.objects.get(session=session, nomination=nomination)
    attendance_import = AttendanceImport.objects.create(
        report=report, applied_by=users["secretariat"], applied_at=timezone.now()
    )
    ImportedMark.objects.create(
        attendance_import=attendance_import, nomination=nomination, status="present", set_at=mark.set_at
    )
    certificate_services.certificates_issue(actor=users["secretariat"], project=project)
    certificate = Certificate.objects.get()
    certificate_services.certificate_render(certificate_id=certificate.pk)
    other_project = ProjectFactory(participating_economies=["TH"])
    NominationFactory(
        project=other_project,
        economy=economy("TH"),
        status=Nomination.Status.SELECTED,
        participant=users["other_participant"],
        email="somchai@example.th",
    )
    return {
        "project": project,
        "session": session,
        "nomination": nomination,
        "report": report,
        "import": attendance_import,
        "certificate": certificate,
        "users": users,
    }


def _table(w):
    p, n, s, c = w["project"].code, w["nomination"].pk, w["session"].pk, w["certificate"]
    return {
        "home": ((), (302, 200, 200, 200, 200, 200)),
        "healthz": ((), PUBLIC),
        "readyz": ((), PUBLIC),
        "accounts:login": ((), LOGGED_IN_REDIRECT),
        "accounts:logout": ((), POST_ONLY),
        "accounts:profile": ((), LOGIN),
        "accounts:invitation": (("MQ", "bad-token"), PUBLIC),
        "accounts:password_change": ((), LOGIN),
        "accounts:password_change_done": ((), LOGIN),
        "accounts:password_reset": ((), PUBLIC),
        "accounts:password_reset_done": ((), PUBLIC),
        "accounts:password_reset_confirm": (("MQ", "bad-token"), PUBLIC),
        "accounts:password_reset_complete": ((), PUBLIC),
        # without a device and not required to have one (the test settings), the second step has nothing to ask
        "accounts:two_step_verify": ((), (302,) * 6),
        "accounts:two_step_enrol": ((), LOGIN),
        "accounts:two_step_app_remove": ((987654,), (302, 404, 404, 404, 404, 404)),
        "accounts:two_step_key_remove": ((987654,), (302, 404, 404, 404, 404, 404)),
        "accounts:two_step_recovery_codes": ((), (302,) * 6),
        "accounts:two_step_recovery_codes_new": ((), POST_ONLY),
        # security keys' JSON steps (django-otp-webauthn): POST only, after the password
        "otp_webauthn:credential-registration-begin": ((), (302,) + (405,) * 5),
        "otp_webauthn:credential-registration-complete": ((), (302,) + (405,) * 5),
        "otp_webauthn:credential-authentication-begin": ((), (302,) + (405,) * 5),
        "otp_webauthn:credential-authentication-complete": ((), (302,) + (405,) * 5),
        "otp_webauthn:js-i18n-catalog": ((), PUBLIC),
        # an NPO officer sees their own economy's nominations of a project their economy takes part in
        "nominations:economy": ((p,), (302, 404, 404, 200, 200, 404)),
        "nominations:create": ((p,), (302, 404, 404, 200, 200, 404)),
        "nominations:export": ((p, "csv"), (404, 404, 404, 200, 200, 200)),
        "nominations:detail": ((n,), (302, 200, 404, 200, 404, 200)),
        "nominations:edit": ((n,), (302, 404, 404, 200, 404, 404)),
        "nominations:move": ((n, "up"), POST_ONLY),
        "nominations:attachment_upload": ((n,), POST_ONLY),
        "nominations:attachment": ((n, "cv"), (404, 404, 404, 200, 404, 200)),
        "nominations:action": ((n, "withdraw"), POST_ONLY),
        "nominations:review": ((p,), SECRETARIAT),
        "nominations:confirm": ((p,), POST_ONLY),
        "nominations:decide": ((p,), POST_ONLY),
        "nominations:announce_progress": ((p,), SECRETARIAT),
        "nominations:extension": ((p,), SECRETARIAT),
        "nominations:announce": ((p,), SECRETARIAT),
        "mail:failed_emails": ((), SECRETARIAT),
        "attendance:register": ((p,), SECRETARIAT),
        "attendance:mark": ((p,), POST_ONLY),
        "attendance:all_present": ((p, s), POST_ONLY),
        "attendance:report_upload": ((p, s), SECRETARIAT),
        "attendance:report": ((p, w["report"].pk), SECRETARIAT),
        "attendance:import": ((p, w["import"].pk), SECRETARIAT),
        "attendance:import_undo": ((p, w["import"].pk), SECRETARIAT),
        "attendance:check_in_screen": ((p, s), SECRETARIAT),
        "attendance:override": ((p, n), SECRETARIAT),
        "attendance:check_in": ((s, "0123456789ab"), (302, 200, 404, 404, 404, 200)),
        # No code typed: back home with a message; a code leads on to attendance:check_in, which decides.
        "attendance:check_in_enter": ((s,), (302,) * 6),
        "attendance:participants": ((p,), (302, 200, 404, 200, 200, 200)),
        "attendance:my_project": ((p,), (302, 200, 404, 404, 404, 404)),
        "attendance:my_calendar": ((p,), (302, 200, 404, 404, 404, 404)),
        "attendance:calendar_feed": ((feed_token(w["users"]["participant"]),), PUBLIC),
        "attendance:calendar_feed_renew": ((p,), POST_ONLY),
        "certificates:manage": ((p,), SECRETARIAT),
        "certificates:issue": ((p,), POST_ONLY),
        "certificates:progress": ((p,), SECRETARIAT),
        "certificates:retry": ((c.pk,), POST_ONLY),
        "certificates:revoke": ((c.pk,), SECRETARIAT),
        "certificates:download": ((c.pk,), (302, 200, 404, 200, 404, 200)),
        "certificates:zip": ((p,), (404, 404, 404, 200, 404, 200)),
        "certificates:verify_form": ((), PUBLIC),
        "certificates:verify": ((c.verification_code,), PUBLIC),
        "certificates:credential": ((c.verification_code,), PUBLIC),
        "certificates:verify_credential": ((), POST_ONLY),
        "certificates:did_document": ((), PUBLIC),
        "certificates:status_list": ((1,), PUBLIC),
        "projects:catalogue": ((), PUBLIC),
        "projects:detail": ((p,), PUBLIC),
        "projects:notification": ((p,), PUBLIC),
        "projects:notification_version": ((p, 1), PUBLIC),
        "reports:dashboard": ((), (302, 404, 404, 200, 200, 200)),
        "reports:export": (("economies", "csv"), (302, 404, 404, 200, 200, 200)),
        "reports:project": ((p,), SECRETARIAT),
        "reports:project_pdf": ((p,), SECRETARIAT),
        "manage:list": ((), SECRETARIAT),
        "manage:create": ((), SECRETARIAT),
        "manage:create_from_notification": ((), SECRETARIAT),
        "manage:edit": ((p,), SECRETARIAT),
        "manage:program": ((p,), SECRETARIAT),
        "manage:transition": ((p, "closed"), SECRETARIAT),
    }


def _fingerprint():
    return (
        list(
            Nomination.objects.order_by("pk").values_list(
                "pk", "status", "full_name", "email", "economy_id", "priority_rank", "participant_id"
            )
        ),
        list(Project.objects.order_by("pk").values_list("pk", "status", "title", "code")),
        list(Mark.objects.order_by("pk").values_list("pk", "status", "source")),
        list(AttendanceImport.objects.order_by("pk").values_list("pk", "undone_at")),
        list(Certificate.objects.order_by("pk").values_list("pk", "revoked_at", "render_status", "holder_name")),
        [
            m.objects.count()
            for m in (DeadlineExtension, OutgoingEmail, Attachment, AttendanceReport, EligibilityOverride, Session)
        ],
        AuditEntry.objects.exclude(action__startswith="security.").count(),
    )


@pytest.mark.django_db
def test_the_table_names_every_url_of_the_portal(world):
    assert set(_table(world)) == _url_names()


@pytest.mark.django_db
def test_every_url_answers_every_visitor_as_it_should_and_shows_no_one_elses_record(client, world):
    table = _table(world)
    seen = {}
    for role_index, role in enumerate(ROLES):
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        for name, (args, expected) in table.items():
            response = client.get(reverse(name, args=args))
            seen[(name, role)] = response.status_code
            assert response.status_code == expected[role_index], f"GET {name} as {role}: {response.status_code}"
            if response.status_code == 302 and role == "anonymous" and name != "home":  # home: the catalogue
                assert response["Location"].startswith(reverse("accounts:login")), f"{name}: {response['Location']}"
            if role in ("anonymous", "other_participant", "other_npo") and response.status_code == 200:
                body = b"".join(response.streaming_content) if response.streaming else response.content
                assert SECRET_EMAIL.encode() not in body, f"{name} shows the Sri Lankan participant's record to {role}"


HOSTILE_POST = {
    "status": "selected",
    "economy": "1",
    "participant": "1",
    "priority_rank": "1",
    "project": "1",
    "to": "cancelled",
    "decision": "selected",
    "nominations": ["1", "2", "3"],
    "note": "pwned",
    "reason": "pwned",
    "full_name": "Pwned",
    "title": "Pwned",
    "holder_name": "Pwned",
    "session": "1",
    "nomination": "1",
    "cell": "1-1",
    "apply": "1",
    "reissue": "1",
    "closing_date": "2099-01-01",
    "email": "1",
}


@pytest.mark.django_db
def test_a_post_by_anyone_without_access_changes_nothing(client, world):
    table = _table(world)
    before = _fingerprint()
    for role_index, role in enumerate(ROLES):
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        for name, (args, expected) in table.items():
            get_status = expected[role_index]
            if (
                name.startswith(("accounts:", "otp_webauthn:", "certificates:verify"))
                or name == "home"
                or get_status == 200
            ):
                continue  # public forms, and visitors who may use the page, are tested where the feature is
            if get_status == 405 and role in ("secretariat",) or (get_status == 405 and _allowed_to_post(name, role)):
                continue
            response = client.post(reverse(name, args=args), HOSTILE_POST)
            assert response.status_code in (302, 404, 405), f"POST {name} as {role}: {response.status_code}"
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("accounts:login")), f"POST {name} as {role} went on"
            assert _fingerprint() == before, f"POST {name} as {role} changed the database"


def _allowed_to_post(name: str, role: str) -> bool:
    """POST-only actions that this visitor may take (their effects are tested with the feature)."""
    npo_actions = {"nominations:move", "nominations:attachment_upload", "nominations:action"}
    participant_actions = {"nominations:action", "attendance:calendar_feed_renew"}
    return role == "npo" and name in npo_actions or role == "participant" and name in participant_actions
