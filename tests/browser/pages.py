"""The main pages of each role, on demo-like data made with factories: what the accessibility test
(test_accessibility.py), the console test (test_console_quiet.py) and the page-weight test and bench
(test_page_weight.py, bench/page_weight.py) visit.

`PAGES` is the list to extend: (role, URL name, the key of its arguments in `World.args`). A page added by a
later change is one line here, and one entry in `World.args` if it needs one the world does not have yet.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendance import imports, services
from certificates.models import Certificate
from nominations.models import Nomination
from projects.models import Project
from tests.conftest import _finished_project
from tests.factories import (
    NominationFactory,
    NPOOfficerFactory,
    ProjectFactory,
    SecretariatFactory,
    SessionFactory,
    economy,
)

ANONYMOUS, NPO, SECRETARIAT, PARTICIPANT = "anonymous", "npo", "secretariat", "participant"

# (role, URL name, key of its arguments in World.args or None)
PAGES = [
    (ANONYMOUS, "accounts:login", None),
    (ANONYMOUS, "projects:catalogue", None),
    (ANONYMOUS, "projects:detail", "open"),
    (ANONYMOUS, "certificates:verify_form", None),
    (ANONYMOUS, "certificates:verify", "certificate"),
    (NPO, "home", None),
    (NPO, "projects:catalogue", None),
    (NPO, "projects:detail", "open"),
    (NPO, "nominations:economy", "open"),
    (NPO, "nominations:create", "open"),
    (NPO, "nominations:detail", "nomination"),
    (NPO, "reports:dashboard", None),
    (SECRETARIAT, "home", None),
    (SECRETARIAT, "manage:list", None),
    (SECRETARIAT, "manage:edit", "open"),
    (SECRETARIAT, "manage:create_from_notification", None),
    (SECRETARIAT, "nominations:review", "open"),
    (SECRETARIAT, "attendance:register", "finished"),
    (SECRETARIAT, "attendance:report", "report"),
    (SECRETARIAT, "certificates:manage", "finished"),
    (SECRETARIAT, "reports:dashboard", None),
    (SECRETARIAT, "reports:project", "finished"),
    (SECRETARIAT, "mail:failed_emails", None),
    (PARTICIPANT, "home", None),
    (PARTICIPANT, "attendance:my_project", "finished"),
    (PARTICIPANT, "attendance:check_in", "check_in"),
]

ZOOM = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> user (the anonymous visitor has none)
    args: dict = field(default_factory=dict)  # key -> URL arguments

    def url(self, name: str, key: str | None) -> str:
        return reverse(name, args=self.args[key] if key else [])

    def pages(self, role: str | None = None) -> list[tuple[str, str, str]]:
        """(role, URL name, path) of every page, or of one role's."""
        return [(r, name, self.url(name, key)) for r, name, key in PAGES if role in (None, r)]


def session_cookie(user, url: str) -> list[dict]:
    """The cookie of a signed-in session, as logging in leaves it (the login page itself is tested elsewhere)."""
    if user is None:
        return []
    client = Client()
    client.force_login(user)
    return [
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": url}
    ]


def _zoom_line(name: str, email: str, start: datetime.datetime, minutes: int) -> str:
    end = start + datetime.timedelta(minutes=minutes)
    stamp = "%m/%d/%Y %I:%M:%S %p"
    return f"{name},{email},{start.strftime(stamp)},{end.strftime(stamp)},{minutes},No\n"


def build_world() -> World:
    """A Secretariat officer, an NPO officer of Sri Lanka, a participant; an open project with nominations of
    three economies, a finished one with marks and an uploaded Zoom report, a face-to-face session running now."""
    with transaction.atomic():
        secretariat = SecretariatFactory(email="secretariat@apo-tokyo.org", full_name="Keiko Tanaka")
        officer = NPOOfficerFactory(email="officer@npo.lk", full_name="Nimal Fernando")
        finished, sessions, people = _finished_project()
        participant = people["minh"].participant
        open_project = ProjectFactory(code="26-CP-07-GE-DLN-B", title="Green Productivity for SMEs")
        nominations = [
            NominationFactory(project=open_project, economy=economy(code), full_name=name, status=status)
            for code, name, status in [
                ("LK", "Anula Jayasinghe", Nomination.Status.SUBMITTED),
                ("LK", "Kasun Perera", Nomination.Status.DRAFT),
                ("ID", "Siti Rahayu", Nomination.Status.SUBMITTED),
                ("JP", "Haruto Sato", Nomination.Status.SUBMITTED),
            ]
        ]
        live = ProjectFactory(
            code="26-RP-12-GE-WSP-A",
            title="Lean Management in Hospitals",
            modality=Project.Modality.FACE_TO_FACE,
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + datetime.timedelta(days=1),
            nomination_closes_at=timezone.now() - datetime.timedelta(days=20),
            participating_economies=["VN", "LK"],
        )
        session = SessionFactory(
            project=live,
            title="Day 1",
            starts_at=timezone.now() - datetime.timedelta(minutes=30),
            ends_at=timezone.now() + datetime.timedelta(hours=2),
        )
        NominationFactory(
            project=live,
            economy=economy("VN"),
            status=Nomination.Status.SELECTED,
            full_name=people["minh"].full_name,
            email=people["minh"].email,
            participant=participant,
        )
        # Day 1's Zoom report applied (the register shows minutes), day 2's uploaded and waiting (the preview).
        for day in (0, 1):
            start = sessions[day].starts_at.astimezone(finished.zone)
            zoom = ZOOM + "".join(
                [
                    _zoom_line("Nguyen Thi Minh Anh", "minh@example.vn", start, 170),
                    _zoom_line("Rajesh K", "", start + datetime.timedelta(minutes=20), 150),
                    _zoom_line("Guest Speaker", "speaker@example.org", start, 60),
                ]
            )
            report = imports.report_upload(
                actor=secretariat,
                session=sessions[day],
                data=zoom.encode(),
                filename=f"zoom-day-{day + 1}.csv",
                time_zone=finished.time_zone,
            )
            if day == 0:
                try:
                    imports.report_apply(actor=secretariat, report=report, overwrite_staff=True)
                except imports.ConfirmationNeeded as asked:
                    digest = asked.preview.changes_digest
                    imports.report_apply(actor=secretariat, report=report, overwrite_staff=True, confirmed=digest)
        # Rahul's certificate, issued: its verification page offers its credential; his home page is not walked.
        certificate = Certificate.objects.create(
            project=finished,
            nomination=people["rahul"],
            sequence=1,
            serial=f"APO-{finished.code}-001",
            holder_name=people["rahul"].full_name,
            render_status=Certificate.RenderStatus.RENDERED,
            sha256="0" * 64,
            status_list=1,
            status_index=4242,
        )
    return World(
        users={SECRETARIAT: secretariat, NPO: officer, PARTICIPANT: participant},
        args={
            "open": [open_project.code],
            "finished": [finished.code],
            "nomination": [nominations[0].pk],
            "report": [finished.code, report.pk],
            "check_in": [session.pk, services.check_in_code(session)],
            "certificate": [certificate.verification_code],
        },
    )
