"""The notification as the APO prints it, made by the portal: A4 portrait, the title, the facts block,
the numbered sections, the program by day, the signature. HTML from a template; common.pdf prints it."""

import itertools

from django.template.loader import render_to_string

from accounts.models import Economy
from common.pdf import sha256
from common.zones import secretariat_date

from ..models import Project


def notification_html(project: Project, *, version: int | None = None, printed_at=None) -> str:
    """The notification's HTML; without `version` and `printed_at` it is what the version says, the
    text whose hash tells whether a change to the project changed the notification."""
    sessions = list(project.sessions.order_by("starts_at"))
    zone = project.zone
    days = [
        (day, list(group))
        for day, group in itertools.groupby(sessions, key=lambda session: session.starts_at.astimezone(zone).date())
    ]
    economies = list(project.participating_economies.order_by("name").values_list("name", flat=True))
    return render_to_string(
        "projects/notification_pdf.html",
        {
            "project": project,
            "days": days,
            "economies": economies,
            "all_economies": len(economies) == Economy.objects.count(),
            "version": version,
            "printed_on": secretariat_date(printed_at) if printed_at else None,
        },
    )


def content_hash(project: Project) -> str:
    return sha256(notification_html(project).encode())
