"""The certificate's HTML, from its template; common.pdf prints it (only the portal's static files may be
read while it does).

`certificate_html` is one certificate's document; `certificates_html` is many certificates as one document of
one page each (certificates.html around the same certificate_page.html), which common.pdf prints in one
WeasyPrint render and writes page by page."""

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from common import qr


def verification_url(certificate) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("certificates:verify", args=[certificate.verification_code])


def verification_page() -> str:
    """The verification page as printed for a person to type: the host and path, no scheme ("portal.apo.test/verify/").
    The QR code carries the whole URL with the code; the text gives what is typed, the code in groups of four."""
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("certificates:verify_form")
    return url.split("://", 1)[-1]


# The language of a holder's name where the fonts need it: the Republic of China and Hong Kong write names in
# Traditional Chinese, whose forms of many Han characters differ from the Japanese ones every other name takes
# (certificate.html sets their fonts by it; build/static/fonts/pdf.css lists them).
NAME_LANGUAGES = {"TW": "zh-Hant-TW", "HK": "zh-Hant-HK"}


def holder_language(certificate) -> str:
    """The `lang` of the holder's name, by the economy that nominated them; "" for the page's own."""
    return NAME_LANGUAGES.get(certificate.nomination.economy.code, "")


def _page(certificate, sessions: int | None) -> dict:
    """What certificate_page.html prints for one certificate."""
    project = certificate.project
    url = verification_url(certificate)
    return {
        "certificate": certificate,
        "project": project,
        "host": project.hosting_economy,
        "sessions": project.sessions.count() if sessions is None else sessions,
        "qr_png": qr.png_data_uri(url),
        "holder_lang": holder_language(certificate),
    }


def _every_page() -> dict:
    """What every certificate prints the same: the signatory and where to verify."""
    return {
        "secretary_general": settings.APO_SECRETARY_GENERAL,
        "signature_url": static(settings.APO_SIGNATURE_IMAGE),
        "verification_page": verification_page(),
    }


def certificate_html(certificate, *, sessions: int | None = None) -> str:
    return render_to_string("certificates/certificate.html", {**_page(certificate, sessions), **_every_page()})


def certificates_html(certificates) -> str:
    """One document, one page per certificate, in the given order. Each certificate may carry its project's
    number of sessions as `session_count` (else it is counted)."""
    pages = [_page(certificate, getattr(certificate, "session_count", None)) for certificate in certificates]
    return render_to_string(
        "certificates/certificates.html",
        {"pages": pages, "title": ", ".join(c.serial for c in certificates), **_every_page()},
    )
