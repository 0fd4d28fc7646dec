"""The quick start's configuration, for tests that run its own processes."""

import os
import pathlib


def quick_start_env(var: pathlib.Path) -> dict:
    """The environment of `scripts/run` with its files under `var`, whatever the shell running the tests
    points at (CI: PostgreSQL and Redis)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="apo_portal.settings.local",
        PORTAL_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
        REDIS_URL="",
        EMAIL_URL="",
    )
    return env
