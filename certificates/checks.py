"""System checks of the certificates' credentials: the portal refuses to start without a usable signing key."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from . import signing


@checks.register()
def credential_signing_key(app_configs=None, **kwargs):
    """Every credential and the revocation list are signed with CREDENTIAL_SIGNING_KEY: without it, or with
    something that is not an Ed25519 key, none could be issued or checked."""
    problem = signing.signing_key_problem()
    if problem is None:
        return []
    return [
        checks.Error(
            problem,
            hint=(
                "Set CREDENTIAL_SIGNING_KEY to 32 random bytes in base64url, the same in web and every worker: "
                "python3 -c 'import base64, secrets; "
                'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode())\''
            ),
            id="certificates.E001",
        )
    ]


@checks.register()
def issuer_at_host_root(app_configs=None, **kwargs):
    """The issuer is did:web of PORTAL_BASE_URL's host, resolved at <host>/.well-known/did.json: the portal must
    be the root of that host."""
    if urlsplit(settings.PORTAL_BASE_URL).path.strip("/"):
        return [
            checks.Error(
                f"PORTAL_BASE_URL ({settings.PORTAL_BASE_URL}) has a path: the credentials' issuer, did:web of its "
                "host, would not resolve to the portal's /.well-known/did.json.",
                hint="Serve the portal at the root of its host name, e.g. https://portal.apo-tokyo.org",
                id="certificates.E002",
            )
        ]
    return []
