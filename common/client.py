"""Who is asking: the client's address, read the same way by every throttle and by the audit log.

Behind a reverse proxy, REMOTE_ADDR is the proxy's address: counting it would let one client exhaust a
throttle for everybody (the certificate verification) or lock any officer out. A proxy appends the address
it received the request from to X-Forwarded-For, so with `TRUSTED_PROXY_COUNT` proxies in front (the
`TRUSTED_PROXIES` setting, default 0), the client is the last-but-N-1 entry of that header: the one the
outermost trusted proxy wrote. Anything to its left was sent by the client and is never believed, and with
no trusted proxy the header is ignored altogether. This is the rule of Werkzeug's ProxyFix (x_for=N).

python-ipware (behind django-ipware) was not used: it is a best-effort resolver that looks through many
headers and prefers public addresses to private ones, so a client could choose what it is counted as.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address the request came from, as the outermost trusted proxy saw it; REMOTE_ADDR without one.

    Used by django-axes (AXES_CLIENT_IP_CALLABLE), django-ratelimit (RATELIMIT_IP_META_KEY) and the audit
    log (audit.services.security_event)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < trusted:
        # Fewer hops than proxies: the request did not come through all of them, so nothing in the header is
        # vouched for.
        return remote
    candidate = forwarded[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
