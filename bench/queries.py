"""What bench/scale.py measures in its own process, through Django: the SQL of each page, and two in-process timings.

- `measure_queries()` counts a page's queries on its big and its small instance (the count must not grow with
  the data), times each (the median of five requests), EXPLAIN ANALYZEs any over `TARGET_QUERY_MS`, and, for a
  page served from the cache until its data changes, the same with its cache generation advanced ("uncached").
- `profile_page()` is a cProfile of a page, for one that misses its latency target.
- `time_import()` (a 10,000-row Zoom report through attendance.imports) and `time_reminders()` (the reminder scan
  with every project open, in a transaction rolled back).

Django must be set up (bench/scale.py does it) before any of these is called.
"""

from __future__ import annotations

import cProfile
import hashlib
import io
import pstats
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.data import World, zoom_report
from bench.results import tidy_paths

TARGET_QUERIES = 12
TARGET_QUERY_MS = 20
IMPORT_ROWS = 10_000

if TYPE_CHECKING:
    from bench.scale import Page


@dataclass
class QueryFigures:
    count: int
    count_small: int
    in_process_ms: float  # the fastest of 5 requests: the page's own cost, whatever else the machine does
    sql_ms: float  # of which in SQL (the same request's summed query times)
    slowest_ms: float
    slowest_sql: str
    slow: list[tuple[float, str, str]]  # (ms, sql, EXPLAIN ANALYZE) for every query over the target
    # For a page served from the cache: the same figures right after its generation changed (a cache miss).
    cold_count: int | None = None
    cold_count_small: int | None = None
    cold_ms: float | None = None
    cold_sql_ms: float | None = None

    @property
    def counts(self) -> str:
        text = f"{self.count} ({self.count_small})"
        return text if self.cold_count is None else f"{text}; uncached {self.cold_count} ({self.cold_count_small})"

    @property
    def times(self) -> str:
        text = f"{self.in_process_ms:.0f} ({self.sql_ms:.0f})"
        return text if self.cold_ms is None else f"{text}; uncached {self.cold_ms:.0f} ({self.cold_sql_ms:.0f})"

    @property
    def most_queries(self) -> int:
        return max(self.count, self.cold_count or 0)

    @property
    def same_count_when_small(self) -> bool:
        return self.count == self.count_small and self.cold_count == self.cold_count_small


def _client(cookie: str):
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
    return client


def _get(client, path: str, expect_status: int = 200):
    response = client.get(path)
    if response.status_code != expect_status:
        raise RuntimeError(f"GET {path} answered {response.status_code} in process, not {expect_status}")
    return response


def measure_queries(page: Page, cookies: dict) -> QueryFigures:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(cookies[page.role])
    path = page.paths[0]
    _get(client, path)  # warm-up: templates, caches, the connection
    runs = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            _get(client, path)
            elapsed = time.perf_counter() - started
        runs.append((elapsed, [(q["sql"], float(q["time"]) * 1000) for q in captured.captured_queries]))
    counts = {len(queries) for _, queries in runs}
    if len(counts) != 1:
        raise RuntimeError(f"{path}: the number of queries changed between requests: {sorted(counts)}")
    queries = runs[0][1]
    per_query = [statistics.median(run[1][i][1] for run in runs) for i in range(len(queries))]
    slowest = max(range(len(queries)), key=lambda i: per_query[i]) if queries else None
    slow = []
    for i, ms in enumerate(per_query):
        if ms > TARGET_QUERY_MS and queries[i][0].lstrip().upper().startswith("SELECT"):
            slow.append((ms, queries[i][0], explain(queries[i][0])))
    small_client = _client(cookies[page.small_role or page.role])
    _get(small_client, page.small)
    with CaptureQueriesContext(connection) as captured:
        _get(small_client, page.small)
    figures = QueryFigures(
        count=len(queries),
        count_small=len(captured.captured_queries),
        in_process_ms=min(runs)[0] * 1000,
        sql_ms=sum(ms for _, ms in min(runs)[1]),
        slowest_ms=per_query[slowest] if queries else 0.0,
        slowest_sql=queries[slowest][0] if queries else "",
        slow=slow,
    )
    if page.generation:
        _measure_uncached(page, client, small_client, figures)
    return figures


def _measure_uncached(page: Page, client, small_client, figures: QueryFigures) -> None:
    """The page as the first request after a change sees it: its cache generation advanced before each
    request (the fastest of 5), so that it computes what it otherwise reads from the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from common import generations

    runs = []
    for _ in range(5):
        generations.advance(page.generation)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            _get(client, page.paths[0])
            elapsed = time.perf_counter() - started
        runs.append((elapsed, [(q["sql"], float(q["time"]) * 1000) for q in captured.captured_queries]))
    elapsed, queries = min(runs)
    figures.cold_count, figures.cold_ms = len(queries), elapsed * 1000
    figures.cold_sql_ms = sum(ms for _, ms in queries)
    for sql, _ms in queries:  # the median of the five runs, as for the cached page
        times = [dict(run[1]).get(sql, 0.0) for run in runs]
        ms = statistics.median(times)
        if ms > figures.slowest_ms:
            figures.slowest_ms, figures.slowest_sql = ms, sql
        if ms > TARGET_QUERY_MS and sql.lstrip().upper().startswith("SELECT"):
            figures.slow.append((ms, sql, explain(sql)))
    generations.advance(page.generation)
    with CaptureQueriesContext(connection) as captured:
        _get(small_client, page.small)
    figures.cold_count_small = len(captured.captured_queries)


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        # Lines cut at 300 characters: an IN list of a thousand ids says nothing more.
        return "\n".join(line if len(line) <= 300 else line[:299] + "…" for (line,) in cursor.fetchall())


def profile_page(page: Page, cookies: dict, seconds: float = 5) -> str:
    """cProfile of a page served in this process (about `seconds` of requests, 3 to 20 of them): the functions
    with the most time of their own."""
    client = _client(cookies[page.role])
    started = time.perf_counter()
    _get(client, page.paths[0])
    requests = max(3, min(20, int(seconds / max(time.perf_counter() - started, 0.001))))
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        _get(client, page.paths[i % len(page.paths)])
    profiler.disable()
    parts = []
    # Own time: where the CPU goes. Cumulative: which of the page's parts (views, selectors, template tags,
    # forms, includes) cost what, leaving out the frames every request passes through.
    parts_of_page = (
        r"views\.py|selectors\.py|templatetags|crispy|loader_tags|defaulttags|forms/|paginator|csrf|urls/base"
    )
    for order, restrictions in (("tottime", (10,)), ("cumulative", (parts_of_page, 15))):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restrictions)
        text = tidy_paths(out.getvalue())
        lines = text.splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        if not parts:
            head = next((line.strip() for line in lines if "function calls" in line), "")
            parts.append(f"{requests} requests: {head}")
        parts += ["", f"by {'own' if order == 'tottime' else 'cumulative'} time:", *lines[start:]]
    return "\n".join(parts).strip()


# --- the Zoom import and the reminder scan ------------------------------------------------------------------


def time_import(world: World) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from attendance import imports
    from attendance.models import Mark
    from projects.models import Session

    data, zone = zoom_report(world, IMPORT_ROWS)
    session = Session.objects.select_related("project").get(pk=world.special["import"].sessions[2][0])
    rows = data.count(b"\n") - 4
    parse_times, preview_times = [], []
    for _ in range(3):
        # The reading of a file is cached (attendance/imports.py): each round reads it afresh.
        cache.delete(imports.parsed_report_cache_key(session, hashlib.sha256(data).hexdigest(), zone))
        started = time.perf_counter()
        parsed = imports.parse(session, data, zone)
        parse_times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = imports.preview(session, parsed)
            preview_times.append(time.perf_counter() - started)
    present = result.count(proposed=Mark.Status.PRESENT)
    return {
        "rows": rows,
        "bytes": len(data),
        "attendees": len(parsed.attendees),
        "participants": len(result.rows),
        "present": present,
        "absent": result.count(proposed=Mark.Status.ABSENT),
        "not_in_report": result.count(matched_by=""),
        "unmatched": len(result.unmatched),
        "parse": statistics.median(parse_times),
        "preview": statistics.median(preview_times),
        "total": statistics.median(a + b for a, b in zip(parse_times, preview_times, strict=True)),
        "queries": len(captured.captured_queries),
    }


def time_reminders(world: World) -> dict:
    """reminders_due() with every project open, closing within the next 14 days (then rolled back)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from nominations.reminders import reminders_due
    from projects.models import Project

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE projects_project SET status = %s, "
                "nomination_closes_at = now() + ((id * 7919) %% (14 * 24 * 60) + 1) * interval '1 minute'",
                [Project.Status.PUBLISHED],
            )
            cursor.execute("ANALYZE projects_project")
        open_projects = Project.objects.filter(
            status=Project.Status.PUBLISHED, nomination_closes_at__gt=world.now
        ).count()
        times, due = [], []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                due = reminders_due()
                times.append(time.perf_counter() - started)
        queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        slowest_ms, slowest_sql = max(queries, default=(0.0, ""))
        plan = explain(slowest_sql) if slowest_ms > TARGET_QUERY_MS else ""
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    kinds: dict[str, int] = {}
    for reminder in due:
        kinds[reminder.kind] = kinds.get(reminder.kind, 0) + 1
    return {
        "projects": open_projects,
        "due": len(due),
        "kinds": kinds,
        "seconds": statistics.median(times),
        "queries": len(queries),
        "slowest_ms": slowest_ms,
        "slowest_sql": slowest_sql,
        "plan": plan,
        "sql_ms": sum(ms for ms, _ in queries),
    }
