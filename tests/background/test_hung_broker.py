"""A hung Redis (issue 20 item 2): Redis paused rather than stopped accepts connections and never answers.
The pages that publish work (issuing certificates, announcing results) and the pages that read the cache
(the catalogue) still answer quickly, every client of Redis giving up on its socket timeout and then
leaving Redis alone for a few seconds (common/breaker.py); the work waits in the database, pending, for
beat's sweeps, as it does when Redis is stopped (test_broker_outage.py).

Redis here is a thread with a listening socket that accepts every connection and reads nothing. So that a
regression fails rather than hangs the suite, it drops its connections after HANG_SECONDS; a page that took
that long waited on Redis until then (in production: for ever)."""

import datetime
import socket
import threading
import time

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from apo_portal.celery import app
from attendance.models import Mark
from certificates.models import Certificate
from mail.models import OutgoingEmail
from nominations.models import Nomination
from tests.factories import NominationFactory, ProjectFactory, SessionFactory, economy
from tests.pages import page_text

HANG_SECONDS = 20
# A page may wait on Redis once (a publish: 0.5 s; a cache call: 0.25 s); the rest is the page's own work on a
# loaded machine. Without the breaker, issuing PARTICIPANTS certificates waited 0.5 s for each.
CEILING_SECONDS = 3
PARTICIPANTS = 12


class SilentServer:
    """Accepts TCP connections and never answers, as a paused Redis does."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.stopping = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()
        threading.Thread(target=self._drop_after_a_while, daemon=True).start()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def _drop_after_a_while(self):
        self.stopping.wait(HANG_SECONDS)
        self.close()

    def close(self):
        self.stopping.set()
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def hung_redis():
    """The broker and the cache, with the production settings' options, on a Redis that never answers."""
    server = SilentServer()
    url = f"redis://127.0.0.1:{server.port}/0"
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = url, settings.REDIS_BROKER_TRANSPORT_OPTIONS
    app._after_fork()  # forget the connection pools made for the test broker
    cache = {
        "BACKEND": "apo_portal.cache.SoftFailingRedisCache",
        "LOCATION": url,
        "OPTIONS": settings.REDIS_CACHE_OPTIONS,
    }
    try:
        with override_settings(CACHES={"default": cache}):
            yield server
    finally:
        server.close()
        app.conf.broker_url, app.conf.broker_transport_options = saved
        app._after_fork()


def _finished_project(participants: int):
    ended = timezone.now() - datetime.timedelta(days=2)
    project = ProjectFactory(
        start_date=ended.date(), end_date=ended.date(), nomination_closes_at=ended - datetime.timedelta(days=30)
    )
    session = SessionFactory(project=project, starts_at=ended - datetime.timedelta(hours=3), ends_at=ended)
    for _ in range(participants):
        nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED)
        Mark.objects.create(session=session, nomination=nomination, status="present", source="staff", set_at=ended)
    return project


def _timed(capture_on_commit, request):
    """The request's answer and its seconds, counting the publishes that follow its commit (as a page served
    in production runs them before it answers)."""
    started = time.monotonic()
    with capture_on_commit(execute=True):
        response = request()
    return response, time.monotonic() - started


@pytest.mark.django_db
def test_pages_answer_within_a_ceiling_and_the_work_waits_pending_while_redis_is_hung(
    client, secretariat, hung_redis, django_capture_on_commit_callbacks
):
    project = _finished_project(PARTICIPANTS)
    open_project = ProjectFactory(title="Lean for the Public Sector", participating_economies=["LK"])
    nomination = NominationFactory(project=open_project, economy=economy("LK"), status=Nomination.Status.SELECTED)
    nomination.announced_status = ""
    nomination.save(update_fields=["announced_status"])
    client.force_login(secretariat)

    on_commit = django_capture_on_commit_callbacks
    response, seconds = _timed(on_commit, lambda: client.post(reverse("certificates:issue", args=[project.code])))
    assert response.status_code == 302
    assert seconds < CEILING_SECONDS, f"issuing {PARTICIPANTS} certificates took {seconds:.1f} s"
    assert Certificate.objects.filter(project=project, render_status="pending").count() == PARTICIPANTS

    announce = reverse("nominations:announce", args=[open_project.code])
    response, seconds = _timed(on_commit, lambda: client.post(announce))
    assert response.status_code == 302
    assert seconds < CEILING_SECONDS, f"announcing the results took {seconds:.1f} s"
    assert OutgoingEmail.objects.filter(status="pending", key__contains=str(nomination.pk)).exists()

    response, seconds = _timed(on_commit, lambda: client.get(reverse("projects:catalogue")))
    assert response.status_code == 200 and "Lean for the Public Sector" in page_text(response)
    assert seconds < CEILING_SECONDS, f"the catalogue took {seconds:.1f} s"

    # Nothing reached the broker: every row waits for beat's sweeps (test_broker_outage.py delivers them).
    assert not OutgoingEmail.objects.exclude(status="pending").exists()
    assert not Certificate.objects.exclude(render_status="pending").exists()
    assert hung_redis.accepted, "the pages never tried the silent Redis"
