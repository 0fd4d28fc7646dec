"""The certificate's HTML, from its template; common.pdf prints it (only the portal's static files may be
read while it does)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from common import qr


def verification_url(certificate) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("certificates:verify", args=[certificate.verification_code])


def certificate_html(certificate, *, sessions: int | None = None) -> str:
    project = certificate.project
    url = verification_url(certificate)
    return render_to_string(
        "certificates/certificate.html",
        {
            "certificate": certificate,
            "project": project,
            "host": project.hosting_economy,
            "sessions": project.sessions.count() if sessions is None else sessions,
            "verification_url": url,
            "qr_svg": qr.svg(url, scale=3),
            "secretary_general": settings.APO_SECRETARY_GENERAL,
            "signature_url": static(settings.APO_SIGNATURE_IMAGE),
        },
    )
