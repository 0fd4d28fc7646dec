"""Django's Redis cache, made to fail soft: when Redis cannot be reached, a read is a miss and a write is
not made, and the page goes on (PRODUCT.md: a broker outage never breaks a page, and in production the
broker and the cache are the same Redis).

What rides on the cache, and what an outage does to it:
- sessions (`cached_db`) are read from PostgreSQL instead;
- the cached catalogue pages and report tables are computed on each request;
- the generation tokens (apo_portal/generations.py) cannot be replaced, so entries cached before the
  outage may be served until they expire (an hour at most) if Redis comes back with its data;
- the verification throttle counts nothing and lets look-ups through (RATELIMIT_FAIL_OPEN) rather than
  refuse everybody; the login throttle (django-axes) counts in PostgreSQL and is not affected.
Each failed call is logged as a warning."""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _unreachable(operation: str, error: Exception) -> None:
    logger.warning("Redis cache unreachable, %s skipped: %s", operation, error)


class SoftFailingRedisCacheClient(RedisCacheClient):
    def get(self, key, default):
        try:
            return super().get(key, default)
        except UNREACHABLE as error:
            _unreachable("get", error)
            return default

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except UNREACHABLE as error:
            _unreachable("get_many", error)
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except UNREACHABLE as error:
            _unreachable("has_key", error)
            return False

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except UNREACHABLE as error:
            _unreachable("add", error)
            return False

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except UNREACHABLE as error:
            _unreachable("set", error)

    def set_many(self, data, timeout):
        try:
            super().set_many(data, timeout)
        except UNREACHABLE as error:
            _unreachable("set_many", error)

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except UNREACHABLE as error:
            _unreachable("touch", error)
            return False

    def delete(self, key):
        try:
            return super().delete(key)
        except UNREACHABLE as error:
            _unreachable("delete", error)
            return False

    def delete_many(self, keys):
        try:
            super().delete_many(keys)
        except UNREACHABLE as error:
            _unreachable("delete_many", error)

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except UNREACHABLE as error:
            _unreachable("incr", error)
            raise ValueError(f"Key {key!r} not found: the cache is unreachable") from error  # as for a missing key

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as error:
            _unreachable("clear", error)
            return False


class SoftFailingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SoftFailingRedisCacheClient
