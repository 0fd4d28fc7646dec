"""Enqueueing that never breaks a page (PRODUCT.md rule 7).

The work itself is always saved in the database first (an OutgoingEmail row, say); the message to
the broker only says "do it now". If the broker is down, the page still succeeds and the beat sweep
that scans the database for pending work enqueues it later."""

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # any broker or connection failure: the database still holds the work
        logger.warning("Broker unavailable: %s%r left for the sweep", task.name, args, exc_info=True)
        return False
    return True
