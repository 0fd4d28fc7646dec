import datetime
import importlib

import pytest
from django.utils import timezone

from attendance.models import Mark
from nominations.models import Nomination
from projects.changes import project_records_changed_on_commit
from tests import factories
from tests.factories import NominationFactory, ParticipantFactory, ProjectFactory, SessionFactory, economy


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locks and real concurrency: skip them on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL to run it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _member_economies_after_flush(request):
    """Transactional tests end by flushing every table, which also removes the member economies that a
    data migration loaded. The next transactional test gets them back from that same migration."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from accounts.models import Economy

    if not Economy.objects.exists():
        importlib.import_module("accounts.migrations.0002_member_economies").load(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counts live in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _redis_well_again():
    """A test that made Redis fail leaves no rest for the next one (common/breaker.py)."""
    from common import breaker

    breaker.reset_all()


@pytest.fixture
def celery_eager():
    """Run Celery tasks inline, as a worker would, when they are enqueued (after commit)."""
    from apo_portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def secretariat(db):
    return factories.SecretariatFactory(email="officer@apo-tokyo.org", full_name="Aiko Tanaka")


@pytest.fixture
def npo_officer(db):
    """An NPO officer of Sri Lanka."""
    return factories.NPOOfficerFactory(
        email="npo@npslanka.gov.lk", full_name="Nadeesha Perera", time_zone="Asia/Colombo"
    )


@pytest.fixture
def other_npo_officer(db):
    """An NPO officer of the Philippines."""
    from accounts.models import NPO

    return factories.NPOOfficerFactory(
        email="npo@dap.edu.ph",
        full_name="Maria Santos",
        npo=NPO.objects.get(economy__code="PH"),
        time_zone="Asia/Manila",
    )


@pytest.fixture
def participant(db):
    return factories.ParticipantFactory(
        email="minh@example.org", full_name="Nguyễn Thị Minh Anh", time_zone="Asia/Ho_Chi_Minh"
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def finished_project(db, django_capture_on_commit_callbacks):
    """A workshop whose two sessions have ended, with three participants:
    Minh attended both, Rahul both (one late), Sunil missed the second.

    Created as a committed transaction would be, on-commit callbacks included (the reports' figures)."""
    with django_capture_on_commit_callbacks(execute=True):
        return _finished_project()


def _finished_project():
    start = timezone.localdate() - datetime.timedelta(days=10)
    project = ProjectFactory(
        code="26-CP-41-GE-DLN-A",
        title="Productivity of the Public Sector",
        time_zone="Asia/Colombo",
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        hosting_economy=economy("LK"),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=30),
        participating_economies=["LK", "VN", "IN"],
    )
    sessions = [
        SessionFactory(
            project=project,
            title=f"Day {i + 1}",
            starts_at=datetime.datetime.combine(
                start + datetime.timedelta(days=i), datetime.time(13), tzinfo=project.zone
            ),
            ends_at=datetime.datetime.combine(
                start + datetime.timedelta(days=i), datetime.time(16), tzinfo=project.zone
            ),
        )
        for i in range(2)
    ]
    people = {
        "minh": NominationFactory(
            project=project,
            economy=economy("VN"),
            status=Nomination.Status.SELECTED,
            full_name="Nguyễn Thị Minh Anh",
            email="minh@example.vn",
            participant=ParticipantFactory(email="minh@example.vn"),
        ),
        "rahul": NominationFactory(
            project=project,
            economy=economy("IN"),
            status=Nomination.Status.SELECTED,
            full_name="राजेश कुमार",
            email="rahul@example.in",
        ),
        "sunil": NominationFactory(
            project=project,
            economy=economy("LK"),
            status=Nomination.Status.SELECTED,
            full_name="Sunil Wijesinghe",
            email="sunil@example.lk",
        ),
    }
    marks = {
        ("minh", 0): "present",
        ("minh", 1): "present",
        ("rahul", 0): "late",
        ("rahul", 1): "present",
        ("sunil", 0): "present",
        ("sunil", 1): "absent",
    }
    for (who, day), status in marks.items():
        Mark.objects.create(
            session=sessions[day], nomination=people[who], status=status, source="staff", set_at=timezone.now()
        )
    project_records_changed_on_commit(project.pk)  # as mark_set() does
    return project, sessions, people
