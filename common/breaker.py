"""A process's memory that a server failed it: for a few seconds after a failure, callers skip the server.

Redis that is hung (it accepts connections and never answers) costs each call its whole socket timeout; a
page that reads the cache eight times, or issues two hundred certificates (one publish each), would wait
that many times over. With a breaker the first failure costs its timeout and the calls after it, in every
thread of the process, give up at once until the rest is over; then one call tries again. Each process
keeps its own (nothing to share, nothing to reach)."""

import time

_breakers: list["Breaker"] = []


class Breaker:
    def __init__(self, rest_seconds: float):
        self.rest_seconds = rest_seconds
        self._until = 0.0
        _breakers.append(self)

    def resting(self) -> bool:
        """Whether callers should skip the server now."""
        return time.monotonic() < self._until

    def failed(self) -> None:
        self._until = time.monotonic() + self.rest_seconds

    def reset(self) -> None:
        self._until = 0.0


def reset_all() -> None:
    """Forget every failure (the tests start each from a well server)."""
    for breaker in _breakers:
        breaker.reset()
