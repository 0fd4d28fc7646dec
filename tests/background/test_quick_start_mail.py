"""E-mail is sent once on the quick start's own stack (PRODUCT.md rule 7): SQLite, the file-system broker,
and the worker and beat of Procfile.dev, each a process of its own, with a second worker racing the first
for every message and a third process holding SQLite's write lock for seconds at a time (as load_demo or
a large import does). Announcing a 30-participant project gives each person exactly one invitation and
each NPO officer exactly one results e-mail, and the outbox records every one of them as sent.

Nothing here uses the test database: the processes share one SQLite file in a temporary folder
(PORTAL_VAR_DIR), and the mail they send is the files the quick start writes under its mail folder."""

import collections
import email
import email.policy
import os
import pathlib
import shlex
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from tests.background.quick_start import quick_start_env

pytestmark = [pytest.mark.slow]

ROOT = pathlib.Path(__file__).resolve().parents[2]
ECONOMIES = {"LK": 8, "ID": 8, "PH": 7, "IN": 7}  # 30 selected candidates


def _procfile(name: str, var: pathlib.Path) -> list[str]:
    """Procfile.dev's command for `name`, run with this interpreter and with its files under `var`."""
    line = next(line for line in (ROOT / "Procfile.dev").read_text().splitlines() if line.startswith(f"{name}:"))
    words = [word for word in shlex.split(line.partition(":")[2]) if word != "exec"]
    program = pathlib.Path(words[0]).name
    return [sys.executable, "-m", program] + [word.replace("${PORTAL_VAR_DIR:-var}", str(var)) for word in words[1:]]


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
    )


def _start(command: list[str], env: dict, log: pathlib.Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.5)


def _statuses(database: pathlib.Path) -> dict[str, int]:
    with sqlite3.connect(database, timeout=30) as connection:
        rows = connection.execute("SELECT status, count(*) FROM mail_outgoingemail GROUP BY status")
        return dict(rows.fetchall())


def _sent_mail(folder: pathlib.Path) -> list[email.message.EmailMessage]:
    """Every message the file backend wrote (one file per connection, messages divided by a line of dashes)."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.lstrip(), policy=email.policy.default))
    return messages


SETUP = """
from nominations.models import Nomination
from tests.factories import NPOOfficerFactory, NominationFactory, ProjectFactory, SecretariatFactory, economy
from accounts.models import NPO

SecretariatFactory(email="secretariat@apo.test")
project = ProjectFactory(code="26-RC-01-GE-WSP-A", participating_economies={codes!r}, overseas_participants=30)
for code, count in {economies!r}.items():
    NPOOfficerFactory(email=f"npo-{{code.lower()}}@apo.test", npo=NPO.objects.get(economy__code=code))
    for i in range(count):
        NominationFactory(
            project=project, economy=economy(code), email=f"candidate-{{code.lower()}}-{{i}}@apo.test",
            status=Nomination.Status.SELECTED, announced_status="",
        )
"""

ANNOUNCE = """
from accounts.models import User
from common.queue import enqueue
from mail.models import OutgoingEmail
from nominations.services import project_announce
from mail.tasks import send_outgoing_email
from projects.models import Project

project = Project.objects.get(code="26-RC-01-GE-WSP-A")
project_announce(actor=User.objects.get(email="secretariat@apo.test"), project=project, base_url="http://127.0.0.1:8000")
# Each message a second time, as beat's sweep or a redelivery does: the two workers race for every one.
for pk in OutgoingEmail.objects.values_list("pk", flat=True):
    enqueue(send_outgoing_email, pk)
"""

# Another process writing for seconds at a time, as load_demo or a large import does: longer than
# SQLite's default busy timeout of 5 s.
HOLD_THE_WRITE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
for _ in range(3):
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE django_migrations SET app = app WHERE id = 1")
    time.sleep(6)
    connection.execute("COMMIT")
    time.sleep(1)
"""


def test_announcing_on_the_quick_start_sends_each_person_one_email(tmp_path):
    var = tmp_path / "var"
    env = quick_start_env(var)
    database, mail = var / "db.sqlite3", var / "mail"
    _manage(env, "migrate", "--noinput")
    _manage(env, "shell", "-c", SETUP.format(codes=list(ECONOMIES), economies=ECONOMIES))

    processes = [
        _start(_procfile("worker-mail", var) + ["-n", "first@%h"], env, tmp_path / "worker-1.log"),
        _start(_procfile("worker-mail", var) + ["-n", "second@%h"], env, tmp_path / "worker-2.log"),
        _start(_procfile("beat", var), env, tmp_path / "beat.log"),
    ]
    try:
        for log in ("worker-1.log", "worker-2.log"):
            _wait_for(lambda log=log: b" ready." in (tmp_path / log).read_bytes(), 120, f"{log}: the worker started")
        _manage(env, "shell", "-c", textwrap.dedent(ANNOUNCE))
        processes.append(_start([sys.executable, "-c", HOLD_THE_WRITE_LOCK, str(database)], env, tmp_path / "lock.log"))

        def settled():
            # The queues the e-mail workers take (Procfile.dev: -Q email,celery); beat's sweeps of the pdf queue
            # wait for a PDF worker, which this test does not start.
            queued = [
                m for m in (var / "broker" / "queue").glob("*.msg") if m.suffixes[-2:-1] in ([".email"], [".celery"])
            ]
            statuses = _statuses(database)
            return not queued and set(statuses) <= {"sent", "failed"} and sum(statuses.values()) == 34

        _wait_for(settled, 240, "every e-mail sent and the e-mail queues drained")
        processes[-1].wait(timeout=60)  # the lock holder is done: any late retry has had its chance
        _wait_for(settled, 120, "the e-mail queues drained again once the lock holder was done")
    finally:
        for process in processes:
            _stop(process)

    logs = "".join((tmp_path / name).read_text(errors="replace") for name in ("worker-1.log", "worker-2.log"))
    assert "database is locked" not in logs
    assert _statuses(database) == {"sent": 34}

    received = collections.Counter((str(m["To"]), str(m["Subject"])) for m in _sent_mail(mail))
    invitations = {to: n for (to, subject), n in received.items() if subject.startswith("You are selected")}
    results = {to: n for (to, subject), n in received.items() if "results for" in subject}
    assert invitations == {
        f"candidate-{code.lower()}-{i}@apo.test": 1 for code, count in ECONOMIES.items() for i in range(count)
    }
    assert results == {f"npo-{code.lower()}@apo.test": 1 for code in ECONOMIES}
    assert sum(received.values()) == 34
