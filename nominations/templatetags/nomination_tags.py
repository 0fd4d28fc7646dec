from django import template

from nominations.models import Nomination

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """'waitlisted' as people read it: 'Wait-listed'."""
    try:
        return Nomination.Status(value).label
    except ValueError:
        return value
