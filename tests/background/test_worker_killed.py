"""Workers can die (PRODUCT.md rule 7): a real Celery worker on the real Redis is killed with SIGKILL in
the middle of a 200-certificate batch and restarted; every certificate then exists exactly once, with
a whole PDF, and each participant was e-mailed once."""

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

from attendance.models import Mark
from certificates import services
from certificates.models import Certificate
from certificates.tasks import render_pending_certificates
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


def _worker() -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "apo_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "apo_portal",
            "worker",
            "-Q",
            "pdf",
            "--concurrency",
            "2",
            "--prefetch-multiplier",
            "1",
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


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


def test_a_worker_killed_mid_batch_leaves_every_certificate_once_and_every_pdf_whole():
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "apo_portal", "purge", "-f", "-Q", "pdf"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "apo_portal.settings.test"},
        capture_output=True,
        timeout=60,
    )
    project = _a_finished_project_with(BATCH)
    services.certificates_issue(actor=SecretariatFactory(), project=project)  # 200 tasks enqueued after commit
    worker = _worker()
    try:
        assert _wait_for(lambda: _rendered() >= 20, 120), "the worker rendered nothing"
        os.killpg(worker.pid, signal.SIGKILL)  # the parent and its pool, mid-batch, no warm shutdown
        worker.wait(timeout=30)
        killed_at = _rendered()
        assert killed_at < BATCH, "the batch finished before the worker could be killed"

        worker = _worker()
        # Beat's sweep finds what the dead worker held (its messages wait in Redis' unacked set until the
        # visibility timeout); pretend the sweep's five minutes have passed.
        Certificate.objects.filter(render_status="pending").update(
            issued_at=timezone.now() - datetime.timedelta(minutes=6)
        )
        render_pending_certificates.apply()
        assert _wait_for(lambda: _rendered() == BATCH, 240), f"{_rendered()} of {BATCH} rendered after the restart"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)

    certificates = list(Certificate.objects.filter(project=project))
    assert len(certificates) == BATCH
    assert len({c.nomination_id for c in certificates}) == BATCH and len({c.serial for c in certificates}) == BATCH
    for certificate in certificates:
        with certificate.pdf.open("rb") as pdf:
            data = pdf.read()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert hashlib.sha256(data).hexdigest() == certificate.sha256
    assert OutgoingEmail.objects.filter(key__startswith="certificate:").count() == BATCH
