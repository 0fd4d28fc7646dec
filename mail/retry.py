"""The retry policy for an e-mail the mail server could not take for a reason that may pass (a 4xx answer, a
refused or dropped connection, a timeout): wait 1, 2, 4 … minutes after each failed attempt, at most four
hours, and give up (the e-mail is marked failed, for the Secretariat) once the next wait would take the
attempts past a day. That is 13 attempts over about 20 hours.

A function of the number of attempts alone, which the row keeps, so the policy holds across restarts and
however many workers or sweeps see the row."""

import datetime

FIRST_WAIT = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=4)
TRIED_FOR = datetime.timedelta(days=1)


def _waits() -> list[datetime.timedelta]:
    waits, wait, total = [], FIRST_WAIT, datetime.timedelta(0)
    while total + wait <= TRIED_FOR:
        waits.append(wait)
        total += wait
        wait = min(wait * 2, LONGEST_WAIT)
    return waits


WAITS = _waits()
ATTEMPTS = len(WAITS) + 1  # the first, and one after each wait


def wait_after(attempts: int) -> datetime.timedelta | None:
    """How long to wait after the `attempts`-th attempt failed for a reason that may pass; None: give up."""
    if 1 <= attempts <= len(WAITS):
        return WAITS[attempts - 1]
    return None
