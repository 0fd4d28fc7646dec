from django import template

register = template.Library()


@register.simple_tag
def mark_for(marks: dict, nomination, session):
    """The mark of one register cell, from the dict the register selector built (no query)."""
    return marks.get((nomination.pk, session.pk))
