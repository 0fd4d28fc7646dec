"""Predicates on certificates: one place decides what a view serves and what a page offers."""

from .models import Certificate


def certificate_may_download(user, certificate: Certificate) -> bool:
    """Whether `user` may download the PDF of `certificate`, one they can see (`certificates_visible_to`).

    Only a rendered PDF is served. The holder and their NPO get a valid one only: a revoked or replaced
    certificate is no longer theirs to hand out (its replacement is). The Secretariat keeps every file,
    revoked ones included, as the record of what was issued."""
    if not user.is_authenticated or certificate.render_status != Certificate.RenderStatus.RENDERED:
        return False
    return user.is_secretariat or certificate.revoked_at is None
