"""Every main page of every role passes axe-core's WCAG 2.2 A and AA rules (issue 17, item 6).

axe-core comes from npm (a devDependency): only this test loads it, injected into the page as a script. The
pages are tests/browser/pages.py's PAGES: a page added there is checked here too.
"""

import pathlib

import pytest
from django.conf import settings

from tests.browser.pages import ANONYMOUS, PAGES, build_world, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = pathlib.Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# label-content-name-mismatch (WCAG 2.5.3, label in name) is one of axe's "experimental" rules, off unless named.
RUN = """tags => axe.run(document, {
  runOnly: {type: 'tag', values: tags},
  rules: {'label-content-name-mismatch': {enabled: true}},
  resultTypes: ['violations'],
})"""
# A desktop and a phone: a table that fits the one scrolls inside its box on the other.
WIDTHS = [(1280, 900), (390, 844)]
# A page that has hx-* attributes must load htmx (base.html loads it only where a page asks for it).
HTMX_MISSING = """() => !!document.querySelector(
  '[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],[data-mark-cell]') && !window.htmx"""


def violations_text(role: str, path: str, violations: list[dict]) -> list[str]:
    """One line per rule and element: where, which rule, and what axe says to fix."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or violation["help"]).split())
            lines.append(f"{role} {path}: {violation['id']} at {' '.join(node['target'])}: {summary}")
    return lines


def test_every_main_page_of_every_role_has_no_axe_violation(live_server, browser):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci installs the devDependencies)")
    world = build_world()
    found, missing_htmx = [], []
    for role in dict.fromkeys(role for role, _, _ in PAGES):
        for width, height in WIDTHS:
            found += check_role(browser, live_server, world, role, width, height, missing_htmx)
    assert not found, f"{len(found)} accessibility violations:\n" + "\n".join(found)
    assert not missing_htmx, "pages with hx-* attributes but no htmx: " + ", ".join(sorted(set(missing_htmx)))


def check_role(browser, live_server, world, role, width, height, missing_htmx) -> list[str]:
    found = []
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        context.add_cookies(session_cookie(world.users.get(role) if role != ANONYMOUS else None, live_server.url))
        page = context.new_page()
        page.set_default_timeout(15_000)
        for _, _, path in world.pages(role):
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{role} {path}: {response.status}"
            page.add_script_tag(path=str(AXE))
            found += violations_text(f"{role} {width}px", path, page.evaluate(RUN, TAGS)["violations"])
            if page.evaluate(HTMX_MISSING):
                missing_htmx.append(f"{role} {path}")
    finally:
        context.close()
    return found
