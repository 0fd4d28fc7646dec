"""A browser test reads the page through Playwright's `expect`, which waits until the page shows what it
asserts. `assert locator.is_visible()` or `assert "…" in locator.inner_text()` reads the page once, at
once: after a click, that can be the page being left, or a page whose answer has not arrived yet. CI failed
so on a shared machine (`Sri Lanka's nominations` was not yet visible a moment after the click that opened
it), though the portal was right."""

import ast
import pathlib

from django.conf import settings

BROWSER_TESTS = pathlib.Path(settings.BASE_DIR) / "tests" / "browser"
# Locator methods that read the page once, without waiting for what is asserted.
READ_ONCE = {
    "all_inner_texts",
    "all_text_contents",
    "get_attribute",
    "inner_html",
    "inner_text",
    "input_value",
    "is_checked",
    "is_disabled",
    "is_editable",
    "is_enabled",
    "is_hidden",
    "is_visible",
    "text_content",
}


def _reads_in_asserts(source: str) -> list[tuple[int, str]]:
    return [
        (node.lineno, call.func.attr)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assert)
        for call in ast.walk(node.test)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in READ_ONCE
    ]


def test_the_check_finds_an_assert_that_reads_the_page_once():
    source = 'assert page.get_by_role("heading", name="Projects").is_visible()\nexpect(heading).to_be_visible()\n'
    assert _reads_in_asserts(source) == [(1, "is_visible")]
    assert _reads_in_asserts('assert "Sent" in (\n    status.inner_text()\n)\n') == [(1, "inner_text")]


def test_no_browser_test_asserts_on_a_page_it_read_once():
    reads = [
        f"{path.name}:{line}: {method}"
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        for line, method in _reads_in_asserts(path.read_text())
    ]
    assert reads == [], "use expect(locator).to_…(), which waits"
