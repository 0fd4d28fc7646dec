"""Reads of certificates that depend on who is asking."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from attendance import selectors as attendance_selectors
from projects.models import Project

from .models import Certificate


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """Secretariat: all. NPO officer: their economy's. Participant: their own. Others: none."""
    certificates = Certificate.objects.select_related("project", "nomination__economy")
    if not user.is_authenticated:
        return certificates.none()
    if user.is_secretariat:
        return certificates
    if user.is_npo_officer:
        return certificates.filter(nomination__economy_id=user.economy_id)
    if user.is_participant:
        return certificates.filter(nomination__participant=user)
    return certificates.none()


def certificates_revoked_visible_to(user, project: Project) -> QuerySet[Certificate]:
    """The project's revoked certificates the viewer may see (an NPO: their economy's; a participant: their
    own), each with the certificate that replaces it, if any."""
    return (
        certificates_visible_to(user)
        .filter(project=project, revoked_at__isnull=False)
        .select_related("replaced_by")
        .order_by("holder_name", "sequence")
    )


def _issued() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("project__hosting_economy", "replaced_by").filter(
        render_status=Certificate.RenderStatus.RENDERED
    )


def certificate_by_code(code: str) -> Certificate | None:
    return _issued().filter(verification_code=code).first()


def certificate_by_sha256(digest: str) -> Certificate | None:
    return _issued().filter(sha256=digest).first()


@dataclass
class CertificateRow:
    participation: attendance_selectors.Participation
    certificate: Certificate | None
    history: list[Certificate]
    urls: dict[str, str] = field(default_factory=dict)  # the certificate's actions (views.manage)


def certificate_rows(project: Project) -> list[CertificateRow]:
    """Each participant with their participation, their valid certificate and any revoked ones."""
    rows = attendance_selectors.participation(attendance_selectors.participants_of(project), project)
    by_nomination: dict[int, list[Certificate]] = {}
    for certificate in Certificate.objects.filter(project=project).order_by("sequence"):
        by_nomination.setdefault(certificate.nomination_id, []).append(certificate)
    result = []
    for row in rows:
        certificates = by_nomination.get(row.nomination.pk, [])
        valid = next((c for c in certificates if c.revoked_at is None), None)
        result.append(CertificateRow(row, valid, [c for c in certificates if c.revoked_at]))
    return result
