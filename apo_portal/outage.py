"""While the database cannot be reached (PostgreSQL restarting, say), every page answers 503 with a short page
of the portal's own and a Retry-After, rather than a bare 500; the outage is logged once, when this process
first meets it, and once more when it connects again, not once per request.

Two ways in, one answer: `DatabaseOutageMiddleware.process_exception` for a view's error, and `server_error`
(the URLconf's handler500) for an error raised in a middleware before the view (reading a signed-in
person's session or user). Only an error that is the database being unreachable is answered so: an
OperationalError or InterfaceError after which a fresh connection fails too. Any other error, a deadlock or
a "database is locked" among them, is the usual 500.

The page is rendered with no request and no context processors: nothing in it may need the database."""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError, connection
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 15
_lock = threading.Lock()
_down_since: float | None = None  # monotonic time this process first found the database unreachable


def _unreachable(error: Exception) -> bool:
    """Whether `error` is the database being unreachable: a fresh connection fails as well."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    if connection.connection is not None and connection.is_usable():
        return False  # connected and answering: a deadlock, a lock, a bad query
    try:
        connection.close()  # the broken one, if any
        connection.ensure_connection()
    except (OperationalError, InterfaceError):
        return True
    return False


def _outage_begins(error: Exception) -> None:
    global _down_since
    with _lock:
        if _down_since is not None:
            return
        _down_since = time.monotonic()
    logger.error("The database cannot be reached; every page answers 503 until it can: %s", error)


def _outage_ends(**kwargs) -> None:
    global _down_since
    with _lock:
        if _down_since is None:
            return
        seconds, _down_since = time.monotonic() - _down_since, None
    logger.warning("The database can be reached again, after %.0f s", seconds)


connection_created.connect(_outage_ends, dispatch_uid="apo_portal.outage")


def unavailable_response(error: Exception) -> HttpResponse:
    _outage_begins(error)
    response = HttpResponse(render_to_string("503_database.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response._has_been_logged = True  # logged above, once per outage; Django would log each request
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if _unreachable(exception):
            return unavailable_response(exception)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: Django calls it while it handles the error, which sys.exc_info() then holds."""
    error = sys.exc_info()[1]
    if error is not None and _unreachable(error):
        return unavailable_response(error)
    return defaults.server_error(request, template_name)
