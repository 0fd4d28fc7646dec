"""The pages whose tables and filter bars are drawn by templates, timed in process; and, with `--against`, the
same pages of another commit of the portal in the same run.

    .venv/bin/python -m bench.templates [--against REF] [--rounds 6] [--requests 20]
                                        [--database-url postgres://postgres@127.0.0.1:5432/] [--no-write]
                                        [--results PATH]

Each code measured (this checkout, and with `--against` the commit REF, unpacked with `git archive` into a
temporary folder) runs in a worker process of its own: a scratch database (apo_bench_<pid>, dropped at the
end), `bench.settings` of that code (DEBUG off, its own LocMemCache), the same data, and Django's test client
signed in as each role (the real views, templates and middleware). The workers take turns: each round, one
renders every page REQUESTS times, then the other, the order swapped every round, so that both meet the same
moments of a shared machine and never run at once. It prints, for each page, the mean and p95 of a request
for each code and the ratio of their means (the median of the rounds' ratios, and their range), and writes
the "## Pages drawn by templates" section of bench/RESULTS.md (bench/results.py; unless --no-write).
See bench/README.md."""

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECTION = "## Pages drawn by templates"
ROOT = Path(__file__).resolve().parent.parent
SEED = 2026
PROTOCOL = "@@ "  # a worker's answers start with this; anything else it prints (migrate, warnings) is passed on

# (name, what it is): the pages, in the order they are measured; their paths are made by the worker.
PAGES = [
    ("register 40 × 10", "the Secretariat's attendance register: 40 participants, 10 sessions, every cell marked"),
    ("register 198 × 23", "the same, at the largest size measured before (bench/RESULTS.md)"),
    ("participants 40 × 10", "the participants page of the first project, as the Secretariat sees it"),
    ("participants 198 × 23", "the same, of the second"),
    ("mark a cell (htmx)", "the answer to a click in the 40 × 10 register: the cell and the row's count"),
    ("review 25", "the Secretariat's review of 25 nominations, with its filter bar"),
    ("review 100", "a full page of the review (100 of 120 nominations)"),
    ("catalogue filtered", "the catalogue with a search and a filter (not cached), its filter bar"),
    ("manage projects", "the Secretariat's list of projects, its filter bar"),
    ("reports", "the Secretariat's reports dashboard, its filter bar"),
    ("profile", "the profile form: a select of some 600 time zones"),
]


# ------------------------------------------------------------------------------------------- the worker


def build() -> dict:
    """The data of every page, the same for every code measured; returns the paths and the users."""
    import random

    from django.urls import reverse
    from django.utils import timezone

    from attendance.models import Mark
    from nominations.models import Nomination
    from projects.models import Project
    from tests.factories import NominationFactory, ProjectFactory, SecretariatFactory, SessionFactory, economy

    rng = random.Random(SEED)
    staff = SecretariatFactory(email="secretariat@bench.invalid", full_name="Aiko Tanaka")
    codes = ["BD", "IN", "ID", "IR", "JP", "LK", "MY", "PH", "TH", "VN"]
    economies = {code: economy(code) for code in codes}
    names = ["Nguyễn Thị Minh Anh", "Somchai Jaidee", "राजेश कुमार", "山田 太郎", "Zahra Ahmadi", "Maria Clara Dela Cruz"]

    def people(project, count, status, **fields):
        return Nomination.objects.bulk_create(
            NominationFactory.build(
                project=project,
                economy=economies[codes[i % len(codes)]],
                full_name=f"{names[i % len(names)]} {i}",
                email=f"p{project.pk}-{i}@npo.example.org",
                status=status(i) if callable(status) else status,
                priority_rank=i // len(codes) + 1,
                **fields,
            )
            for i in range(count)
        )

    def register(code, participants, sessions):
        start = timezone.localdate() - datetime.timedelta(days=sessions // 2 + 3)
        project = ProjectFactory(
            code=code,
            modality=Project.Modality.FACE_TO_FACE,
            start_date=start,
            end_date=start + datetime.timedelta(days=sessions // 2 + 1),
            participating_economies=codes,
        )
        moments = [
            datetime.datetime.combine(start + datetime.timedelta(days=i // 2), datetime.time(9 + 5 * (i % 2)))
            for i in range(sessions)
        ]
        made = [
            SessionFactory(
                project=project,
                title=f"Session {i + 1}: productivity tools & practice",
                starts_at=timezone.make_aware(moment),
                ends_at=timezone.make_aware(moment + datetime.timedelta(hours=3)),
            )
            for i, moment in enumerate(moments)
        ]
        nominations = people(project, participants, Nomination.Status.SELECTED)
        statuses = [Mark.Status.PRESENT] * 6 + [Mark.Status.LATE, Mark.Status.ABSENT, Mark.Status.EXCUSED]
        marks = []
        for nomination in nominations:
            for session in made:
                if rng.random() < 0.05:
                    continue  # not marked yet
                report = rng.random() < 0.3
                marks.append(
                    Mark(
                        session=session,
                        nomination=nomination,
                        status=rng.choice(statuses),
                        source=Mark.Source.REPORT if report else Mark.Source.STAFF,
                        minutes=rng.randint(60, 180) if report else None,
                        set_by=None if report else staff,
                        set_at=timezone.now(),
                    )
                )
        Mark.objects.bulk_create(marks)
        return project, made, nominations

    small, small_sessions, small_people = register("26-CP-901-GE-DLN-A", 40, 10)
    large, _, _ = register("26-CP-902-GE-DLN-A", 198, 23)
    review_statuses = [Nomination.Status.SUBMITTED] * 3 + [Nomination.Status.SELECTED, Nomination.Status.WAITLISTED]
    reviews = {}
    for size in (25, 120):
        project = ProjectFactory(participating_economies=codes, overseas_participants=200)
        people(project, size, lambda i: review_statuses[i % len(review_statuses)])
        reviews[size] = project
    ProjectFactory.create_batch(30, participating_economies=codes[:3])

    def path(name, *args, query=""):
        return reverse(name, args=args) + query

    return {
        "staff": staff.pk,
        "cell": {
            "path": path("attendance:mark", small.code),
            "data": {"cell": f"{small_people[0].pk}-{small_sessions[0].pk}", "status": "next"},
        },
        "paths": {
            "register 40 × 10": path("attendance:register", small.code),
            "register 198 × 23": path("attendance:register", large.code),
            "participants 40 × 10": path("attendance:participants", small.code),
            "participants 198 × 23": path("attendance:participants", large.code),
            "review 25": path("nominations:review", reviews[25].code),
            "review 100": path("nominations:review", reviews[120].code),
            "catalogue filtered": path("projects:catalogue", query="?q=Productivity&modality=digital"),
            "manage projects": path("manage:list", query="?status=published"),
            "reports": path("reports:dashboard"),
            "profile": path("accounts:profile"),
        },
    }


def worker(server: str) -> None:
    """Set up Django on a scratch database with the data, then answer the main process's commands on stdin:
    `round N` (render each page N times; answer each request's seconds by page) and `quit`."""
    from bench.scratch import scratch_database, start_django

    def say(message: dict) -> None:
        print(PROTOCOL + json.dumps(message), flush=True)

    with scratch_database(server) as url:
        start_django(url)
        from django.test import Client

        from accounts.models import User

        data = build()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(pk=data["staff"]))

        def request(name: str):
            if name == "mark a cell (htmx)":
                return client.post(data["cell"]["path"], data["cell"]["data"], HTTP_HX_REQUEST="true")
            return client.get(data["paths"][name])

        sizes = {}
        for name, _ in PAGES:  # every page answers, and is warmed up: templates compiled, the connection open
            for _ in range(3):
                response = request(name)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: answered {response.status_code}")
            sizes[name] = len(response.content)
        say({"ready": True, "sizes": sizes})
        for line in sys.stdin:
            command = line.split()
            if command[0] == "quit":
                break
            count, times = int(command[1]), {}
            for name, _ in PAGES:
                times[name] = []
                for _ in range(count):
                    started = time.perf_counter()
                    request(name)
                    times[name].append(time.perf_counter() - started)
            say({"times": times})
    say({"done": True})


# ------------------------------------------------------------------------------------------- the main process


class Worker:
    def __init__(self, label: str, tree: Path, server: str):
        self.label = label
        # Without REDIS_URL each worker has its own LocMemCache and an in-memory broker: the two share no keys.
        environment = {**os.environ, "PYTHONPATH": str(tree), "REDIS_URL": "", "CELERY_BROKER_URL": "memory://"}
        # This file, run from `tree` with `tree` first on the path: `python bench/templates.py` would put bench/
        # there, whose modules (certificates.py, settings.py) would hide the portal's.
        run = f"import runpy; runpy.run_path({str(Path(__file__).resolve())!r}, run_name='__main__')"
        self.process = subprocess.Popen(
            [sys.executable, "-c", run, "--worker", "--database-url", server],
            cwd=tree,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.sizes = self.answer()["sizes"]
        self.times: dict[str, list[float]] = {name: [] for name, _ in PAGES}
        self.rounds: list[dict[str, float]] = []  # each round's mean by page

    def answer(self) -> dict:
        for line in self.process.stdout:
            if line.startswith(PROTOCOL):
                return json.loads(line[len(PROTOCOL) :])
            print(f"  [{self.label}] {line.rstrip()}", flush=True)
        raise RuntimeError(f"the worker of {self.label} stopped (exit {self.process.wait()})")

    def round(self, count: int) -> None:
        self.process.stdin.write(f"round {count}\n")
        self.process.stdin.flush()
        times = self.answer()["times"]
        for name, seconds in times.items():
            self.times[name] += seconds
        self.rounds.append({name: statistics.fmean(seconds) for name, seconds in times.items()})

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            self.answer()
            self.process.wait(timeout=60)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def unpack(ref: str, into: Path) -> str:
    """The portal at commit `ref`, unpacked into `into` (with this checkout's node_modules); its short id."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    archive = subprocess.Popen(["git", "archive", commit], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, check=True)
    archive.wait()
    if (ROOT / "node_modules").exists():
        (into / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    return commit


def report(workers: list[Worker], args, started: float, load: float, commits: dict) -> str:
    from bench.results import command, context, describe_code, machine

    lines = [
        SECTION,
        "",
        f"{context(machine(), load)}; {describe_code()}; {args.rounds} rounds × {args.requests} requests a page"
        f" a code, {time.perf_counter() - started:.0f} s.",
        f"`{command('bench.templates', sys.argv[1:])}`",
        "",
        "In process (Django's test client, DEBUG off, the cached template loader), signed in as Secretariat staff;"
        " milliseconds a request. "
        + (
            f"**{workers[0].label}** is commit {commits[workers[0].label]}, **{workers[1].label}** this checkout;"
            " the two took turns, round by round. The ratio is new / old: the median of the rounds' ratios of the"
            " means, and their range."
            if len(workers) == 2
            else ""
        ),
        "",
    ]
    if len(workers) == 2:
        old, new = workers
        lines += [
            "| page | old mean | old p95 | new mean | new p95 | new / old | rounds | KiB old → new |",
            "|---|---:|---:|---:|---:|---:|---|---|",
        ]
        for name, _ in PAGES:
            ratios = [b[name] / a[name] for a, b in zip(old.rounds, new.rounds, strict=True)]
            lines.append(
                f"| {name} | {statistics.fmean(old.times[name]) * 1000:.1f} | {p95(old.times[name]) * 1000:.1f} | "
                f"{statistics.fmean(new.times[name]) * 1000:.1f} | {p95(new.times[name]) * 1000:.1f} | "
                f"{statistics.median(ratios):.2f} | {min(ratios):.2f}–{max(ratios):.2f} | "
                f"{old.sizes[name] / 1024:.0f} → {new.sizes[name] / 1024:.0f} |"
            )
    else:
        (only,) = workers
        lines += ["| page | mean | p95 | KiB |", "|---|---:|---:|---:|"]
        for name, _ in PAGES:
            lines.append(
                f"| {name} | {statistics.fmean(only.times[name]) * 1000:.1f} | {p95(only.times[name]) * 1000:.1f} | "
                f"{only.sizes[name] / 1024:.0f} |"
            )
    lines += ["", "The pages:", ""] + [f"- **{name}**: {what}." for name, what in PAGES]
    return "\n".join(lines) + "\n"


def main() -> None:
    from bench.results import add_arguments, publish
    from bench.scratch import add_database_argument, server_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", metavar="REF", help="also measure this commit, round by round with this checkout")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=20, help="requests of each page, a round, a code")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    add_database_argument(parser)
    add_arguments(parser)
    args = parser.parse_args()
    server = server_url(args.database_url)
    if args.worker:
        worker(server)
        return
    started, load = time.perf_counter(), os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-templates-"))
    workers, commits = [], {}
    try:
        if args.against:
            commits["old"] = unpack(args.against, folder)
            print(f"old: commit {commits['old']} in {folder}; starting its worker…", flush=True)
            workers.append(Worker("old", folder, server))
        print("new: this checkout; starting its worker…", flush=True)
        workers.append(Worker("new" if args.against else "this checkout", ROOT, server))
        for number in range(args.rounds):
            turn = workers if number % 2 == 0 else workers[::-1]
            for each in turn:
                each.round(args.requests)
            print(f"round {number + 1}/{args.rounds} done", flush=True)
    finally:
        for each in workers:
            try:
                each.close()
            except Exception:  # a worker already gone: its scratch database was dropped on its way out
                each.process.kill()
        shutil.rmtree(folder, ignore_errors=True)
    publish(report(workers, args, started, load, commits), args)


if __name__ == "__main__":
    main()
