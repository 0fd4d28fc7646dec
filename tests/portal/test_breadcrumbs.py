"""Every page below the top level says where it is: a breadcrumb trail (nav "Breadcrumb") ending in the
page itself (aria-current="page"), walked here over the main pages of each role."""

import re

import pytest
from django.urls import reverse

from attendance.services import check_in_code
from certificates import services as certificate_services
from certificates.models import Certificate
from nominations.models import Nomination
from tests.factories import NominationFactory, ProjectFactory

TRAIL = re.compile(r'<nav aria-label="Breadcrumb"><ol class="breadcrumb">(?P<items>.*?)</ol></nav>', re.S)
# The top level: the menu's destinations and the sign-in page, which need no trail.
TOP = {"home", "projects:catalogue", "manage:list", "reports:dashboard", "accounts:profile", "accounts:login"}


def trail(response) -> list[str]:
    """The trail's items as text, the last being the page itself (aria-current="page")."""
    found = TRAIL.search(response.content.decode())
    assert found, "no breadcrumb trail"
    items = re.findall(
        r"<li class=\"breadcrumb-item( active\" aria-current=\"page)?[^>]*>(.*?)</li>", found["items"], re.S
    )
    assert items and items[-1][0], "the last item is not the current page"
    assert not any(current for current, _ in items[:-1])
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for _, text in items]


@pytest.fixture
def pages(secretariat, finished_project):
    project, sessions, people = finished_project
    certificate_services.certificates_issue(actor=secretariat, project=project)
    certificate = Certificate.objects.first()
    lk = people["sunil"]
    draft = NominationFactory(project=ProjectFactory(code="27-CP-01-GE-OPN-A"), status=Nomination.Status.DRAFT)
    code = project.code
    return {
        "secretariat": {
            ("projects:detail", code): [code],
            ("manage:create",): ["Manage projects", "New project"],
            ("manage:edit", code): ["Manage projects", f"Edit {code}"],
            ("manage:program", code): ["Manage projects", code, "Program"],
            ("manage:transition", code, "closed"): ["Manage projects", code, "Close nominations"],
            ("nominations:review", code): [code, "Nominations"],
            ("nominations:detail", lk.pk): [f"{code} nominations", lk.full_name],
            ("nominations:announce", code): [code, "Nominations", "Announce the results"],
            ("nominations:extension", code): [code, "Nominations", "Grant an extension"],
            ("attendance:register", code): [code, "Attendance"],
            ("attendance:report_upload", code, sessions[0].pk): [code, "Attendance", "Import a meeting report"],
            ("attendance:check_in_screen", code, sessions[0].pk): [code, "Attendance", "Check-in screen"],
            ("attendance:override", code, lk.pk): [code, "Attendance", f"Eligibility of {lk.full_name}"],
            ("certificates:manage", code): [code, "Certificates"],
            ("certificates:revoke", certificate.pk): [code, "Certificates", f"Revoke {certificate.serial}"],
            ("mail:failed_emails",): ["Undelivered e-mail"],
            ("reports:project", code): ["Reports", code],
            ("accounts:two_step_enrol",): ["Your profile", "Two-step sign-in"],
            ("accounts:password_change",): ["Your profile", "Change password"],
        },
        "npo_officer": {
            ("projects:detail", code): [code],
            ("nominations:economy", draft.project.code): [draft.project.code, "Nominations"],
            ("nominations:create", draft.project.code): [f"{draft.project.code} nominations", "New"],
            ("nominations:detail", draft.pk): [f"{draft.project.code} nominations", draft.full_name],
            ("attendance:participants", code): [code, "Participation"],
            ("accounts:password_change",): ["Your profile", "Change password"],
        },
        "participant": {
            ("attendance:my_project", code): [code],
            ("attendance:check_in", sessions[0].pk, check_in_code(sessions[0])): [code, "Check in"],
            ("accounts:password_change",): ["Your profile", "Change password"],
        },
        "anonymous": {
            ("projects:detail", code): [code],
            ("certificates:verify_form",): ["Verify a certificate"],
            ("accounts:password_reset",): ["Reset your password"],
        },
    }, people


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat", "npo_officer", "participant", "anonymous"])
def test_every_main_page_below_the_top_has_a_trail_ending_in_itself(client, login, request, pages, role):
    by_role, people = pages
    if role == "participant":
        user = people["minh"].participant
    else:
        user = None if role == "anonymous" else request.getfixturevalue(role)
    if user:
        login(user)
    for (name, *args), expected in by_role[role].items():
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        items = trail(response)
        # Home first, when signed in (the catalogue, for a visitor, is the top); then the way down to the page.
        assert items[1:] == expected or items == expected, (name, items)
        assert items[0] in ("Home", "My projects", "Projects", "Log in"), (name, items)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TOP - {"accounts:login"}))
def test_the_top_level_pages_have_no_trail(login, secretariat, name):
    response = login(secretariat).get(reverse(name))
    assert response.status_code == 200
    assert not TRAIL.search(response.content.decode())
