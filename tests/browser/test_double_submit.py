"""A double-clicked submit (issue 20 item 5), in a browser on a slow link, the second click landing while the
first is still uploading the documents: one nomination, and the officer lands on it with the message of
success, never "already nominated". With JavaScript the form is sent once (static/js/portal.js,
`data-portal-once`); without it the browser may send both, and the form's one-time token makes the second
answer the first one's nomination."""

import pytest

from nominations.models import Nomination
from tests.browser.walk import log_in
from tests.factories import DOCUMENT_PDF, NPOOfficerFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A_DOCUMENT = DOCUMENT_PDF + b"%" + b"x" * 60_000 + b"\n%%EOF\n"


def _fill(page) -> None:
    page.get_by_label("Name as it must appear on the certificate").fill("Chamari Jayasinghe")
    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("E-mail address").fill("chamari@example.lk")
    page.get_by_label("Designation").fill("Deputy Director")
    page.get_by_role("textbox", name="Organization*", exact=True).fill("Sri Lanka Ports Authority")
    page.get_by_label("Organization type").select_option(label="Government ministry or agency")
    page.get_by_label("English proficiency").select_option(label="Advanced")
    for document in ("Biodata form", "Curriculum vitae", "Endorsement letter"):
        page.get_by_label(f"{document} (required)").set_input_files(
            {"name": f"{document}.pdf", "mimeType": "application/pdf", "buffer": A_DOCUMENT}
        )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_double_clicked_submit_makes_one_nomination_and_shows_it(live_server, browser, javascript):
    project = ProjectFactory(title="Green Productivity for Ports", participating_economies=["LK"])
    NPOOfficerFactory(email="npo@npslanka.gov.lk", full_name="Nadeesha Perera", time_zone="Asia/Colombo")
    context = browser.new_context(java_script_enabled=javascript, timezone_id="Asia/Colombo")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        log_in(page, live_server.url, "npo@npslanka.gov.lk")
        page.wait_for_load_state()
        url = f"{live_server.url}/projects/{project.code}/nominations/new/"
        page.goto(url)
        _fill(page)

        # The slow link: each POST of the form is held on its way until both clicks are made.
        held, released, posts = [], [], []

        def hold(route):
            if route.request.method == "POST":
                posts.append(route.request)
            if route.request.method == "POST" and not released:
                held.append(route)
            else:
                route.continue_()

        page.route(url, hold)
        button = page.get_by_role("button", name="Submit to the APO Secretariat")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        with page.expect_request(lambda request: request.method == "POST"):
            page.mouse.click(x, y)
        page.mouse.click(x, y)  # the mouse, as a person's: the button may be disabled by now
        released.append(True)
        for route in held:
            try:
                route.continue_()
            except Exception:  # noqa: BLE001 (the browser cancelled it: the second submission replaced it)
                pass

        page.get_by_text("Chamari Jayasinghe was submitted to the APO Secretariat.").wait_for()
        assert "already nominated" not in page.content()
        nomination = Nomination.objects.get(project=project)
        assert page.url.endswith(f"/nominations/{nomination.pk}/")
        assert nomination.status == Nomination.Status.SUBMITTED and nomination.attachments.count() == 3
        print(f"{len(posts)} POST(s) sent by the double click, JavaScript {'on' if javascript else 'off'}")
        if javascript:
            assert len(posts) == 1, "the second click sent the form again"
    finally:
        context.close()
