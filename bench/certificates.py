"""Certificate PDF throughput: the batch task against bare one-by-one WeasyPrint on the same certificates, in one run.

    .venv/bin/python -m bench.certificates [--count 40] [--rounds 3] [--batch 20] [--images DIR]
                                           [--database-url postgres://postgres@127.0.0.1:5432/]
                                           [--no-write] [--results PATH]

It creates a scratch database (apo_bench_<pid>) on the given PostgreSQL server, migrates it, builds one
finished project with COUNT eligible participants, issues their certificates, and then times, batch after
batch of BATCH certificates (ABBA order, after a warm-up of each):

- one-by-one: weasyprint.HTML(string=html, ...).write_pdf() on the HTML rendering.certificate_html() made
  for each certificate (prepared before timing): bare WeasyPrint, one document per certificate;
- batch: certificates.tasks.render_certificates.apply(args=[ids]), the task exactly as a worker runs it
  (claiming the rows, one WeasyPrint render of the batch, each page written as its own PDF, files, SHA-256,
  saves, e-mail rows and their broker messages).

It checks that both paths make the same documents (sizes, and the pages drawn by pdftoppm -r 60 compared
pixel by pixel; --images keeps those PNGs to look at), prints a table, writes the "## Certificates" section
of bench/RESULTS.md (bench/results.py; unless --no-write) and drops the database. Its last line reads
`batch / one-by-one: N.NN×`. See bench/README.md."""

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.results import add_arguments, context, machine, publish
from bench.results import command as command_line
from bench.scratch import add_database_argument, scratch_database, server_url, start_django

SECTION = "## Certificates"
TARGET = 1.6  # the batch task must reach 1.6 times bare one-by-one WeasyPrint's rate
SIZE_LIMIT_KIB = 37  # and its PDFs no larger on average than the one-by-one ones were (37 KiB)

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
    from common import pdf

    return pdf.render_pdf(html)  # weasyprint.HTML(...).write_pdf(), with the portal's fetcher, fonts and font config


def batch_render(ids) -> None:
    from certificates.tasks import render_certificates

    result = render_certificates.apply(args=[list(ids)])
    if result.state != "SUCCESS":
        raise RuntimeError(f"render_certificates({ids}) ended {result.state}: {result.result!r}")


def reset(ids) -> None:
    """Back to pending, as issued: no PDF, no claim, no e-mail owed yet (the files stay in the scratch folder)."""
    from certificates.models import Certificate
    from mail.models import OutgoingEmail

    Certificate.objects.filter(pk__in=ids).update(
        render_status=Certificate.RenderStatus.PENDING,
        pdf="",
        sha256="",
        rendered_at=None,
        render_attempts=0,
        render_claim="",
        render_not_before=None,
    )
    OutgoingEmail.objects.filter(key__in=[f"certificate:{pk}" for pk in ids]).delete()


def measure(ids, htmls, rounds: int, batch: int) -> dict:
    """Both paths, batch by batch, alternating which goes first (ABBA); seconds per PDF, per batch and path."""
    from certificates.models import Certificate

    chunks = [(ids[i : i + batch], htmls[i : i + batch]) for i in range(0, len(ids), batch)]
    # Warm-up: fonts, templates, the signature image, the first connection.
    for html in htmls[:2]:
        bare_render(html)
    batch_render(ids[:2])
    reset(ids[:2])

    times = {"one-by-one": [], "batch": []}
    sizes = {"one-by-one": {}, "batch": {}}
    for round_ in range(rounds):
        if round_:
            reset(ids)
        for i, (chunk_ids, chunk_htmls) in enumerate(chunks):
            for path in ["one-by-one", "batch"] if (i + round_) % 2 == 0 else ["batch", "one-by-one"]:
                started = time.perf_counter()
                if path == "batch":
                    batch_render(chunk_ids)
                else:
                    pdfs = [bare_render(html) for html in chunk_htmls]
                elapsed = time.perf_counter() - started
                times[path].append((elapsed, len(chunk_ids)))
                if path == "one-by-one" and round_ == 0:
                    sizes[path].update(zip(chunk_ids, pdfs, strict=True))
    rendered = Certificate.objects.filter(pk__in=ids, render_status=Certificate.RenderStatus.RENDERED)
    for certificate in rendered:
        with certificate.pdf.open("rb") as file:
            sizes["batch"][certificate.pk] = file.read()
    if len(sizes["batch"]) != len(ids):
        raise RuntimeError("some certificates were not rendered by the batch task")
    return {"times": times, "pdfs": sizes}


def compare_images(pdfs: dict, ids, folder: Path) -> tuple[int, int]:
    """Draw each certificate's two PDFs with pdftoppm -r 60 and compare them pixel by pixel: (same, compared).
    A certificate's images stay in `folder` as <id>-one-by-one.png and <id>-batch.png."""
    from PIL import Image, ImageChops

    same = 0
    for pk in ids:
        images = []
        for path in ["one-by-one", "batch"]:
            source = folder / f"{pk}-{path}.pdf"
            source.write_bytes(pdfs[path][pk])
            subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", source, folder / f"{pk}-{path}"], check=True)
            source.unlink()
            images.append(Image.open(folder / f"{pk}-{path}.png").convert("RGB"))
        same += images[0].size == images[1].size and ImageChops.difference(*images).getbbox() is None
    return same, len(ids)


# --- reporting ------------------------------------------------------------------------------------------


def p95(values) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def _machine() -> str:
    import celery
    import weasyprint

    return machine(f"WeasyPrint {weasyprint.__version__}", f"Celery {celery.__version__}")


def ratio(data: dict) -> float:
    one, batch = data["times"]["one-by-one"], data["times"]["batch"]
    return (sum(n for _, n in batch) / sum(t for t, _ in batch)) / (sum(n for _, n in one) / sum(t for t, _ in one))


def paired_ratios(data: dict) -> list[float]:
    """Each batch's ratio, its two paths timed back to back: how far the machine's load moved the run."""
    pairs = zip(data["times"]["one-by-one"], data["times"]["batch"], strict=True)
    return [(one_time / one_n) / (batch_time / batch_n) for (one_time, one_n), (batch_time, batch_n) in pairs]


def report(args, command: str, data: dict, images: tuple[int, int] | None) -> str:
    ms = 1000
    rows = []
    for label, path in [
        ("one-by-one: bare WeasyPrint write_pdf()", "one-by-one"),
        ("batch: render_certificates.apply()", "batch"),
    ]:
        runs = data["times"][path]
        per_pdf = [t / n for t, n in runs]
        rate = sum(n for _, n in runs) / sum(t for t, _ in runs)
        rows.append(f"| {label} | {rate:.2f} | {statistics.median(per_pdf) * ms:.0f} | {p95(per_pdf) * ms:.0f} |")
    value, pairs = ratio(data), paired_ratios(data)
    verdict = "met" if value >= TARGET else "not met"
    sizes = {path: [len(pdf) for pdf in pdfs.values()] for path, pdfs in data["pdfs"].items()}
    mean = {path: statistics.mean(values) / 1024 for path, values in sizes.items()}
    size_verdict = "within" if mean["batch"] <= max(SIZE_LIMIT_KIB, mean["one-by-one"]) + 0.05 else "OVER"
    lines = [
        SECTION,
        "",
        f"{context(_machine(), args.load)}. The machine is shared with other people's work, which takes CPU from"
        " both paths alike: the absolute rates move from run to run, the ratio is measured within one run and"
        " travels. The command:",
        "",
        f"    {command}",
        "",
        f"{args.count} certificates × {args.rounds} round{'s' if args.rounds > 1 else ''} in batches of {args.batch}"
        " (names in Vietnamese, Thai, Devanagari, Japanese, Persian and Latin scripts); each batch rendered by both"
        " paths one after the other, alternating which goes first, after a warm-up of each. Rates are PDFs over the"
        " summed time of each path, so per worker process; ms/PDF is each batch's time over its PDFs.",
        "",
        "| path | PDFs/s per worker | median ms/PDF | p95 ms/PDF |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"**Batch / one-by-one: {value:.2f}×**; the target, at least {TARGET:.1f}×, is **{verdict}** in this run.",
        f"Batch by batch, each timed back to back with its one-by-one twin: median {statistics.median(pairs):.2f}×,"
        f" from {min(pairs):.2f}× to {max(pairs):.2f}× ({len(pairs)} batches): the spread is how far"
        " the machine's load moved this run.",
        "",
        f"Sizes: {mean['one-by-one']:.2f} KiB on average one by one, {mean['batch']:.2f} KiB in batches"
        f" ({size_verdict} the limit: today's {SIZE_LIMIT_KIB} KiB, or the one-by-one average);"
        f" largest {max(sizes['batch']) / 1024:.1f} KiB.",
    ]
    if images:
        lines += [
            "",
            f"The same to the eye: `pdftoppm -r 60 -png` of both paths' PDF of each certificate, compared pixel by"
            f" pixel: {images[0]} of {images[1]} identical.",
        ]
    return "\n".join(lines) + "\n"


# --- the command ----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.certificates", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40, help="certificates to render (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="times to render each one per path (default 3)")
    parser.add_argument("--batch", type=int, default=20, help="certificates per batch (default 20, the setting's)")
    parser.add_argument("--images", type=Path, help="keep the pdftoppm images of both paths in this folder")
    add_database_argument(parser)
    add_arguments(parser)
    args = parser.parse_args(argv)
    args.load = os.getloadavg()[0]
    if args.count < 2 or args.batch < 1:
        parser.error("--count must be at least 2 and --batch at least 1")

    command = command_line("bench.certificates", sys.argv[1:] if argv is None else argv)
    server = server_url(args.database_url)
    media = tempfile.mkdtemp(prefix="apo_bench_media_")
    started = time.perf_counter()
    try:
        with scratch_database(server) as database_url:
            start_django(
                database_url,
                CONN_MAX_AGE="60",  # production's: a worker keeps its connection between tasks
                PRIVATE_MEDIA_ROOT=media,
                CELERY_BROKER_URL="memory://",
                CERTIFICATE_RENDER_BATCH=str(args.batch),
            )

            from certificates import rendering, services
            from certificates.models import Certificate

            project, secretariat = build(args.count)
            counts = services.certificates_issue(actor=secretariat, project=project)
            if counts["issued"] != args.count:
                raise RuntimeError(f"expected {args.count} certificates, issued {counts}")
            certificates = list(
                Certificate.objects.filter(project=project)
                .select_related("project__hosting_economy", "nomination__economy")
                .order_by("sequence")
            )
            ids = [certificate.pk for certificate in certificates]
            htmls = [rendering.certificate_html(certificate) for certificate in certificates]
            print(f"{args.count} certificates issued; timing one-by-one WeasyPrint and the batch task…", flush=True)
            data = measure(ids, htmls, args.rounds, args.batch)
            folder = args.images or Path(media) / "images"
            folder.mkdir(parents=True, exist_ok=True)
            images = compare_images(data["pdfs"], ids, folder) if shutil.which("pdftoppm") else None
            section = report(args, command, data, images)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    publish(section, args)
    print(f"({time.perf_counter() - started:.0f} s in all)")
    print(f"batch / one-by-one: {ratio(data):.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
