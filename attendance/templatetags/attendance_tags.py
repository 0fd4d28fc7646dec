from django import template

register = template.Library()


@register.simple_tag
def mark_for(marks: dict, nomination, session):
    """The mark of one register cell, from the dict the register selector built (no query)."""
    return marks.get((nomination.pk, session.pk))


@register.simple_tag
def cert_for(certificates: dict, nomination):
    """A participant's valid certificate, from the dict the view built (no query)."""
    return certificates.get(nomination.pk)
