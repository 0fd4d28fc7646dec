"""Each certificate as an Open Badges 3.0 credential, the revocation lists behind them, the checker of a
credential someone hands in, and LinkedIn's "Add to profile" link.

A credential is an `OpenBadgeCredential` (Verifiable Credentials 2.0 data model) made from the certificate as
it is stored, whenever it is asked for, and signed as a VC-JWT (`signing.py`): the same certificate and key
give the same token (Ed25519 signatures are deterministic). Its `credentialStatus` is a
`BitstringStatusListEntry`: the certificate's index (drawn at random at issue, `services._status_entries`)
into a `BitstringStatusListCredential` that `status_list_jwt` builds from the database on every request,
so a revocation is in it as soon as it commits; verifiers may keep it for STATUS_LIST_MAX_AGE seconds."""

import base64
import datetime
import gzip
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from common.zones import iso_in_zone, secretariat_zone
from projects.models import Session

from . import signing
from .models import STATUS_LIST_SIZE, Certificate

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ISSUER_NAME = "Asian Productivity Organization"
ISSUER_URL = "https://www.apo-tokyo.org/"
# How long a verifier (or a cache in between) may keep the revocation list: a revocation shows within it.
STATUS_LIST_MAX_AGE = 60
CRITERION = (
    "Full participation in every session of the project: the APO gives its certificate of attendance only "
    "to participants who attended all sessions (arriving late counts as attending)."
)


def _url(path: str) -> str:
    return signing.portal_base_url() + path


def credential_id(certificate: Certificate) -> str:
    """The credential's id: the certificate's public verification page."""
    return _url(reverse("certificates:verify", args=[certificate.verification_code]))


def credential_download_url(certificate: Certificate) -> str:
    return _url(reverse("certificates:credential", args=[certificate.verification_code]))


def status_list_url(number: int) -> str:
    return _url(reverse("certificates:status_list", args=[number]))


def _instant(value: datetime.datetime, zone=None) -> str:
    """An instant as the credential writes it: to the second, with its offset, in the Secretariat's zone unless
    another is given, so that the day read off the issue is the issue date the PDF prints (PRODUCT.md rule 13),
    whoever asks."""
    return iso_in_zone(value, zone or secretariat_zone())


def _subject_id(certificate: Certificate) -> str:
    """The holder, as the credential names them without an address: stable for the participation (a corrected
    certificate keeps it), and revealing nothing."""
    return uuid.uuid5(uuid.NAMESPACE_URL, _url(f"/participants/{certificate.nomination_id}")).urn


def _project_span(project) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    span = Session.objects.filter(project=project).aggregate(first=Min("starts_at"), last=Max("ends_at"))
    return span["first"], span["last"]


def _dates(project) -> str:
    if project.start_date == project.end_date:
        return f"{project.start_date:%-d %B %Y}"
    return f"{project.start_date:%-d %B %Y} to {project.end_date:%-d %B %Y}"


def credential_payload(certificate: Certificate) -> dict:
    """The OpenBadgeCredential of `certificate`, with the JWT claims Open Badges 3.0 §8.2 asks for."""
    project = certificate.project
    first, last = _project_span(project)
    issuer = signing.issuer_did()
    project_url = _url(reverse("projects:detail", args=[project.code]))
    subject = {
        "id": _subject_id(certificate),
        "type": ["AchievementSubject"],
        "name": certificate.holder_name,
        "identifier": [
            {"type": "IdentityObject", "identityHash": certificate.holder_name, "identityType": "name", "hashed": False}
        ],
        "achievement": {
            "id": f"{project_url}#certificate-of-attendance",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": f"Certificate of attendance: {project.title}",
            "humanCode": project.code,
            "description": (
                f"APO {project.get_project_type_display().lower()} {project.code}, {project.title}: {_dates(project)}, "
                f"{project.get_modality_display().lower()}, {project.venue_display}."
            ),
            "criteria": {"id": project_url, "narrative": CRITERION},
            "tag": [project.get_project_type_display(), project.get_modality_display()],
        },
    }
    if first and last:
        subject["activityStartDate"] = _instant(first, project.time_zone)
        subject["activityEndDate"] = _instant(last, project.time_zone)
    valid_from = _instant(certificate.issued_at)
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"APO certificate of attendance {certificate.serial}",
        "issuer": {"id": issuer, "type": ["Profile"], "name": ISSUER_NAME, "url": ISSUER_URL},
        "validFrom": valid_from,
        "awardedDate": valid_from,
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if certificate.status_index is not None:
        list_url = status_list_url(certificate.status_list)
        credential["credentialStatus"] = {
            "id": f"{list_url}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": list_url,
        }
    seconds = int(datetime.datetime.fromisoformat(valid_from).timestamp())
    return {**credential, "iss": issuer, "jti": credential["id"], "nbf": seconds, "sub": subject["id"]}


def credential_jwt(certificate: Certificate) -> str:
    return signing.sign(credential_payload(certificate))


# ---------------------------------------------------------------- the revocation lists


def status_bits(number: int) -> bytearray:
    """List `number` as a bitstring: bit i (the most significant bit of byte 0 is bit 0) is set when the
    certificate holding entry i is revoked. One query over the revoked certificates of the list."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    revoked = Certificate.objects.filter(
        status_list=number, status_index__isnull=False, revoked_at__isnull=False
    ).values_list("status_index", flat=True)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bits


def encode_list(bits: bytes) -> str:
    """Multibase base64url (prefix "u", no padding) of the GZIP-compressed bitstring. mtime=0: the same list
    encodes the same way every time."""
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()


def decode_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_payload(number: int) -> dict:
    list_url = status_list_url(number)
    now = _instant(timezone.now())
    issuer = signing.issuer_did()
    credential = {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": now,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(status_bits(number)),
            "ttl": STATUS_LIST_MAX_AGE * 1000,
        },
    }
    seconds = int(datetime.datetime.fromisoformat(now).timestamp())
    return {**credential, "iss": issuer, "jti": list_url, "nbf": seconds, "sub": credential["credentialSubject"]["id"]}


def status_list_exists(number: int) -> bool:
    return number == 1 or Certificate.objects.filter(status_list=number).exists()


def status_list_jwt(number: int) -> str:
    return signing.sign(status_list_payload(number))


# ---------------------------------------------------------------- LinkedIn


def linkedin_add_url(certificate: Certificate) -> str:
    """LinkedIn's "Add to profile" link for the certification: its name, the APO as the organization (its
    company page when LINKEDIN_ORGANIZATION_ID is set), the month and year of the issue date as printed, the
    verification page as the credential's URL and the serial as its id."""
    organization = (
        {"organizationId": settings.LINKEDIN_ORGANIZATION_ID}
        if settings.LINKEDIN_ORGANIZATION_ID
        else {"organizationName": ISSUER_NAME}
    )
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": f"Certificate of attendance: {certificate.project.title}",
        **organization,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "certUrl": credential_id(certificate),
        "certId": certificate.serial,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


# ---------------------------------------------------------------- checking a credential handed in


@dataclass
class CredentialCheck:
    """What the checker found, step by step: `steps` are (what was checked, passed, what it means)."""

    steps: list[tuple[str, bool, str]] = field(default_factory=list)
    certificate: Certificate | None = None
    revoked: bool = False

    @property
    def valid(self) -> bool:
        return bool(self.steps) and all(passed for _, passed, _ in self.steps) and not self.revoked

    def passed(self, what: str, message: str) -> None:
        self.steps.append((what, True, message))

    def failed(self, what: str, message: str) -> "CredentialCheck":
        self.steps.append((what, False, message))
        return self


def _certificate_of(credential_id_value: str, certificates) -> Certificate | None:
    prefix = _url(reverse("certificates:verify_form"))
    if not isinstance(credential_id_value, str) or not credential_id_value.startswith(prefix):
        return None
    code = credential_id_value[len(prefix) :].strip("/")
    return certificates.filter(verification_code=code).first() if code.isalnum() else None


def check_credential(token: str, *, certificates) -> CredentialCheck:
    """Check a credential as a verifier would: its signature against the key the portal publishes, its issuer,
    that it is an Open Badges credential of a certificate the portal issued and says what that certificate
    says, and its entry in the revocation list. `certificates` is the queryset of issued certificates."""
    check = CredentialCheck()
    token = "".join(token.split())
    try:
        payload = signing.verify(token)
    except signing.SignatureRejected as error:
        return check.failed("Signature", str(error))
    check.passed("Signature", "Signed with the APO Portal's Ed25519 key, as published in its DID document.")

    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != signing.issuer_did() or payload.get("iss") != issuer_id:
        return check.failed("Issuer", f"It names {str(issuer_id)[:120]!r} as issuer, not the APO Portal.")
    check.passed("Issuer", f"Issued by the APO Portal ({issuer_id}).")

    types = payload.get("type")
    subject = payload.get("credentialSubject")
    if not isinstance(types, list) or "OpenBadgeCredential" not in types or not isinstance(subject, dict):
        return check.failed("Credential", "It is signed by the portal, but it is not an Open Badges credential.")
    if payload.get("jti") != payload.get("id") or payload.get("sub") != subject.get("id"):
        return check.failed("Credential", "Its JWT claims disagree with the credential inside it.")

    certificate = _certificate_of(payload.get("id"), certificates)
    if certificate is None:
        return check.failed("Certificate", "It names no certificate the APO issued.")
    check.certificate = certificate
    expected = credential_payload(certificate)
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    if (
        subject.get("name") != certificate.holder_name
        or achievement.get("humanCode") != certificate.project.code
        or payload.get("validFrom") != expected["validFrom"]
        or payload.get("credentialStatus") != expected.get("credentialStatus")
    ):
        return check.failed(
            "Certificate", f"It does not say what certificate {certificate.serial} says (holder, project or date)."
        )
    check.passed(
        "Certificate",
        f"It is certificate {certificate.serial}: {certificate.holder_name}, {certificate.project.code}.",
    )

    status = expected.get("credentialStatus")
    if status is None:
        check.revoked = certificate.revoked_at is not None
    else:
        index = int(status["statusListIndex"])
        bits = decode_list(status_list_payload(certificate.status_list)["credentialSubject"]["encodedList"])
        check.revoked = bit_is_set(bits, index)
    if check.revoked:
        replaced = f" It was replaced by {certificate.replaced_by.serial}." if certificate.replaced_by_id else ""
        revoked_on = f" on {certificate.revoked_on:%-d %B %Y}" if certificate.revoked_on else ""
        check.steps.append(("Revocation list", False, f"The APO revoked this certificate{revoked_on}.{replaced}"))
    else:
        check.passed("Revocation list", "Not revoked: its entry in the APO's revocation list is clear.")
    return check
