"""Certificate PDF throughput: the real Celery task against bare WeasyPrint on the same HTML, in one run.

    .venv/bin/python -m bench.certificates [--count 40] [--rounds 3] [--worker] [--profile]
                                           [--database-url postgres://postgres@127.0.0.1:5432/]
                                           [--no-write] [--results PATH]

It creates a scratch database (apo_bench_<pid>) on the given PostgreSQL server, migrates it, builds one
finished project with COUNT eligible participants, issues their certificates, and then times, one
certificate after the other (ABBA order, after a warm-up of each):

- bare: weasyprint.HTML(string=html, ...).write_pdf() on the HTML rendering.certificate_html() made
  for that certificate (the HTML is prepared before timing);
- task: certificates.tasks.render_certificate.apply(args=[id]), the task exactly as a worker runs it
  (HTML, PDF, file, SHA-256, save, e-mail row, broker message).

With --worker it also times a real `celery worker -Q pdf --concurrency 1` on Redis from the first
enqueue to the last PDF saved. It prints a table, writes the "## Certificates" section of
bench/RESULTS.md (bench/results.py; unless --no-write) and drops the database. See bench/README.md."""

import argparse
import contextlib
import cProfile
import datetime
import itertools
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.results import ROOT, add_arguments, context, machine, publish, tidy_paths
from bench.results import command as command_line
from bench.scratch import (
    add_database_argument,
    delete_keys,
    redis_client,
    scratch_database,
    server_url,
    start_django,
    stop,
)

SECTION = "## Certificates"
TARGET = 0.90  # the task path must reach 90% of bare WeasyPrint's rate

# Participants' names as printed, in the scripts the certificates must set, with their economies.
NAMES = [
    ("VN", "Nguyễn Thị Minh Anh"),
    ("TH", "สมชาย ใจดี"),
    ("IN", "राजेश कुमार"),
    ("JP", "山田 太郎"),
    ("IR", "محمدرضا حسینی"),
    ("LK", "Sunil Wijesinghe"),
    ("VN", "Trần Quốc Bảo"),
    ("TH", "ณัฐวุฒิ ศรีสุข"),
    ("IN", "प्रिया शर्मा"),
    ("JP", "佐藤 花子"),
    ("IR", "زهرا احمدی"),
    ("PH", "Maria Clara Dela Cruz-Villanueva"),
]


# --- the data: one finished project, every participant present at every session ---------------------


def build(count: int):
    from django.utils import timezone

    from attendance.models import Mark
    from nominations.models import Nomination
    from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, SessionFactory, economy

    start = timezone.localdate() - datetime.timedelta(days=10)
    codes = sorted({code for code, _ in NAMES})
    project = ProjectFactory(
        code="26-CP-41-GE-DLN-B",
        title="Digital Transformation of Public-sector Services for Productivity",
        time_zone="Asia/Tokyo",
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        hosting_economy=economy("JP"),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=30),
        participating_economies=codes,
    )
    sessions = [
        SessionFactory(
            project=project,
            title=f"Day {day + 1}",
            starts_at=datetime.datetime.combine(
                start + datetime.timedelta(days=day), datetime.time(13), tzinfo=project.zone
            ),
            ends_at=datetime.datetime.combine(
                start + datetime.timedelta(days=day), datetime.time(16), tzinfo=project.zone
            ),
        )
        for day in range(3)
    ]
    economies = {code: economy(code) for code in codes}
    people = [NAMES[i % len(NAMES)] for i in range(count)]
    nominations = Nomination.objects.bulk_create(
        NominationFactory.build(
            project=project,
            economy=economies[code],
            full_name=name,
            email=f"participant{i}@example.org",
            status=Nomination.Status.SELECTED,
        )
        for i, (code, name) in enumerate(people)
    )
    now = timezone.now()
    Mark.objects.bulk_create(
        Mark(session=session, nomination=nomination, status=Mark.Status.PRESENT, source=Mark.Source.STAFF, set_at=now)
        for nomination in nominations
        for session in sessions
    )
    return project, SecretariatFactory(email="secretariat@bench.invalid")


# --- measuring ------------------------------------------------------------------------------------------


def bare_render(html: str) -> bytes:
    import weasyprint

    from common import pdf

    return weasyprint.HTML(string=html, base_url=pdf.PRINT_ORIGIN + "/", url_fetcher=pdf.StaticOnlyFetcher()).write_pdf(
        stylesheets=[pdf.fonts_stylesheet()], font_config=pdf.font_config()
    )  # the same call the task makes


def task_render(certificate_id: int) -> None:
    from certificates.tasks import render_certificate

    result = render_certificate.apply(args=[certificate_id])
    if result.state != "SUCCESS":
        raise RuntimeError(f"render_certificate({certificate_id}) ended {result.state}: {result.result!r}")


def reset(ids) -> None:
    """Back to pending, as issued: no PDF, no e-mail owed yet."""
    from certificates.models import Certificate
    from mail.models import OutgoingEmail

    Certificate.objects.filter(pk__in=ids).update(
        render_status=Certificate.RenderStatus.PENDING, pdf="", sha256="", rendered_at=None, render_attempts=0
    )
    OutgoingEmail.objects.filter(key__in=[f"certificate:{pk}" for pk in ids]).delete()


@contextlib.contextmanager
def timed_calls(module, names, totals):
    """Add the time spent in module.<name> to totals[name] while inside (the service looks them up per call)."""
    originals = {name: getattr(module, name) for name in names}

    def wrap(name, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[name] += time.perf_counter() - started

        return timed

    for name, function in originals.items():
        setattr(module, name, wrap(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


def measure(ids, htmls, rounds: int) -> dict:
    """Both paths, certificate by certificate, alternating which goes first (ABBA); times[path][round]."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certificates import rendering, services
    from certificates.models import Certificate

    # Warm-up: fonts, templates, the signature image, the first connection; then one counted task run.
    bare_render(htmls[0])
    task_render(ids[0])
    reset(ids[:1])
    with CaptureQueriesContext(connection) as queries:
        task_render(ids[0])
    reset(ids[:1])

    times = {"bare": [[] for _ in range(rounds)], "task": [[] for _ in range(rounds)]}
    inside = defaultdict(float)  # time spent inside the task in certificate_html and render_pdf
    sizes = []
    with timed_calls(rendering, ["certificate_html"], inside), timed_calls(services, ["render_pdf"], inside):
        for round_ in range(rounds):
            if round_:
                reset(ids)
            for i, (pk, html) in enumerate(zip(ids, htmls, strict=True)):
                for path in ["bare", "task"] if (i + round_) % 2 == 0 else ["task", "bare"]:
                    started = time.perf_counter()
                    if path == "bare":
                        pdf = bare_render(html)
                    else:
                        task_render(pk)
                    times[path][round_].append(time.perf_counter() - started)
                    if path == "bare" and round_ == 0:
                        sizes.append(len(pdf))
    rendered = Certificate.objects.filter(pk__in=ids, render_status=Certificate.RenderStatus.RENDERED)
    stored_sizes = [certificate.pdf.size for certificate in rendered.order_by("sequence")]
    if len(stored_sizes) != len(ids):
        raise RuntimeError("some certificates were not rendered by the task")
    return {"times": times, "inside": dict(inside), "queries": len(queries), "sizes": (sizes, stored_sizes)}


def profile_task(ids, limit: int = 10) -> str:
    """cProfile of the task path over a few certificates: the functions with the most cumulative time."""
    reset(ids[:limit])
    profiler = cProfile.Profile()
    profiler.enable()
    for pk in ids[:limit]:
        task_render(pk)
    profiler.disable()
    out = tempfile.SpooledTemporaryFile(mode="w+")
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    out.seek(0)
    return tidy_paths(out.read()).strip("\n")


def measure_worker(ids, environment: dict, log: Path) -> dict:
    """A real worker on the Redis broker: enqueue every render, time until the last PDF is saved."""
    from django.utils import timezone

    from certificates.models import Certificate
    from certificates.tasks import render_certificate
    from common.queue import enqueue

    def wait_rendered(pks, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = Certificate.objects.filter(pk__in=pks).exclude(render_status=Certificate.RenderStatus.RENDERED)
        while pending.exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                tail = "".join(log.read_text().splitlines(keepends=True)[-20:])
                raise RuntimeError(f"the worker did not render {len(pks)} certificates in time; its log ends:\n{tail}")
            time.sleep(0.05)

    command = [sys.executable, "-m", "celery", "-A", "apo_portal", "worker", "-Q", "pdf"]
    command += ["--concurrency", "1", "--prefetch-multiplier", "1", "-l", "warning", "--without-mingle"]
    with log.open("w") as output:
        worker = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        enqueue(render_certificate, ids[0])  # warm-up: the worker's start and its first PDF
        wait_rendered(ids[:1], timeout=120)
        # Let it settle: a message arriving just as the warm-up task is being acknowledged waits about a
        # second for the worker's next poll, which would be counted against the first PDF.
        time.sleep(2)
        reset(ids)
        started_at, started = timezone.now(), time.perf_counter()
        for pk in ids:
            enqueue(render_certificate, pk)
        wait_rendered(ids, timeout=60 + 10 * len(ids))
        elapsed = time.perf_counter() - started
    finally:
        stop(worker)  # the worker's own process group, started above
    moments = [started_at] + sorted(Certificate.objects.filter(pk__in=ids).values_list("rendered_at", flat=True))
    per_pdf = [(b - a).total_seconds() for a, b in itertools.pairwise(moments)]
    return {"elapsed": elapsed, "per_pdf": per_pdf}


# --- reporting ------------------------------------------------------------------------------------------


def p95(values) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def _machine() -> str:
    import celery
    import weasyprint

    return machine(f"WeasyPrint {weasyprint.__version__}", f"Celery {celery.__version__}")


def report(args, command: str, data: dict, worker: dict | None, profile: str) -> str:
    ms = 1000
    rounds = data["times"]
    bare, task = sum(rounds["bare"], []), sum(rounds["task"], [])
    n = len(task)
    bare_rate, task_rate = n / sum(bare), n / sum(task)
    ratio = task_rate / bare_rate
    per_round = [sum(b) / sum(t) for b, t in zip(rounds["bare"], rounds["task"], strict=True)]
    if ratio < TARGET:
        verdict = "not met"
    elif min(per_round) < TARGET:
        verdict = "met overall but not in every round: borderline"
    else:
        verdict = "met"
    rows = [("bare WeasyPrint: write_pdf()", bare_rate, bare), ("task: render_certificate.apply()", task_rate, task)]
    if worker:
        worker_rate = len(worker["per_pdf"]) / worker["elapsed"]
        rows.append(("worker: celery -Q pdf --concurrency 1", worker_rate, worker["per_pdf"]))
    table = ["| path | PDFs/s per worker | median ms/PDF | p95 ms/PDF |", "|---|---:|---:|---:|"]
    table += [
        f"| {label} | {rate:.2f} | {statistics.median(values) * ms:.0f} | {p95(values) * ms:.0f} |"
        for label, rate, values in rows
    ]
    html, pdf = data["inside"].get("certificate_html", 0.0), data["inside"].get("render_pdf", 0.0)
    rest = sum(task) - html - pdf
    overhead = statistics.median(t - b for t, b in zip(task, bare, strict=True))
    bare_sizes, task_sizes = data["sizes"]
    same = "the same size for every certificate" if bare_sizes == task_sizes else "NOT the same sizes"
    lines = [
        SECTION,
        "",
        f"{context(_machine(), args.load)} (other processes take CPU from both paths alike). The command:",
        "",
        f"    {command}",
        "",
        f"{args.count} certificates × {args.rounds} round{'s' if args.rounds > 1 else ''} = {n} PDFs per path (names in"
        " Vietnamese, Thai, Devanagari, Japanese, Persian and Latin scripts), each certificate rendered by both paths"
        " one after the other, alternating which goes first, after a warm-up of each. Rates are PDFs over the summed"
        " time of each path, so per worker process.",
        "",
        *table,
        "",
        f"**Task / bare: {ratio:.1%}** (by round: {', '.join(f'{r:.1%}' for r in per_round)}; ratio of the medians"
        f" {statistics.median(bare) / statistics.median(task):.1%}). The target, at least {TARGET:.0%}, is"
        f" **{verdict}** in this run.",
        "",
        f"Where the task's time goes ({sum(task) / n * ms:.0f} ms per PDF on average; the median of task − bare for the"
        f" same certificate is {overhead * ms:.1f} ms):",
        "",
        f"- `common.pdf.render_pdf`, the same `write_pdf()` as bare: {pdf / n * ms:.1f} ms ({pdf / sum(task):.1%});",
        f"- `rendering.certificate_html` (template, QR code, a count of the sessions), which bare is spared: "
        f"{html / n * ms:.1f} ms ({html / sum(task):.1%});",
        f"- the rest (loading and locking the row, writing the file, SHA-256, saving, the e-mail row and its broker"
        f" message, Celery's tracing): {rest / n * ms:.1f} ms ({rest / sum(task):.1%});"
        f" {data['queries']} SQL statements per task.",
        "",
        f"Both paths make the same documents: {statistics.mean(bare_sizes) / 1024:.1f} KiB on average, {same}.",
    ]
    if worker:
        lines += [
            "",
            f"Worker: {len(worker['per_pdf'])} tasks enqueued at once to a warmed-up worker on Redis;"
            f" {worker['elapsed']:.2f} s from the first enqueue to the last PDF saved, so"
            f" {worker_rate / bare_rate:.1%} of bare WeasyPrint's rate (timed after the"
            " interleaved run, not alternated with it; per-PDF times are the gaps between `rendered_at`).",
        ]
    if profile:
        lines += ["", "cProfile of the task path (10 certificates, by cumulative time):", "", "```", profile, "```"]
    return "\n".join(lines) + "\n"


# --- the command ----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.certificates", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40, help="certificates to render (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="times to render each one per path (default 3)")
    add_database_argument(parser)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        help="Redis for the broker (default REDIS_URL, else redis://127.0.0.1:6379/0); memory:// if unreachable",
    )
    parser.add_argument("--worker", action="store_true", help="also time a real Celery worker process on Redis")
    parser.add_argument("--profile", action="store_true", help="add a cProfile of the task path to the report")
    add_arguments(parser)
    args = parser.parse_args(argv)
    args.load = os.getloadavg()[0]
    if args.count < 2:
        parser.error("--count must be at least 2")

    command = command_line("bench.certificates", sys.argv[1:] if argv is None else argv)
    server = server_url(args.database_url)
    redis = redis_client(args.redis_url)
    if args.worker and redis is None:
        parser.error(f"--worker needs Redis; {args.redis_url} does not answer")
    prefix = f"apo_bench_{os.getpid()}:"
    media = tempfile.mkdtemp(prefix="apo_bench_media_")
    started = time.perf_counter()
    try:
        with scratch_database(server) as database_url:
            start_django(
                database_url,
                CONN_MAX_AGE="60",  # production's: a worker keeps its connection between tasks
                PRIVATE_MEDIA_ROOT=media,
                CELERY_BROKER_URL=args.redis_url if redis else "memory://",
                APO_BENCH_KEY_PREFIX=prefix,
            )

            from certificates import rendering, services
            from certificates.models import Certificate

            project, secretariat = build(args.count)
            counts = services.certificates_issue(actor=secretariat, project=project)
            if counts["issued"] != args.count:
                raise RuntimeError(f"expected {args.count} certificates, issued {counts}")
            certificates = list(
                Certificate.objects.filter(project=project)
                .select_related("project__hosting_economy", "nomination")
                .order_by("sequence")
            )
            ids = [certificate.pk for certificate in certificates]
            htmls = [rendering.certificate_html(certificate) for certificate in certificates]
            print(f"{args.count} certificates issued; timing bare WeasyPrint and the task…", flush=True)
            data = measure(ids, htmls, args.rounds)
            profile = profile_task(ids) if args.profile else ""
            worker = None
            if args.worker:
                print("timing a Celery worker…", flush=True)
                delete_keys(redis, prefix)  # the render messages issuing enqueued: not for this worker
                worker = measure_worker(ids, dict(os.environ), Path(media) / "worker.log")
            section = report(args, command, data, worker, profile)
    finally:
        delete_keys(redis, prefix)
        shutil.rmtree(media, ignore_errors=True)
    publish(section, args)
    print(f"({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
