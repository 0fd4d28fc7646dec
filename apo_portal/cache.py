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


def _soft(name: str, on_failure):
    """RedisCacheClient's method `name`, answering `on_failure(*arguments)` when Redis cannot be reached."""

    def method(self, *args):
        try:
            return getattr(RedisCacheClient, name)(self, *args)
        except UNREACHABLE as error:
            logger.warning("Redis cache unreachable, %s skipped: %s", name, error)
            return on_failure(*args)

    method.__name__ = name
    return method


def _missing(key, delta):
    raise ValueError(f"Key {key!r} not found: the cache is unreachable")  # what incr() says of a missing key


class SoftFailingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # a redis.Redis per connection pool, by the pool's id (pools live as long as this)

    def get_client(self, key=None, *, write=False):
        """The redis.Redis of the pool to use, made once. (Django makes one for every call, and redis-py's
        constructor fills a table of some 170 reply handlers each time: 47 µs, against 70 µs for a GET, on
        every cache read and write. A client holds no connection of its own and is safe to share.)"""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    # Reads are misses, writes are not made, and incr() fails as for a missing key.
    get = _soft("get", lambda key, default: default)
    get_many = _soft("get_many", lambda keys: {})
    has_key = _soft("has_key", lambda key: False)
    add = _soft("add", lambda key, value, timeout: False)
    set = _soft("set", lambda key, value, timeout: None)
    set_many = _soft("set_many", lambda data, timeout: None)
    touch = _soft("touch", lambda key, timeout: False)
    delete = _soft("delete", lambda key: False)
    delete_many = _soft("delete_many", lambda keys: None)
    incr = _soft("incr", _missing)
    clear = _soft("clear", lambda: False)


class SoftFailingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SoftFailingRedisCacheClient
