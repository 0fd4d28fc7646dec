"""The one results writer of every benchmark: a named section of bench/RESULTS.md, with its run's context.

- `context()` is the line every section starts with: the date of the run, the machine (CPU, cores, memory,
  system, Python, Django and whatever else the benchmark names), and the load average when it started.
- `command()` is the command line as run, a password in a URL masked.
- `write_section()` replaces the section whose heading is the section's first line (`## Name`, matched as
  the whole line, so `## Name: notes` written by hand is another section and is kept), or appends it; every
  other section stays as it is.
- `add_arguments()` and `publish()`: the `--no-write` and `--results PATH` options, and what every benchmark
  does at the end (print the section, write it unless told not to).

Nothing here needs Django but `machine()` (Django's version) and `postgres()` (the database's).
"""

import argparse
import contextlib
import datetime
import math
import os
import platform
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Benchmark results\n\nWritten by the benchmarks in bench/.\n"
_SECRET = re.compile(r"(?<=://)([^:@/]*):[^@/]*@")


def command(module: str, argv: list[str]) -> str:
    """The command as a reader would type it again: `.venv/bin/python -m bench.x` and the arguments given."""
    return " ".join([f".venv/bin/python -m {module}", *(_SECRET.sub(r"\1:***@", arg) for arg in argv)])


def machine(*extras: str) -> str:
    """CPU, cores, memory, system, Python and Django, then `extras` (other versions, the load tool)."""
    import django

    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    with contextlib.suppress(OSError, AttributeError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    versions = [f"Python {platform.python_version()}", f"Django {django.get_version()}", *extras]
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}; {', '.join(versions)}"


def postgres() -> str:
    """`PostgreSQL <version>` of the database Django is connected to."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split(' ')[0]}"


def context(machine: str, load: float, when: datetime.datetime | None = None) -> str:
    """`Run <date> on <machine>; load average <load> when it started`: the start of a section's first line."""
    when = when or datetime.datetime.now().astimezone()
    return f"Run {when:%Y-%m-%d %H:%M %Z} on {machine}; load average {load:.2f} when it started"


def describe_code() -> str:
    """The commit measured, and whether the portal's code (anything outside bench/ but the Markdown documents)
    had uncommitted changes."""

    def git(*args) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench", ":(exclude)*.md")
    return f"commit {head}" + (" with uncommitted changes to the portal" if changed else "")


def cpu_check() -> float:
    """Seconds for a fixed pure-Python loop (the best of three): how fast this machine's CPU is just now. On a
    shared virtual machine it changes from minute to minute; compare it between runs before their figures."""
    best = math.inf
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def tidy_paths(text: str) -> str:
    """A cProfile listing without the checkout's, the virtualenv's and the interpreter's folders."""
    text = text.replace(str(ROOT / ".venv") + "/", "").replace(str(ROOT) + "/", "")
    text = re.sub(r"lib/python3\.\d+/site-packages/", "", text)
    return re.sub(r"/root/\.pyenv/versions/[^/]+/lib/python3\.\d+/", "", text)


def write_section(section: str, path: Path = RESULTS) -> None:
    """Replace the section of `path` whose heading is `section`'s first line, or add it at the end."""
    heading = section.split("\n", 1)[0]
    if not heading.startswith("## "):
        raise ValueError(f"a section starts with its '## ' heading, not {heading!r}")
    section = section.rstrip("\n") + "\n"
    text = path.read_text() if path.exists() else HEADER
    pattern = re.compile(r"^" + re.escape(heading) + r"[ \t]*\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def add_arguments(parser: argparse.ArgumentParser, *, write: bool = True) -> None:
    """`--no-write` (or, where a benchmark writes nothing unless asked, `--write`) and `--results PATH`."""
    if write:
        parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    else:
        parser.add_argument("--write", action="store_true", help="also write this run's section of RESULTS.md")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        metavar="PATH",
        help="the results file to write (default bench/RESULTS.md; a copy for a trial run)",
    )


def publish(section: str, args: argparse.Namespace) -> None:
    """Print the section; write it to `args.results` unless `--no-write` (or, with `write=False`, `--write`)."""
    print()
    print(section)
    if getattr(args, "write", not getattr(args, "no_write", False)):
        write_section(section, args.results)
        shown = args.results.resolve()
        with contextlib.suppress(ValueError):
            shown = shown.relative_to(ROOT)
        print(f"written to {shown}")
