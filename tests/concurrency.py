"""Running calls at the same moment, as concurrent requests would, for the PostgreSQL-only race tests."""

import threading
from collections.abc import Callable

from django.db import connection


def at_once(*calls: Callable[[], object], timeout: float = 30) -> list:
    """Run each call in its own thread, all released together, each on its own database connection.
    Returns what each returned, or the exception it raised, in the order of the calls."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)  # every transaction starts together
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 (the test looks at it)
            outcomes[index] = error
        finally:
            connection.close()  # the thread's own connection

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
