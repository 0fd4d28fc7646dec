"""Small helpers every app's views share."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)


def posted(request):
    """The POST data to bind a form to, or None on GET.

    (`request.POST or None` would leave a form whose fields were all left empty unbound, so a
    confirmation that posts nothing but its CSRF token would silently do nothing.)"""
    return request.POST if request.method == "POST" else None


def page_on_this_site(request, url: str) -> str | None:
    """`url` if it is a path on this site ("/projects/…") to send a person back to, else None: another site's
    address (an open redirect), or a bare word, which redirect() would look up as a view's name and fail on."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def healthz(request):
    """Liveness, for Docker and load balancers: the web process answers, whatever else is down (restarting it
    would mend nothing). Also the load test's trivial view, the ceiling every page is measured against."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """Readiness: whether this process can serve the portal's pages, i.e. reach the database. 503 when it
    cannot, saying so (never the error itself, which may name hosts and users), so that Docker's health check
    and a load balancer stop sending people to a portal that cannot answer them.

    Redis is not asked: when it is down or hung the pages still answer (the cache fails soft, the work waits
    in the database for beat's sweeps), and a web process taken out of service for it would help nobody."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.debug("Readiness: the database cannot be reached", exc_info=True)
        connection.close()  # the next check connects afresh
        return HttpResponse("database: unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("database: ok\n", content_type="text/plain")
