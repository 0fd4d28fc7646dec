from django import template

from certificates import rules

register = template.Library()


@register.filter
def may_download(certificate, user) -> bool:
    """`{% if certificate|may_download:user %}`: the same predicate the download views apply."""
    return rules.certificate_may_download(user, certificate)
