from django import template

from nominations import rules
from nominations.models import Nomination

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """'waitlisted' as people read it: 'Wait-listed'."""
    try:
        return Nomination.Status(value).label
    except ValueError:
        return value


@register.inclusion_tag("nominations/_status_badge.html", takes_context=True)
def status_badge(context, nomination: Nomination) -> dict:
    """The nomination's status as the reader sees it (`rules.status_seen_by`)."""
    user = context["request"].user
    status = rules.status_seen_by(user, nomination)
    return {"status": status, "label": rules.status_label_seen_by(user, status)}
