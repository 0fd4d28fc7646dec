"""Django's Redis cache, made to fail soft: when Redis cannot be reached, a read is a miss and a write is
not made, and the page goes on (PRODUCT.md: a broker outage never breaks a page, and in production the
broker and the cache are the same Redis).

What rides on the cache, and what an outage does to it:
- sessions (`cached_db`) are read from PostgreSQL instead;
- the cached catalogue pages and report tables are computed on each request;
- the generation tokens (common/generations.py) cannot be replaced, so entries cached before the
  outage may be served until they expire (an hour at most) if Redis comes back with its data;
- the verification throttle counts nothing and lets look-ups through (RATELIMIT_FAIL_OPEN) rather than
  refuse everybody; the login throttle (django-axes) counts in PostgreSQL and is not affected.
Each failed call is logged as a warning.

Only the cache API that Django documents is wrapped (the methods every backend has); nothing of
RedisCache's own workings is replaced, so a Django upgrade cannot quietly undo it. The methods not listed
(get_or_set, decr, incr_version, the async a* methods) are written in terms of these ones in BaseCache.
(django-redis' IGNORE_EXCEPTIONS does the same, but its home, Jazzband, is closing, and no new home was
named when this was written; Django's own backend is maintained with Django.)"""

import contextlib
import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


@contextlib.contextmanager
def _when_unreachable(operation: str):
    """Swallow (and log) a failure to reach Redis; the caller then answers as for a miss."""
    try:
        yield
    except UNREACHABLE as error:
        logger.warning("Redis cache unreachable, %s skipped: %s", operation, error)


class SoftFailingRedisCache(RedisCache):
    # Reads are misses, writes are not made, and incr() fails as for a missing key.
    def get(self, key, default=None, version=None):
        with _when_unreachable("get"):
            return super().get(key, default, version)
        return default

    def get_many(self, keys, version=None):
        with _when_unreachable("get_many"):
            return super().get_many(keys, version)
        return {}

    def has_key(self, key, version=None):
        with _when_unreachable("has_key"):
            return super().has_key(key, version)
        return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _when_unreachable("add"):
            return super().add(key, value, timeout, version)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _when_unreachable("set"):
            super().set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        with _when_unreachable("set_many"):
            return super().set_many(data, timeout, version)
        return list(data)  # the keys not stored, as BaseCache.set_many says

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with _when_unreachable("touch"):
            return super().touch(key, timeout, version)
        return False

    def delete(self, key, version=None):
        with _when_unreachable("delete"):
            return super().delete(key, version)
        return False

    def delete_many(self, keys, version=None):
        with _when_unreachable("delete_many"):
            super().delete_many(keys, version)

    def incr(self, key, delta=1, version=None):
        with _when_unreachable("incr"):
            return super().incr(key, delta, version)
        raise ValueError(f"Key {key!r} not found: the cache is unreachable")  # what incr() says of a missing key

    def clear(self):
        with _when_unreachable("clear"):
            return super().clear()
        return False
