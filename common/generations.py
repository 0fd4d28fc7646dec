"""Generation tokens: cache keys that change whenever the data behind them changes.

A page that caches something derived from the database puts `current(name)` in the cache key, and the
code that changes that data calls `advance_on_commit(name)`. Old entries are never read again and
expire on their own; nothing has to find and delete them.

A token is random, not a counter, so that a token evicted from the cache and drawn again can never bring
an old entry back. With Redis (production) every process sees the same token at once; with the local
memory cache (the quick start, the tests) each process has its own, so the cache holds for one process
only what that process changed, and entries expire after their timeout."""

import uuid

from django.core.cache import cache
from django.db import transaction


def _key(name: str) -> str:
    return f"generation:{name}"


def current(name: str) -> str:
    token = cache.get(_key(name))
    if token is None:
        cache.add(_key(name), uuid.uuid4().hex, timeout=None)
        # None when the cache cannot be reached: then a token of this request's own, which nothing matches.
        token = cache.get(_key(name)) or uuid.uuid4().hex
    return token


def advance(name: str) -> None:
    """Call after the change has committed: an entry computed before the commit would otherwise be
    stored under the new token."""
    cache.set(_key(name), uuid.uuid4().hex, timeout=None)


def advance_on_commit(name: str) -> None:
    transaction.on_commit(lambda: advance(name), robust=True)
