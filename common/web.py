"""Small helpers every app's views share."""

from django.http import HttpResponse


def posted(request):
    """The POST data to bind a form to, or None on GET.

    (`request.POST or None` would leave a form whose fields were all left empty unbound, so a
    confirmation that posts nothing but its CSRF token would silently do nothing.)"""
    return request.POST if request.method == "POST" else None


def healthz(request):
    """For load balancers and Docker: the web process answers. (Also the load test's trivial view, the
    ceiling every page is measured against.)"""
    return HttpResponse("ok", content_type="text/plain")
