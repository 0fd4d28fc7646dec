"""Local development: the quick start's settings. Nothing to configure."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import env
from .keys import signing_key_file

DEBUG = env.bool("DEBUG", default=True)
# Static files straight from their folders and node_modules, without collectstatic, with DEBUG on or off
# (scripts/run turns it off, so that a person trying the portal meets its own error pages).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Only for local use: production.py requires SECRET_KEY from the environment.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-only-do-not-deploy")
# The demo accounts sign in with their password alone; anyone may still set up two-step sign-in on their
# profile to try it. Production requires it of Secretariat staff (production.py).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)

# The embedded defaults (SQLite, file-system broker, private uploads) keep their files under var/.
VAR_DIR.mkdir(exist_ok=True)  # noqa: F405
# The credentials' signing key: the environment's, or one made once for this checkout in var/ (production.py
# requires it from the environment).
if not CREDENTIAL_SIGNING_KEY:  # noqa: F405
    CREDENTIAL_SIGNING_KEY = signing_key_file(VAR_DIR / "credential-signing-key")  # noqa: F405

# Without EMAIL_URL the quick start writes each e-mail it sends to a file of its own under var/mail/, where
# a person can read it (and the invitation's link in it), rather than onto the worker's console.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")  # noqa: F405
if CELERY_BROKER_URL == "filesystem://":  # noqa: F405
    # kombu lists the broker's folders without creating them: on a fresh clone the worker's start
    # and the first enqueue would fail with FileNotFoundError.
    for _option in ("data_folder_in", "processed_folder", "control_folder"):
        Path(CELERY_BROKER_TRANSPORT_OPTIONS[_option]).mkdir(parents=True, exist_ok=True)  # noqa: F405
