"""A clock a test moves by hand: `timezone.now()` (which the outbox, its sweep and `auto_now_add` read) answers
what the test set, so a day of retries runs in a second and a test says exactly when each thing is due."""

import datetime

import pytest
from django.utils import timezone


class Clock:
    def __init__(self, now: datetime.datetime):
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    return clock
