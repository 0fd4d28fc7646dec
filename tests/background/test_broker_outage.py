"""The broker can be down (PRODUCT.md rule 7): pages still answer, the work waits in PostgreSQL (the
outbox: OutgoingEmail and pending Certificate rows), and beat's sweeps deliver it once Redis is back."""

import datetime
import os
import socket
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from certificates.models import Certificate
from certificates.tasks import render_pending_certificates
from common import queue
from mail.models import OutgoingEmail
from mail.tasks import deliver_pending_emails
from nominations.models import Nomination
from tests.factories import candidate, document_fields


@pytest.fixture
def broker_down(monkeypatch):
    """Every publish fails as it does when Redis is stopped."""
    import celery.app.task

    def refuse(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(celery.app.task.Task, "apply_async", refuse)
    return lambda: monkeypatch.undo()


@pytest.mark.django_db(transaction=True)
def test_pages_work_while_the_broker_is_down_and_the_work_is_delivered_when_it_is_back(
    login, npo_officer, secretariat, finished_project, broker_down
):
    from tests.factories import ProjectFactory

    project, _, people = finished_project
    open_project = ProjectFactory(participating_economies=["LK"])
    client = login(npo_officer)
    started = time.monotonic()
    response = client.post(
        reverse("nominations:create", args=[open_project.code]), {**candidate(), **document_fields(), "submit": ""}
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get(project=open_project)
    client = login(secretariat)
    assert client.post(reverse("nominations:action", args=[nomination.pk, "selected"])).status_code == 302
    assert client.post(reverse("nominations:announce", args=[open_project.code])).status_code == 302
    assert client.post(reverse("certificates:issue", args=[project.code])).status_code == 302
    assert time.monotonic() - started < 2 * 4  # four pages, each well under two seconds

    assert OutgoingEmail.objects.filter(status="pending").count() == 2  # outcome and invitation
    assert Certificate.objects.filter(render_status="pending").count() == 2
    assert mail.outbox == []

    broker_down()  # Redis is back; nobody acts: beat's sweeps pick up what has waited
    queue.broker.reset()  # a minute later, as beat's next sweep runs: the pages' process rested for 5 s
    from apo_portal.celery import app

    app.conf.task_always_eager = True
    try:
        OutgoingEmail.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=3))
        Certificate.objects.update(issued_at=timezone.now() - datetime.timedelta(minutes=6))
        render_pending_certificates.apply()
        deliver_pending_emails.apply()
        deliver_pending_emails.apply()  # a second sweep finds nothing to do twice
    finally:
        app.conf.task_always_eager = False
    assert Certificate.objects.filter(render_status="rendered").count() == 2
    assert OutgoingEmail.objects.filter(status="sent").count() == 4  # 2 results + 2 certificate e-mails
    assert len(mail.outbox) == 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_publishing_gives_up_at_once_when_redis_is_unreachable(tmp_path):
    """With the production broker settings, a publish to a Redis that is not there fails in well under a
    second, so a page that enqueues work answers while Redis is down."""
    script = (
        "import time, django; django.setup()\n"
        "from common.queue import enqueue\n"
        "from mail.tasks import send_outgoing_email\n"
        "start = time.monotonic(); results = [enqueue(send_outgoing_email, 1) for _ in range(5)]\n"
        "print(results, time.monotonic() - start)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "apo_portal.settings.local",
        "REDIS_URL": f"redis://127.0.0.1:{_free_port()}/0",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    )
    outcome, seconds = result.stdout.strip().rsplit(" ", 1)
    assert outcome == "[False, False, False, False, False]"
    assert float(seconds) < 1.0
