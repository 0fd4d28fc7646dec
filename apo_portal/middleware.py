"""Middleware of the portal as a whole."""

import io

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

# What is worth compressing: text. PDFs, ZIP archives, spreadsheets and images are compressed already, and
# gzip would spend CPU to make them no smaller (and would drop a download's Content-Length).
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for text responses only.

    The portal's pages shrink to a fifth or less (the catalogue from 15 to 3.4 KiB, an attendance register
    of 60 participants × 6 sessions from 146 to 8 KiB): what an officer on a slow connection waits for.

    Django adds a random number of bytes to each compressed response, so that a page's compressed size does
    not give away a secret in it (BREACH); the CSRF token is masked anew on every page as well. Static files
    do not come this way: WhiteNoise serves them, compressed in advance, before this middleware runs."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
        if not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class StorableHeadersMiddleware:
    """A NUL in a request's headers becomes U+FFFD (the replacement character) before anything reads them.

    Headers reach the database: django-axes stores a failed log-in's User-Agent and Accept, and PostgreSQL
    refuses a NUL in text, so a client that sent one made its failed log-in go uncounted (and the page a
    500). No legitimate header holds a NUL (RFC 9110 forbids it); the rest of what was sent is kept as is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, value in list(request.META.items()):
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                request.META[key] = value.replace("\x00", "\ufffd")
                request.__dict__.pop("headers", None)  # request.headers is read from META once, and cached
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """A request body larger than `REQUEST_BODY_MAX_BYTES` is refused (413) before anything reads it.

    By its Content-Length, at once: CSRF's check reads the form, and Django writes each uploaded file of
    more than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, so without this an anonymous 200 MB POST was
    on disk before its 403. A chunked body (no Content-Length) is one Django would not read at all (it reads
    Content-Length bytes, none here); where the server marks the stream as ending with the body
    (`wsgi.input_terminated`: gunicorn), it is read into memory up to the limit, counting, and refused the
    moment it passes it, so it never reaches the form parser or the disk either; under the limit it is handed
    on as if it had been sent with its length. Must come first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_BODY_MAX_BYTES
        length = request.META.get("CONTENT_LENGTH")
        if length:
            try:
                too_large = int(length) > limit
            except ValueError:
                return HttpResponseBadRequest("Content-Length is not a number.", content_type="text/plain")
            if too_large:
                return self.refuse(request)
        elif (
            request.META.get("wsgi.input_terminated")
            and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        ):
            body = self.read_at_most(request.META["wsgi.input"], limit)
            if body is None:
                return self.refuse(request)
            # Django made the request's stream when the request arrived, from Content-Length (absent: empty).
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        return self.get_response(request)

    @staticmethod
    def read_at_most(stream, limit: int) -> bytes | None:
        """The whole body, or None as soon as it is longer than `limit` bytes."""
        chunks, size = [], 0
        while chunk := stream.read(min(64 * 1024, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return None
        return b"".join(chunks)

    @staticmethod
    def refuse(request):
        page = render_to_string("413.html", {"limit_mb": settings.REQUEST_BODY_MAX_BYTES / 1024 / 1024})
        return HttpResponse(page, status=413)


class PrivateAnswersMiddleware:
    """`Cache-Control: no-store, private` on every answer that may carry personal data, so that no browser
    history, shared computer or cache in between keeps a copy. The rule:

    - every answer to a signed-in person (their pages, and every export, PDF, attachment, ZIP and calendar
      they download: all of them need a sign-in);
    - every download (Content-Disposition: attachment), whoever asks;
    - every answer that sets a cookie (a cache in between must never hand one person's cookie to another),
      except the CSRF cookie: Django sets it afresh on every page that holds a form, including the public
      ones, and sends `Vary: Cookie` with it, so that a cache keeps one copy per visitor's cookies;
    - the public pages that show a person, marked in their views with
      `cache_control(no_store=True, private=True)`: certificate verification (the holder's name) and the
      calendar feed (a participant's sessions, by their link).

    The public catalogue and project pages, and static files (served by WhiteNoise before this runs), stay
    cacheable. Placed before SessionMiddleware and CsrfViewMiddleware, so that it sees the cookies they set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or response.get("Content-Disposition", "").lower().startswith("attachment")
            or set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response
