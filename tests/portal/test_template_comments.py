"""Django's `{# … #}` comment ends at the end of its line: one spread over several lines is printed on the page
as text (the attendance register showed its own comment to the Secretariat so). Longer comments are
`{% comment %}` blocks."""

import pathlib

from django.conf import settings

TEMPLATES = pathlib.Path(settings.BASE_DIR) / "templates"


def test_no_django_template_comment_spans_lines():
    unclosed = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert unclosed == []
