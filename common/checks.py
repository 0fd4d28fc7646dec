"""System checks of what the portal needs beside its code."""

from django.contrib.staticfiles import finders
from django.core import checks

STYLESHEET = "css/portal.min.css"


@checks.register(checks.Tags.staticfiles)
def stylesheet_built(app_configs=None, **kwargs):
    """Every page links the stylesheet that scripts/build-assets compiles into build/static/ (git-ignored): a
    checkout where it was not built serves pages without their styles."""
    if finders.find(STYLESHEET):
        return []
    return [
        checks.Warning(
            f"The portal's stylesheet {STYLESHEET} has not been built, so pages have no styles.",
            hint="Run scripts/setup (or scripts/build-assets), which builds it into build/static/.",
            id="common.W001",
        )
    ]
