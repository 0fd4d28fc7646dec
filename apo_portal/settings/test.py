"""Settings for the test suite: local settings, faster hashing, no real mail."""

from .local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# CI points REDIS_URL at the local Redis; without it the tests need no broker at all.
CELERY_BROKER_URL = REDIS_URL or "memory://"  # noqa: F405
if not REDIS_URL:  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
# The tests count requests in this process's memory, never in a Redis that Celery may share.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]
PORTAL_BASE_URL = "https://portal.apo.test"
# Tests sign staff in with force_login; the two-step tests turn this on (tests/accounts/test_mfa.py).
MFA_REQUIRED_FOR_STAFF = False
# A fixed credential-signing key for the tests (not a secret: it signs nothing outside them).
CREDENTIAL_SIGNING_KEY = "dGVzdC1vbmx5LWNyZWRlbnRpYWwtc2lnbmluZy1rZXk"
CREDENTIAL_RETIRED_KEYS = []
