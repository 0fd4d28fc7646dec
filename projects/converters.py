"""`<project_code:code>` in an address: only what can be an APO project code reaches a page.

An address is anything a client sends: with `<str:…>` a NUL or a control character went straight into the
project's look-up, which PostgreSQL refuses with an error (a 500 for a page that should simply not exist).
Matching the code's own format in the address makes such an address no page at all: a 404, with no query."""

from .models import PROJECT_CODE_PATTERN


class ProjectCodeConverter:
    regex = PROJECT_CODE_PATTERN.removeprefix("^").removesuffix("$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
