"""Workers can die (PRODUCT.md rule 7; issue 20 items 3 and 7, issue 21 item 4). A real Celery worker on the
real Redis is killed with SIGKILL, pool and parent, in the middle of a 200-certificate batch, and started
again beside a real beat. The messages the dead worker held stay in Redis' unacknowledged set until the
visibility timeout (an hour), so what this proves is that beat's sweep alone (`render_pending_certificates`)
finds their certificates in the database and has them rendered; that every certificate then exists exactly
once, with one whole PDF on disk (none left over from a second render) whose SHA-256 is recorded; and that
each participant was e-mailed once.

It waits on state, never for a fixed time: until every certificate is rendered and the `pdf` queue is empty.
Its ceilings are generous, there only to end a hang; how long the recovery took is printed (run with -s), and
belongs in the README's "What happens when", not in an assertion."""

import datetime
import hashlib
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apo_portal.celery import app
from attendance.models import Mark
from certificates import services
from certificates.models import Certificate
from mail.models import OutgoingEmail
from nominations.models import Nomination
from tests.factories import ProjectFactory, SecretariatFactory, SessionFactory, economy

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs Redis: set REDIS_URL"),
]
BATCH = 200
ROOT = pathlib.Path(__file__).resolve().parents[2]


HANG = 600  # seconds: far beyond what any of the waits below takes on a loaded machine; only a hang reaches it


def _celery(media: pathlib.Path, *arguments: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "apo_portal.settings.test",
        "PRIVATE_MEDIA_ROOT": str(media),  # this test's own: only its PDFs are counted
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "apo_portal", *arguments],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _worker(media: pathlib.Path) -> subprocess.Popen:
    return _celery(
        media,
        "worker", "-Q", "pdf", "--concurrency", "2", "--prefetch-multiplier", "1", "-l", "warning",
        "--without-gossip", "--without-mingle",
    )  # fmt: skip


def _beat(media: pathlib.Path, schedule: pathlib.Path) -> subprocess.Popen:
    """The production schedule: the certificate sweep every 30 s (and the others, onto queues nobody here
    consumes; purged at the end)."""
    return _celery(media, "beat", "-l", "warning", "--schedule", str(schedule))


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _purge() -> None:
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "apo_portal", "purge", "-f", "-Q", "pdf,email,celery"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "apo_portal.settings.test"},
        capture_output=True,
        timeout=60,
    )


def _waiting_in_pdf_queue() -> int:
    """Messages ready in Redis' `pdf` queue (not those a worker has taken)."""
    with app.connection_for_write() as broker:
        return broker.default_channel.queue_declare("pdf").message_count  # Redis: the lengths of its lists


def _rendered() -> int:
    return Certificate.objects.filter(render_status="rendered").count()


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _a_finished_project_with(participants: int):
    start = timezone.localdate() - datetime.timedelta(days=3)
    project = ProjectFactory(
        start_date=start, end_date=start, nomination_closes_at=timezone.now() - datetime.timedelta(days=30)
    )
    session = SessionFactory(
        project=project,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3) + datetime.timedelta(hours=3),
    )
    nominations = Nomination.objects.bulk_create(
        Nomination(
            project=project,
            economy=economy("LK"),
            full_name=f"Participant {i:03d}",
            gender="female",
            email=f"p{i}@example.org",
            designation="Officer",
            organization="Ministry",
            organization_type="government",
            english_proficiency="fluent",
            status="selected",
        )
        for i in range(participants)
    )
    Mark.objects.bulk_create(
        Mark(session=session, nomination=n, status="present", source="staff", set_at=timezone.now())
        for n in nominations
    )
    return project


def test_a_worker_killed_mid_batch_leaves_every_certificate_once_and_every_pdf_whole(tmp_path):
    _purge()
    media = tmp_path / "private"
    project = _a_finished_project_with(BATCH)
    services.certificates_issue(actor=SecretariatFactory(), project=project)  # 200 tasks enqueued after commit
    worker = _worker(media)
    beat = None
    try:
        assert _wait_for(lambda: _rendered() >= 20, HANG), "the worker rendered nothing"
        os.killpg(worker.pid, signal.SIGKILL)  # the parent and its pool, mid-batch, no warm shutdown
        worker.wait(timeout=30)
        killed_at, killed = _rendered(), time.monotonic()
        assert killed_at < BATCH, "the batch finished before the worker could be killed"

        worker, beat = _worker(media), _beat(media, tmp_path / "celerybeat-schedule")
        assert _wait_for(lambda: _rendered() == BATCH and _waiting_in_pdf_queue() == 0, HANG), (
            f"{_rendered()} of {BATCH} rendered, {_waiting_in_pdf_queue()} messages waiting"
        )
        print(f"killed at {killed_at} rendered; all {BATCH} rendered {time.monotonic() - killed:.0f} s after the kill")
    finally:
        for process in (worker, beat):
            if process is not None:
                _stop(process)
        _purge()

    certificates = list(Certificate.objects.filter(project=project))
    assert len(certificates) == BATCH
    assert not Certificate.objects.filter(project=project).exclude(render_status="rendered").exists()
    assert len({c.nomination_id for c in certificates}) == BATCH and len({c.serial for c in certificates}) == BATCH
    for certificate in certificates:
        data = (media / certificate.pdf.name).read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert hashlib.sha256(data).hexdigest() == certificate.sha256
    # One file per certificate, and no other: no second PDF was left behind.
    on_disk = sorted(str(path.relative_to(media)) for path in media.rglob("*.pdf"))
    assert on_disk == sorted(c.pdf.name for c in certificates)
    assert OutgoingEmail.objects.filter(key__startswith="certificate:").count() == BATCH
