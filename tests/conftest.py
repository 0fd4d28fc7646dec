import importlib

import pytest

from tests import factories


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
