"""Each role's home as a person sees it, on a desktop and on a 390 px phone: what to do next, in view,
and never wider than the screen."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mail.models import OutgoingEmail
from nominations.models import Nomination
from projects.models import Project
from tests.browser.conftest import SCREENSHOTS
from tests.browser.walk import log_in
from tests.factories import (
    NominationFactory,
    NPOOfficerFactory,
    ParticipantFactory,
    ProjectFactory,
    SecretariatFactory,
    SessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
NOW = timezone.now


def _world():
    open_project = ProjectFactory(title="Green Productivity for SMEs", code="26-CP-11-GE-WSP-A")
    NominationFactory(project=open_project, status=Nomination.Status.DRAFT)
    closed = ProjectFactory(
        title="Public-sector Productivity",
        code="26-CP-12-GE-WSP-A",
        nomination_closes_at=NOW() - datetime.timedelta(days=2),
    )
    NominationFactory.create_batch(2, project=closed)
    NominationFactory(project=closed, status=Nomination.Status.SELECTED, announced_status="")
    hybrid = ProjectFactory(
        title="Lean Management Course",
        code="26-CP-13-GE-TRC-A",
        modality=Project.Modality.HYBRID,
        time_zone="Asia/Tokyo",
    )
    minh = ParticipantFactory(email="minh@example.vn", full_name="Nguyễn Thị Minh Anh", time_zone="Asia/Ho_Chi_Minh")
    NominationFactory(project=hybrid, participant=minh, status=Nomination.Status.SELECTED, announced_at=NOW())
    SessionFactory(
        project=hybrid,
        title="Day 1: value streams",
        starts_at=NOW() - datetime.timedelta(minutes=10),
        ends_at=NOW() + datetime.timedelta(hours=2),
    )
    SessionFactory(project=hybrid, title="Day 2: kaizen", starts_at=NOW() + datetime.timedelta(days=1))
    OutgoingEmail.objects.create(key="k1", to="a@example.org", subject="s", body="b", status="failed")
    SecretariatFactory(email="officer@apo-tokyo.org")
    NPOOfficerFactory(email="npo@npslanka.gov.lk", time_zone="Asia/Colombo")


@pytest.mark.parametrize("width", WIDTHS)
def test_each_roles_home_says_what_to_do_next_and_fits_the_screen(live_server, browser, width):
    _world()
    SCREENSHOTS.mkdir(exist_ok=True)
    homes = {
        "officer@apo-tokyo.org": ("What waits on a decision", "Nominations to review"),
        "npo@npslanka.gov.lk": ("Projects open to Sri Lanka", "1 nomination still missing documents"),
        "minh@example.vn": ("Now: check-in is open", "Program"),
    }
    for email, (heading, text) in homes.items():
        context = browser.new_context(viewport=WIDTHS[width], timezone_id="Asia/Colombo")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            log_in(page, live_server.url, email)
            page.wait_for_url(f"{live_server.url}/")
            expect(page.get_by_role("heading", name=heading), email).to_be_visible()
            expect(page.get_by_text(text).first, email).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"], email
            if email.startswith("minh"):
                expect(page.get_by_role("button", name="Check in")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / f"home-{email.split('@')[0]}-{width}.png"), full_page=True)
        finally:
            context.close()
