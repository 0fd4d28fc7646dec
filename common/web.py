"""Small helpers every app's views share."""

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import reverse

# Stands for the id in a URL reversed once for many ids: no other part of a portal URL holds it.
EACH_ID = 4_000_000_007


def url_for_each_id(name: str, *args) -> Callable[[int], str]:
    """`reverse(name, args=args)` with each id in turn where `args` holds `EACH_ID`, from one `reverse()`.

    A long table links each row: reverse() takes some 20 µs, too long to call for each of hundreds of
    rows, and two rows' URLs differ only by the id."""
    before, found, after = reverse(name, args=args).partition(str(EACH_ID))
    if not found:
        raise ValueError(f"{name}: pass EACH_ID where the id goes")
    return lambda pk: f"{before}{int(pk)}{after}"


def posted(request):
    """The POST data to bind a form to, or None on GET.

    (`request.POST or None` would leave a form whose fields were all left empty unbound, so a
    confirmation that posts nothing but its CSRF token would silently do nothing.)"""
    return request.POST if request.method == "POST" else None


def healthz(request):
    """For load balancers and Docker: the web process answers. (Also the load test's trivial view, the
    ceiling every page is measured against.)"""
    return HttpResponse("ok", content_type="text/plain")
