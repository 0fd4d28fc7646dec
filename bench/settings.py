"""Settings for the benchmarks: the local settings, with production's DEBUG and an isolated broker.

Only `python -m bench.certificates` uses this module: it sets DATABASE_URL (its scratch database),
PRIVATE_MEDIA_ROOT (a temporary folder) and the broker in the environment before Django starts, and
hands the same environment to the Celery worker it starts with --worker."""

import os

from apo_portal.settings.local import *  # noqa: F403

# As in production: Django keeps no log of every query in memory.
DEBUG = False
# The one benchmark user is created without spending a second on PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Every key the benchmark's messages use in Redis starts with this prefix, so its queues ("pdf",
# "email") never meet a developer's worker, and the benchmark deletes exactly its own keys afterwards.
if CELERY_BROKER_URL.startswith("redis"):  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "global_keyprefix": os.environ.get("APO_BENCH_KEY_PREFIX", "apo_bench:"),
    }
