from django import template

from certificates import credentials, rules, signing
from certificates.models import Certificate

register = template.Library()


@register.filter
def may_download(certificate, user) -> bool:
    """`{% if certificate|may_download:user %}`: the same predicate the download views apply."""
    return rules.certificate_may_download(user, certificate)


@register.filter
def linkedin_add_url(certificate) -> str:
    """`{{ certificate|linkedin_add_url }}`: LinkedIn's "Add to profile" link for the certification (empty for
    no certificate, as a template's missing variable is)."""
    return credentials.linkedin_add_url(certificate) if isinstance(certificate, Certificate) else ""


@register.filter
def credential_url(certificate) -> str:
    """`{{ certificate|credential_url }}`: the full address of the certificate's Open Badges credential."""
    return credentials.credential_download_url(certificate) if isinstance(certificate, Certificate) else ""


@register.simple_tag
def issuer_did() -> str:
    """`{% issuer_did %}`: the did:web that issues the credentials."""
    return signing.issuer_did()
