"""Local development: the quick start's settings. Nothing to configure."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Only for local use: production.py requires SECRET_KEY from the environment.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-only-do-not-deploy")

# The embedded defaults (SQLite, file-system broker, private uploads) keep their files under var/.
VAR_DIR.mkdir(exist_ok=True)  # noqa: F405
