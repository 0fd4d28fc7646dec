"""A large meeting report through the real pages: upload, preview, a further page of the preview, and apply.

    .venv/bin/python -m bench.imports [--rows 60000] [--participants 200] [--rounds 3]
                                      [--database-url postgres://postgres@127.0.0.1:5432/] [--no-write]
                                      [--results PATH]

It creates a scratch database (apo_bench_<pid>) on the given PostgreSQL server, migrates it, builds one
digital workshop with PARTICIPANTS selected participants and one session that has ended (a fifth of them
already marked present by an earlier report, so that the preview has changes of existing marks to show),
and generates a Zoom participant report of ROWS rows (about 4.9 MB for 60,000): the participants joining
and leaving many times, by e-mail, by name or renamed, some leaving early, and a webinar's worth of guests
nobody knows, each a few times.

Then, signed in as Secretariat staff through Django's test client (DEBUG off, the same views, templates and
middleware as a browser gets), each round: POST the file to the upload page (reads and checks it, keeps it:
the parse is cached), GET the preview it redirects to, POST the preview's form for the second page of the
people not matched, and GET the preview once more after the cache was emptied (the file read again, as
after a restart). The last round also applies the report (with the confirmation of the changes). It prints
the figures and writes the "## Meeting report import" section of bench/RESULTS.md (bench/results.py; unless --no-write).
See bench/README.md."""

import argparse
import datetime
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import zoneinfo

from bench.results import add_arguments, context, machine, postgres, publish
from bench.results import command as command_line
from bench.scratch import add_database_argument, scratch_database, server_url, start_django

SECTION = "## Meeting report import"
TARGET = 3.0  # seconds: upload + preview of a 60,000-row report (issue 15, item 11)
SEED = 2026

FIRST_NAMES = ["Nguyễn Thị", "Somchai", "Rajesh", "Yamada", "Zahra", "Sunil", "Maria Clara", "Ahmad", "Li", "Ayesha"]
LAST_NAMES = ["Anh", "Jaidee", "Kumar", "Taro", "Ahmadi", "Wijesinghe", "Dela Cruz", "Fauzi", "Wei", "Khan"]


def build(participants: int):
    """One digital workshop whose session ended yesterday, with its participants; a fifth already marked."""
    from django.utils import timezone

    from attendance.models import Mark
    from nominations.models import Nomination
    from projects.models import Project
    from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, SessionFactory, economy

    codes = ["BD", "IN", "ID", "IR", "JP", "LK", "MY", "PH", "TH", "VN"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    project = ProjectFactory(
        code="26-CP-77-GE-DLN-A",
        title="Webinar on Green Productivity for Public-sector Leaders",
        time_zone="Asia/Tokyo",
        modality=Project.Modality.DIGITAL,
        start_date=yesterday,
        end_date=yesterday,
        hosting_economy=economy("JP"),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=30),
        participating_economies=codes,
    )
    zone = zoneinfo.ZoneInfo("Asia/Tokyo")
    session = SessionFactory(
        project=project,
        title="Green productivity in practice",
        starts_at=datetime.datetime.combine(yesterday, datetime.time(13), tzinfo=zone),
        ends_at=datetime.datetime.combine(yesterday, datetime.time(16), tzinfo=zone),
    )
    economies = {code: economy(code) for code in codes}
    nominations = Nomination.objects.bulk_create(
        NominationFactory.build(
            project=project,
            economy=economies[codes[i % len(codes)]],
            full_name=f"{FIRST_NAMES[i % 10]} {LAST_NAMES[(i // 10) % 10]} {i}",
            email=f"p{i}@npo{i % len(codes)}.org",
            status=Nomination.Status.SELECTED,
        )
        for i in range(participants)
    )
    Mark.objects.bulk_create(
        Mark(
            session=session,
            nomination=nomination,
            status=Mark.Status.PRESENT,
            source=Mark.Source.REPORT,
            minutes=170,
            set_at=timezone.now(),
        )
        for nomination in nominations[: participants // 5]
    )
    return project, session, nominations, SecretariatFactory(email="secretariat@bench.invalid")


def zoom_report(session, nominations, rows_wanted: int) -> bytes:
    """A Zoom participant report of `rows_wanted` rows: half of them the participants' many connections, half
    a webinar's guests (three rows each)."""
    rng = random.Random(SEED)
    zone = session.project.zone
    starts, ends = session.starts_at, session.ends_at
    length = (ends - starts).total_seconds()

    def clock(moment: datetime.datetime) -> str:
        return moment.astimezone(zone).strftime("%m/%d/%Y %I:%M:%S %p")

    lines = [
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants,",
        f'81234567890,"{session.project.title}",{clock(starts)},{clock(ends)},officer@apo-tokyo.org,'
        f"{int(length // 60)},{rows_wanted},",
        "",
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room,",
    ]
    rows = []
    present = [n for n in nominations if rng.random() > 0.05]
    per_person = max(1, (rows_wanted // 2) // len(present))
    for nomination in present:
        name, email = nomination.full_name, nomination.email
        how = rng.random()
        if how < 0.25:
            email = ""  # matched by name
        elif how < 0.35:
            name, email = f"{name.split()[0]} ({name})", ""  # renamed in the meeting
        window = length * (1.0 if rng.random() < 0.85 else rng.uniform(0.2, 0.6))
        cuts = sorted(rng.uniform(0, window) for _ in range(per_person - 1))
        for begin, end in zip([0.0, *cuts], [*cuts, window], strict=True):
            join = starts + datetime.timedelta(seconds=begin + rng.uniform(0, 5))
            leave = starts + datetime.timedelta(seconds=max(end, begin + 6))
            rows.append(f'"{name}",{email},{clock(join)},{clock(leave)},{max(1, round((end - begin) / 60))},No,No,')
    guest = 0
    while len(rows) < rows_wanted:
        for _ in range(3):
            join = starts + datetime.timedelta(seconds=rng.uniform(-600, length))
            leave = join + datetime.timedelta(seconds=rng.uniform(60, 3600))
            rows.append(f"Guest {guest},g{guest}@mail.test,{clock(join)},{clock(leave)},{rng.randint(1, 60)},Yes,No,")
        guest += 1
    rows = rows[:rows_wanted]
    rng.shuffle(rows)
    return ("\ufeff" + "\r\n".join(lines + rows) + "\r\n").encode("utf-8")


def timed(client, method: str, url: str, data: dict | None = None):
    """One request through the test client: (seconds, response)."""
    started = time.perf_counter()
    response = getattr(client, method)(url, data or {})
    return time.perf_counter() - started, response


def measure(project, session, secretariat, data: bytes, rounds: int) -> dict:
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from attendance import imports
    from attendance.models import AttendanceReport, Mark

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(secretariat)
    upload_url = reverse("attendance:report_upload", args=[project.code, session.pk])
    figures = {"upload": [], "preview": [], "page": [], "cold": [], "parse": []}

    def forget() -> None:
        """Drop the cached reading of the file: the next request reads it afresh."""
        cache.delete(imports.parsed_report_cache_key(session, hashlib.sha256(data).hexdigest(), "Asia/Tokyo"))

    for round_number in range(rounds):
        forget()
        upload = {"file": SimpleUploadedFile("zoom.csv", data, content_type="text/csv"), "time_zone": "Asia/Tokyo"}
        seconds, answer = timed(client, "post", upload_url, upload)
        if answer.status_code != 302:
            raise RuntimeError(f"the upload answered {answer.status_code}: {answer.content[:2000]!r}")
        figures["upload"].append(seconds)
        preview_url = answer["Location"]
        seconds, page = timed(client, "get", preview_url)
        if page.status_code != 200 or b"Preview of the import" not in page.content:
            raise RuntimeError(f"the preview answered {page.status_code}")
        figures["preview"].append(seconds)
        figures["html"] = len(page.content)
        seconds, second = timed(client, "post", preview_url, {"preview": "", "unmatched_page": "2"})
        if second.status_code != 200 or b"Not matched: page 2 of" not in second.content:
            raise RuntimeError(f"the preview's second page answered {second.status_code}")
        figures["page"].append(seconds)
        report = AttendanceReport.objects.get(pk=int(preview_url.rstrip("/").rsplit("/", 1)[1]))
        forget()
        seconds, _ = timed(client, "get", preview_url)
        figures["cold"].append(seconds)
        forget()
        started = time.perf_counter()
        parsed = imports.report_read(report)
        figures["parse"].append(time.perf_counter() - started)
        if round_number == rounds - 1:
            result = imports.preview(session, parsed)
            figures |= {
                "attendees": len(parsed.attendees),
                "unmatched": len(result.unmatched),
                "present": result.count(proposed=Mark.Status.PRESENT),
                "absent": result.count(proposed=Mark.Status.ABSENT),
                "changes": len(result.changes),
                "groups": ", ".join(group.label for group in result.change_groups),
            }
            confirm = {"apply": "", "confirm": result.changes_digest}
            seconds, applied = timed(client, "post", preview_url, confirm)
            if applied.status_code != 302 or "/imports/" not in applied["Location"]:
                raise RuntimeError(f"applying answered {applied.status_code}")
            figures["apply"] = seconds
    return figures


def report(args, command: str, data: bytes, figures: dict) -> str:
    median = {key: statistics.median(values) for key, values in figures.items() if isinstance(values, list)}
    total = median["upload"] + median["preview"]
    verdict = "met" if total < TARGET else "not met"
    rows = [
        ("upload: POST the file (read, checked, kept; the reading cached)", "upload"),
        ("preview: GET the page the upload redirects to", "preview"),
        ("another page: POST the preview's form for page 2 of the people not matched", "page"),
        ("preview with an empty cache: the file read again", "cold"),
        ("of which reading the file (`imports.report_read`, no cache)", "parse"),
    ]
    table = ["| request | median s | min s | max s |", "|---|---:|---:|---:|"]
    table += [
        f"| {label} | {median[key]:.2f} | {min(figures[key]):.2f} | {max(figures[key]):.2f} |" for label, key in rows
    ]
    return (
        "\n".join(
            [
                SECTION,
                "",
                f"{context(machine(postgres()), args.load)} (this machine is shared: the times move with it)."
                " The command:",
                "",
                f"    {command}",
                "",
                f"A Zoom participant report of {args.rows:,} rows ({len(data) / 1024 / 1024:.1f} MB;"
                f" {figures['attendees']:,} people after merging their rows) for a digital workshop of"
                f" {args.participants} participants, through the real views with Django's test client (DEBUG off),"
                f" signed in as Secretariat staff; {args.rounds} round{'s' if args.rounds != 1 else ''}, each with a"
                " new upload of the file.",
                "",
                *table,
                "",
                f"**Upload + preview: {total:.2f} s**, {total / TARGET:.0%} of the {TARGET:.0f} s target:"
                f" **{verdict}**. The preview page is {figures['html'] / 1024:.0f} KiB of HTML (a summary, 100"
                " participants and 25 people not matched a page); reading the file is"
                f" {median['parse'] / total:.0%} of upload + preview.",
                f"The preview: {figures['present']} present, {figures['absent']} absent,"
                f" {figures['unmatched']:,} people not matched, {figures['changes']} existing marks to change"
                f" ({figures['groups'] or 'none'}). Applying"
                f" it, with the confirmation of those changes: {figures['apply']:.2f} s.",
                "",
                f"The bounds: {args.max_bytes / 1024 / 1024:.0f} MB and {args.max_rows:,} rows"
                " (attendance/meeting_reports/);"
                " a file above either is refused with a message and nothing changes.",
            ]
        )
        + "\n"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=60_000, help="rows of the Zoom report (default 60,000)")
    parser.add_argument("--participants", type=int, default=200, help="participants of the workshop (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="uploads of the file, each timed (default 3)")
    add_database_argument(parser)
    add_arguments(parser)
    args = parser.parse_args(argv)
    args.load = os.getloadavg()[0]
    command = command_line("bench.imports", sys.argv[1:] if argv is None else argv)
    media = tempfile.mkdtemp(prefix="apo_bench_media_")
    started = time.perf_counter()
    try:
        with scratch_database(server_url(args.database_url)) as database_url:
            # The cache is the process's own (LocMemCache pickles values as Redis would): the benchmark never
            # writes to a developer's Redis (REDIS_URL empty, not unset: .env would set it again).
            start_django(database_url, PRIVATE_MEDIA_ROOT=media, CELERY_BROKER_URL="memory://", REDIS_URL="")

            from attendance import meeting_reports

            args.max_bytes, args.max_rows = meeting_reports.MAX_REPORT_BYTES, meeting_reports.MAX_REPORT_ROWS
            project, session, nominations, secretariat = build(args.participants)
            data = zoom_report(session, nominations, args.rows)
            print(f"{args.rows:,} rows, {len(data):,} bytes; timing {args.rounds} rounds…", flush=True)
            figures = measure(project, session, secretariat, data, args.rounds)
            section = report(args, command, data, figures)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    publish(section, args)
    print(f"({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
