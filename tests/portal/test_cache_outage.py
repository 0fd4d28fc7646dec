"""When Redis cannot be reached, the pages that use the cache still answer (PRODUCT.md rule 7: in
production the broker and the cache are the same Redis)."""

import logging
import os
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse

from apo_portal import cache as soft_cache
from nominations.models import Nomination
from nominations.services import nomination_decide
from reports import selectors
from tests.factories import NominationFactory, ProjectFactory, economy
from tests.pages import page_text

NOWHERE = {
    "default": {
        "BACKEND": "apo_portal.cache.SoftFailingRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
}


@pytest.fixture
def redis_unreachable():
    with override_settings(CACHES=NOWHERE):  # Django's test signals make `caches` use it
        yield


@pytest.mark.django_db
def test_pages_answer_and_changes_commit_while_the_cache_is_unreachable(
    client, secretariat, redis_unreachable, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(title="Green Productivity Workshop", participating_economies=["LK"])
        candidate = NominationFactory(project=project, economy=economy("LK"), status=Nomination.Status.SUBMITTED)
    with caplog.at_level(logging.WARNING, logger="apo_portal.cache"):
        assert "Green Productivity Workshop" in page_text(client.get(reverse("projects:catalogue")))
        client.force_login(secretariat)  # the session is written to the database; the cache write is skipped
        assert "Reports" in page_text(client.get(reverse("reports:dashboard")))
        with django_capture_on_commit_callbacks(execute=True):  # refresh the figures, advance the generation
            nomination_decide(actor=secretariat, nomination=candidate, to=Nomination.Status.SELECTED)
        assert selectors.summary_tables(selectors.Filters())["funnel"][0]["selected"] == 1
        response = client.get(reverse("nominations:review", args=[project.code]))
        assert response.status_code == 200 and candidate.full_name in page_text(response)
        # The throttle counts nothing, and lets the look-up through rather than refuse everyone.
        assert client.get(reverse("certificates:verify", args=["AAAABBBBCCCCDDDDEEEE"])).status_code == 404
    assert any("Redis cache unreachable" in message for message in caplog.messages)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL to run it (CI does)")
def test_the_cache_works_against_redis():
    from django.core.cache import caches

    location = {
        "BACKEND": "apo_portal.cache.SoftFailingRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": f"apo_test_{uuid.uuid4().hex}",
    }
    with override_settings(CACHES={"default": location}):
        cache = caches["default"]
        try:
            cache.set("seats", 20)
            assert cache.get("seats") == 20 and cache.incr("seats") == 21
            assert cache.add("seats", 1) is False and cache.get_many(["seats", "none"]) == {"seats": 21}
            cache.delete("seats")
            assert cache.get("seats", "gone") == "gone"
        finally:
            cache.delete("seats")  # not clear(): that would empty the whole Redis database, the broker's too


def test_every_cache_call_answers_as_for_a_miss_while_redis_is_unreachable(redis_unreachable, caplog):
    from django.core.cache import caches

    cache = caches["default"]
    with caplog.at_level(logging.WARNING, logger="apo_portal.cache"):
        assert cache.get("seats", "none") == "none" and cache.get_many(["seats"]) == {}
        assert cache.has_key("seats") is False and "seats" not in cache
        assert cache.add("seats", 1) is False and cache.set("seats", 1) is None
        assert cache.set_many({"seats": 1, "rooms": 2}) == ["seats", "rooms"]
        assert cache.touch("seats") is False and cache.delete("seats") is False
        assert cache.delete_many(["seats"]) is None and cache.clear() is False
        assert cache.get_or_set("seats", lambda: 20) == 20  # computed, as a page's table is
        with pytest.raises(ValueError):
            cache.incr("seats")  # what django-ratelimit reads as "no count": it fails open
        with pytest.raises(ValueError):
            cache.decr("seats")
    # The first call failed and was logged; the rest, in the seconds after it, did not try Redis at all.
    assert [record.getMessage().split(":")[0] for record in caplog.records] == ["Redis cache unreachable, get skipped"]


def test_the_soft_failing_cache_replaces_only_the_cache_methods_django_documents():
    """Nothing of RedisCache's own workings (its client class, pools, redis.Redis) is replaced, so that a
    Django upgrade cannot quietly change what an outage does."""
    from django.core.cache.backends.base import BaseCache
    from django.core.cache.backends.redis import RedisCacheClient

    documented = {name for name in vars(BaseCache) if not name.startswith("_")}
    replaced = {name for name, value in vars(soft_cache.SoftFailingRedisCache).items() if callable(value)}
    assert replaced and replaced <= documented
    classes = [value for value in vars(soft_cache).values() if isinstance(value, type)]
    assert not [value for value in classes if issubclass(value, RedisCacheClient)]
