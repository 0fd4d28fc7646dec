"""While the database cannot be reached (issue 21 items 2 and 3): pages answer the portal's own 503 page with
a Retry-After, the outage is logged once rather than once per request, /readyz says the database is
unreachable (503) while /healthz stays alive, and everything answers again once the database is back.

The connection is pointed at a closed port (PostgreSQL) or at a file that cannot be opened (SQLite, the
default test database): connecting fails as it does while PostgreSQL restarts."""

import logging
import socket
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from apo_portal import outage
from tests.factories import ProjectFactory
from tests.pages import page_text


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture(autouse=True)
def _no_outage_yet():
    outage._down_since = None


class Database:
    """The test database, taken away and brought back."""

    def __init__(self):
        self.saved, self.live = dict(connection.settings_dict), None

    def away(self):
        self.live, connection.connection = connection.connection, None  # the next query connects, and fails
        if connection.vendor == "postgresql":
            connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
        else:
            connection.settings_dict["NAME"] = "/no-such-folder/db.sqlite3"

    def back(self):
        connection.settings_dict.clear()
        connection.settings_dict.update(self.saved)

    def restore(self):
        self.back()
        if connection.connection is None:
            connection.connection = self.live
        elif self.live is not None:
            self.live.close()  # the database came back and a new connection was made


@pytest.fixture
def database():
    database = Database()
    try:
        yield database
    finally:
        database.restore()


def _outage_logs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name in ("apo_portal.outage", "django.request")]


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_with_the_portals_page_and_the_outage_is_logged_once(database, caplog):
    ProjectFactory(title="Green Productivity Workshop")
    client = Client()
    with caplog.at_level(logging.INFO):
        database.away()
        for _ in range(3):
            response = client.get(reverse("projects:catalogue"))
            assert response.status_code == 503
            assert response["Retry-After"] == "15"
            text = page_text(response)
            assert "The portal is briefly unavailable" in text and "Nothing you submitted is lost" in text
        logged = _outage_logs(caplog)
        assert len(logged) == 1 and logged[0].startswith("The database cannot be reached"), logged

        database.back()
        response = client.get(reverse("projects:catalogue"))
        assert response.status_code == 200 and "Green Productivity Workshop" in page_text(response)
        logged = _outage_logs(caplog)
        assert len(logged) == 2 and logged[1].startswith("The database can be reached again"), logged


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_page_whose_middleware_meets_the_outage_answers_the_same_page(database, secretariat):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat)
    database.away()
    response = client.get(reverse("home"))  # the user is read from the database before the view
    assert response.status_code == 503 and response["Retry-After"] == "15"
    assert "The portal is briefly unavailable" in page_text(response)


@pytest.mark.django_db(transaction=True)
def test_readiness_says_the_database_is_unreachable_and_liveness_stays_up(database):
    client = Client()
    response = client.get(reverse("readyz"))
    assert response.status_code == 200 and response.content == b"database: ok\n"
    database.away()
    response = client.get(reverse("readyz"))
    assert response.status_code == 503 and response.content == b"database: unreachable\n"  # no host, no user
    assert client.get(reverse("healthz")).status_code == 200
    database.back()
    assert client.get(reverse("readyz")).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_that_never_answers_gets_the_503_page_within_the_connect_timeout(database):
    """A server that takes the connection and says nothing (hung, or half failed over): without a connect
    timeout libpq waits for ever, and so would the request."""
    timeout = connection.settings_dict["OPTIONS"]["connect_timeout"]
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever reads or answers
        database.away()
        connection.settings_dict.update(PORT=str(silent.getsockname()[1]))
        answered = []
        asking = threading.Thread(target=lambda: answered.append(Client().get(reverse("projects:catalogue"))))
        started = time.monotonic()
        asking.start()
        asking.join(timeout=timeout * 4 + 10)  # a bound for a broken test, far above what is asserted below
        waited = time.monotonic() - started
    assert answered, "the request was still waiting on the silent database"
    assert answered[0].status_code == 503 and "The portal is briefly unavailable" in page_text(answered[0])
    assert timeout <= 10 and waited < timeout * 3, waited


@pytest.mark.django_db
def test_another_database_error_is_not_taken_for_an_outage(rf):
    """A deadlock or a locked SQLite file, with the database reachable, stays the usual 500."""
    middleware = outage.DatabaseOutageMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/"), OperationalError("database is locked")) is None
    assert outage._down_since is None
