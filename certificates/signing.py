"""The portal as the issuer of Open Badges credentials: its did:web, its Ed25519 keys, and VC-JWT.

The issuer is `did:web:<host of PORTAL_BASE_URL>` (a port is written `%3A8000`), which a verifier resolves to
`https://<host>/.well-known/did.json`: the portal serves that document itself (`did_document`), listing the
current key and the retired ones still trusted. A key's id is the DID with the key's JWK thumbprint
(RFC 7638) as fragment, so a new key gets a new id by itself and nothing else has to be named.

A credential is a JWT (Open Badges 3.0 §8.2, "VC-JWT"): the JOSE header holds only `alg`, `kid` and
`typ: JWT`, and the payload is the credential itself with `iss`, `jti`, `nbf` and `sub` copied from it.
`alg` is `Ed25519`, RFC 9864's name for EdDSA over Ed25519 (the older, polymorphic `EdDSA` is deprecated
there, and joserfc warns on it); a verifier that knows only `EdDSA` checks the same signature."""

import base64
import binascii
import functools
import json
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

ALGORITHM = "Ed25519"
TOKEN_TYPE = "JWT"
DID_DOCUMENT_PATH = "/.well-known/did.json"


class SigningKeyError(ValueError):
    """CREDENTIAL_SIGNING_KEY or CREDENTIAL_RETIRED_KEYS holds something that is not an Ed25519 key."""


class SignatureRejected(ValueError):
    """A token that is not a credential signed by one of the portal's keys; the message says why, for a person."""


def _base64url(value: str) -> bytes:
    value = value.strip()
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise SigningKeyError("not base64url") from error


@functools.lru_cache(maxsize=8)
def _private_key(value: str) -> OKPKey:
    raw = _base64url(value)
    if len(raw) != 32:
        raise SigningKeyError(f"an Ed25519 key is 32 bytes; this one is {len(raw)}")
    return OKPKey.import_key(Ed25519PrivateKey.from_private_bytes(raw))


@functools.lru_cache(maxsize=32)
def _public_key(x: str) -> OKPKey:
    if len(_base64url(x)) != 32:
        raise SigningKeyError("an Ed25519 public key (JWK x) is 32 bytes")
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": x.strip()})


def signing_key_problem() -> str | None:
    """What is wrong with the configured keys, for the system check; None when they are usable."""
    if not settings.CREDENTIAL_SIGNING_KEY:
        return "CREDENTIAL_SIGNING_KEY is not set."
    try:
        _private_key(settings.CREDENTIAL_SIGNING_KEY)
    except SigningKeyError as error:
        return f"CREDENTIAL_SIGNING_KEY is not an Ed25519 private key ({error})."
    for x in settings.CREDENTIAL_RETIRED_KEYS:
        try:
            _public_key(x)
        except SigningKeyError as error:
            return f"CREDENTIAL_RETIRED_KEYS holds {x[:12]}..., which is not an Ed25519 public key ({error})."
    return None


def portal_base_url() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/")


def issuer_did() -> str:
    """did:web of the portal's host; the portal must be served at the root of that host (did.json is there)."""
    return "did:web:" + quote(urlsplit(settings.PORTAL_BASE_URL).netloc, safe="")


@dataclass(frozen=True)
class PublishedKey:
    key: OKPKey
    current: bool

    @property
    def key_id(self) -> str:
        return f"{issuer_did()}#{self.key.thumbprint()}"

    def verification_method(self) -> dict:
        return {
            "id": self.key_id,
            "type": "JsonWebKey2020",
            "controller": issuer_did(),
            "publicKeyJwk": self.key.as_dict(private=False),
        }


def published_keys() -> list[PublishedKey]:
    """The current key first, then the retired ones that are still trusted."""
    current = _private_key(settings.CREDENTIAL_SIGNING_KEY)
    keys = [PublishedKey(current, True)]
    for x in settings.CREDENTIAL_RETIRED_KEYS:
        retired = _public_key(x)
        if retired.thumbprint() != current.thumbprint():
            keys.append(PublishedKey(retired, False))
    return keys


def did_document() -> dict:
    """The DID document a verifier reads at /.well-known/did.json: every trusted key, public halves only."""
    keys = published_keys()
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
        "id": issuer_did(),
        "verificationMethod": [key.verification_method() for key in keys],
        "assertionMethod": [key.key_id for key in keys],
    }


def sign(payload: dict) -> str:
    """`payload` as a compact JWS signed with the current key."""
    key = published_keys()[0]
    header = {"alg": ALGORITHM, "kid": key.key_id, "typ": TOKEN_TYPE}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, body, key.key, algorithms=[ALGORITHM])


def _segment_json(segment: str, what: str) -> dict:
    try:
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: "[[[[…"
        raise SignatureRejected(f"Its {what} is not readable: this is not a signed credential.") from error
    if not isinstance(value, dict):
        raise SignatureRejected(f"Its {what} is not a JSON object: this is not a signed credential.")
    return value


def verify(token: str) -> dict:
    """The payload of `token` once its signature is checked against the key its header names, which must be
    one the portal publishes. Raises SignatureRejected, whose message says what is wrong."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise SignatureRejected(
            "This is not a signed credential: a VC-JWT is three parts separated by dots (header.payload.signature)."
        )
    header = _segment_json(parts[0], "header")
    alg = header.get("alg")
    if alg != ALGORITHM:
        raise SignatureRejected(
            f"It is signed with {alg!r}, not with the APO Portal's Ed25519 key: refused."
            if alg not in (None, "none", "")
            else "It carries no signature (alg 'none'): anyone could have written it. Refused."
        )
    kid = header.get("kid")
    key = next((key for key in published_keys() if key.key_id == kid), None)
    if key is None:
        raise SignatureRejected(
            f"It names the signing key {str(kid)[:120]!r}, which the APO Portal does not publish "
            f"({issuer_did()}): it was not signed by the APO, or by a key the APO no longer trusts."
        )
    try:
        verified = jws.deserialize_compact(token, key.key, algorithms=[ALGORITHM])
    except JoseError as error:
        raise SignatureRejected(
            "Its signature does not match the APO Portal's key: the credential was altered after it was signed, "
            "or it was signed by someone else."
        ) from error
    try:
        payload = json.loads(verified.payload)
    except (ValueError, UnicodeDecodeError) as error:
        raise SignatureRejected("Its signed content is not JSON: this is not a credential.") from error
    if not isinstance(payload, dict):
        raise SignatureRejected("Its signed content is not a JSON object: this is not a credential.")
    return payload
