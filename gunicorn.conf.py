"""gunicorn's configuration for the web process (the Dockerfile runs `gunicorn -c gunicorn.conf.py`; gunicorn also
reads this file by itself when started from this directory).

A sync worker serves one request at a time from start to end, reading the body as the client sends it: one
worker (the old default) was stalled by two clients trickling a POST. Here several worker processes each run a
pool of threads (gthread), so a few slow clients hold a few threads while the others answer. Behind nginx the
proxy buffers a request's body before it passes it on (its default, `proxy_request_buffering on`), so slow
bodies never reach gunicorn at all; these settings are for when it is reached directly too.

Every value can be set in the environment: WEB_CONCURRENCY (workers), GUNICORN_THREADS (threads per worker),
GUNICORN_TIMEOUT (seconds)."""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's share)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# A worker that answers nothing for this long (its heartbeat stops: a request stuck in C code) is replaced;
# a gthread worker's heartbeat goes on while its threads wait on slow clients.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
# On a restart or deploy, requests being answered get this long to finish.
graceful_timeout = 30
# Seconds an idle keep-alive connection is kept open (a browser fetching a page's assets reuses it).
keepalive = 5
# The request line (method, path and query) and the headers: enough for any page's address and a browser's
# headers, and no more (gunicorn answers 414 or 400 beyond them).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# A worker process is replaced after about this many requests, a backstop against slow leaks.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
