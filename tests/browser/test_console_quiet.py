"""Every main page of every role loads, under its real Content-Security-Policy, without a word in the browser's
console: no script error, no asset that failed to load, no inline code the policy refused, no header the
browser could not read. Such a message is something broken that a person only notices as a button that does
nothing; the accessibility test cannot see them, as it lifts the policy to inject axe-core."""

import pytest

from tests.browser.pages import ANONYMOUS, PAGES, build_world, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _listen(page, role: str, said: list[str]) -> None:
    """Note each console message and uncaught error, with who saw it on which page."""
    page.on("console", lambda message: said.append(f"{role} {page.url}: {message.type}: {message.text}"))
    page.on("pageerror", lambda error: said.append(f"{role} {page.url}: uncaught {error}"))


def test_no_main_page_of_any_role_says_anything_in_the_console(live_server, browser):
    world = build_world()
    said = []
    for role in dict.fromkeys(role for role, _, _ in PAGES):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            user = world.users.get(role) if role != ANONYMOUS else None
            context.add_cookies(session_cookie(user, live_server.url))
            page = context.new_page()
            page.set_default_timeout(15_000)
            _listen(page, role, said)
            for _, _, path in world.pages(role):
                response = page.goto(live_server.url + path, wait_until="networkidle")
                assert response.status == 200, f"{role} {path}: {response.status}"
        finally:
            context.close()
    assert said == [], "\n".join(said)
