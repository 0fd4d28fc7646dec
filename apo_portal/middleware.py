"""Middleware of the portal as a whole."""

from django.middleware.gzip import GZipMiddleware

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
