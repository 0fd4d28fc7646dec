"""Enqueueing that never breaks a page (PRODUCT.md rule 7).

The work itself is always saved in the database first (an OutgoingEmail row, say); the message to
the broker only says "do it now". If the broker is down, or hung, the page still succeeds and the beat
sweep that scans the database for pending work enqueues it later.

One publish tries once, bounded by the broker's socket timeouts (settings: REDIS_BROKER_TRANSPORT_OPTIONS);
after a failure this process publishes nothing for a few seconds (`broker`), so a page that enqueues two
hundred renders waits on a hung broker once, not two hundred times."""

import logging

from kombu.exceptions import OperationalError

from .breaker import Breaker

logger = logging.getLogger(__name__)
broker = Breaker(rest_seconds=5)


def enqueue(task, *args) -> bool:
    """Ask the broker to run `task(*args)` now; False (and nothing raised) when it could not be asked."""
    if broker.resting():
        logger.debug("Broker failed a moment ago: %s%r left for the sweep", task.name, args)
        return False
    try:
        task.apply_async(args=args, retry=False)
    except Exception as error:  # any broker or connection failure: the database still holds the work
        if isinstance(error, OperationalError | OSError):  # the broker failed (kombu wraps Redis' errors)
            broker.failed()
        logger.warning("Broker unavailable: %s%r left for the sweep", task.name, args, exc_info=True)
        return False
    return True
