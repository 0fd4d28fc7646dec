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
Against a hung Redis (accepting connections, never answering) each call would wait its socket timeout
(a quarter of a second, settings: REDIS_CACHE_OPTIONS): after a failure the process leaves Redis alone for a
few seconds (common/breaker.py), so a page waits once at most. Each failure is logged as a warning.

Only the cache API that Django documents is wrapped (the methods every backend has); nothing of
RedisCache's own workings is replaced, so a Django upgrade cannot quietly undo it. The methods not listed
(get_or_set, decr, incr_version, the async a* methods) are written in terms of these ones in BaseCache.
(django-redis' IGNORE_EXCEPTIONS does the same, but its home, Jazzband, is closing, and no new home was
named when this was written; Django's own backend is maintained with Django.)"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from common.breaker import Breaker

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# After a failure this process leaves the cache alone for a few seconds: against a hung Redis (it accepts and
# never answers) each call would otherwise wait its socket timeout (settings: REDIS_CACHE_OPTIONS), and a page
# makes several.
redis_breaker = Breaker(rest_seconds=5)
_SKIPPED = object()


def _softly(operation: str, call, *args):
    """call(*args), or _SKIPPED (and a warning) when Redis failed it or failed a moment ago."""
    if redis_breaker.resting():
        return _SKIPPED
    try:
        return call(*args)
    except UNREACHABLE as error:
        redis_breaker.failed()
        logger.warning("Redis cache unreachable, %s skipped: %s", operation, error)
        return _SKIPPED


def _or(result, fallback):
    return fallback if result is _SKIPPED else result


class SoftFailingRedisCache(RedisCache):
    # Reads are misses, writes are not made, and incr() fails as for a missing key.
    def get(self, key, default=None, version=None):
        return _or(_softly("get", super().get, key, default, version), default)

    def get_many(self, keys, version=None):
        return _or(_softly("get_many", super().get_many, keys, version), {})

    def has_key(self, key, version=None):
        return _or(_softly("has_key", super().has_key, key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return _or(_softly("add", super().add, key, value, timeout, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        _softly("set", super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys not stored, as BaseCache.set_many says.
        return _or(_softly("set_many", super().set_many, data, timeout, version), list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return _or(_softly("touch", super().touch, key, timeout, version), False)

    def delete(self, key, version=None):
        return _or(_softly("delete", super().delete, key, version), False)

    def delete_many(self, keys, version=None):
        _softly("delete_many", super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        result = _softly("incr", super().incr, key, delta, version)
        if result is _SKIPPED:  # what incr() says of a missing key
            raise ValueError(f"Key {key!r} not found: the cache is unreachable")
        return result

    def clear(self):
        return _or(_softly("clear", super().clear), False)
