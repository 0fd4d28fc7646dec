"""Settings shared by every environment.

Every deploy-specific value comes from the environment (django-environ). The defaults here are the
embedded ones the quick start uses: SQLite under var/ and a Celery broker on the local file system,
so that the portal runs on a fresh machine with no server. Set DATABASE_URL and REDIS_URL to use
PostgreSQL and Redis.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")
# Where the embedded defaults keep their files: the SQLite database, the file-system broker, beat's
# schedule, uploads and (in the quick start) the mail sent.
VAR_DIR = Path(env("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# How many reverse proxies stand in front of the web server, each appending to X-Forwarded-For. With none
# (the default) the client's own X-Forwarded-For and X-Forwarded-Proto are ignored; every throttle, the
# lock-out and the audit log read the client's address through common/client.py.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXIES", default="") or 0)  # empty counts as unset

INSTALLED_APPS = [
    "apo_portal.admin_site.PortalAdminConfig",  # django.contrib.admin, with its site (apo_portal/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    # {% partialdef %}: the parts of a page that htmx swaps are named in the page's own template and rendered
    # alone as "template.html#name". Its simple app config: the loaders are set out below, not rewritten by it.
    "template_partials.apps.SimpleAppConfig",
    "django_ratelimit",
    "axes",
    "csp",
    # Two-step sign-in: authenticator apps (TOTP) and recovery codes (accounts/two_step.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # What every app shares (template tags, time zones, the cache generations, spreadsheet helpers).
    "common",
    "accounts",
    "audit",
    "mail",
    "projects",
    "nominations",
    "attendance",
    "certificates",
    "reports",
    "home",
    # The demo of the quick start, on top of every other app (demo/loader.py).
    "demo",
]

MIDDLEWARE = [
    # First: a body too large is refused before anything reads it, and what a client sent is made safe to
    # store before any other middleware reads it.
    "apo_portal.middleware.RequestBodyLimitMiddleware",
    "apo_portal.middleware.StorableHeadersMiddleware",
    # A view's error that is the database being unreachable becomes the portal's 503 page (apo_portal/outage.py;
    # an error in a middleware reaches the same page through handler500).
    "apo_portal.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before every middleware that reads or writes a page's body, so that it compresses what they leave.
    "apo_portal.middleware.TextGZipMiddleware",
    # After WhiteNoise (static files stay cacheable), before the session and CSRF cookies are set.
    "apo_portal.middleware.PrivateAnswersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second step; then every page but the
    # second step's own asks for it when the user has a device or must have one.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoStepMiddleware",
    "accounts.middleware.TimezoneMiddleware",
    "accounts.middleware.DeniedAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "apo_portal.urls"
WSGI_APPLICATION = "apo_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Every settings module, the local one with DEBUG on included: each template is compiled once per
            # process, not on every render (a register's rows are a partial rendered once a row). Under
            # runserver Django's autoreloader empties the cache whenever a template changes, so an edit shows
            # at once. The partials loader lets a view render "page.html#partial"; "template_partials"'s
            # default app config would add the same loaders itself, out of sight.
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            # {% partialdef %} and {% partial %} in every template without a {% load %}, as Django 6 has them.
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
    # The supported fast path for the one table Django's engine draws too slowly, the attendance register's rows
    # (jinja2/attendance/, included by the {% jinja %} tag; bench/RESULTS.md). Jinja2 caches what it compiles
    # and, with DEBUG on, reloads a template that changed.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "common.jinja2.environment"},
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)  # PostgreSQL only: below
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The portal's queries are short; PostgreSQL's JIT compiled the reports' aggregates for 15-25 ms
    # each and saved nothing (bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A database that takes the connection and never answers (a server hung, a failover half done) fails it
    # after this many seconds, as the portal's 503 page, instead of holding the request, or a worker, until a
    # proxy gives up; libpq's default is to wait for ever.
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The quick start's web server, worker and beat write to one SQLite file at once. WAL lets readers go on
    # beside the writer; a writer waits up to 20 s for another (SQLite's default is 5 s, which a long write
    # such as load_demo outlasts); and IMMEDIATE takes the write lock when a transaction begins, so that a
    # transaction that read first never fails with "database is locked" when it comes to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Counts failed logins per account and per address and locks them out for a while (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
]
# Failed log-ins lock an account, from every address and however its address is spelled, after
# AXES_FAILURE_LIMIT; and lock an address, for every account, after LOGIN_ADDRESS_FAILURE_LIMIT (higher: an
# office's officers share one address). Each count lasts until the cool-off has passed since its last
# failure (accounts/lockout.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The login form's field is "username" (it holds the e-mail address); count it without case.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_CLIENT_IP_CALLABLE = "common.client.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Secretariat staff and Django admin users must pass a second step after the password (an authenticator
# app's code or a recovery code); the quick start's local settings turn it off. Anyone may opt in.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
OTP_TOTP_ISSUER = "APO Portal"
# Each wrong code doubles the wait before the next try on that device: 1 s, 2 s, 4 s ... (django-otp).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "projects:catalogue"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A government officer's session lasts a working day, not forever.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
# Sessions are read from the cache (Redis in production) and written through to the database: one query
# less on every signed-in page, and nothing lost when the cache is flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LANGUAGE_CODE = "en"
# The Secretariat's time zone; every project has its own and every user picks theirs.
TIME_ZONE = env("TIME_ZONE", default="Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end assets come from the npm registry (package.json) and are served by the portal itself.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The portal's stylesheet, built from Bootstrap's Sass sources by scripts/build-assets (git-ignored).
    BASE_DIR / "build" / "static",
    ("vendor/bootstrap/js", NODE_MODULES / "bootstrap" / "dist" / "js"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
# Uploaded files hold personal data: they live outside any public path and have no URL. Every
# download goes through a view that checks permission (PRODUCT.md rule 9).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {
        # FileSystemStorage, but a file appears under its name only once whole (a full disk leaves nothing).
        "BACKEND": "common.storage.AtomicFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
# The largest body the portal reads (apo_portal.middleware.RequestBodyLimitMiddleware answers 413 above it).
# The largest legitimate upload is a nomination with its three documents in one form (5 MB each, 15 MB);
# a certificate's PDF to verify and a project's notification are at most 10 MB, an attendance report 5 MB.
# 16 MB leaves room for the form around the files.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=16 * 1024 * 1024)
# The form fields besides files (Django's default): the largest form, a program's sessions, is far smaller.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An uploaded file larger than this is spooled to a temporary file (in FILE_UPLOAD_TEMP_DIR) while it is read.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# An empty EMAIL_URL counts as unset (the quick start then writes mail to files: local.py).
EMAIL_CONFIG = environ.Env.email_url_config(env("EMAIL_URL", default="") or "consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="APO Portal <no-reply@apo-portal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that accepts the connection and then says nothing fails the attempt after this many seconds
# (retried by the outbox's policy) rather than holding a mail worker until the task's time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Content Security Policy: the portal's own scripts, styles, fonts and images only; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Browser features no page of the portal uses are switched off for it and for anything it might embed. The
# camera too: participants scan the check-in QR code with their phone's own camera app, which opens the link.
# Security keys and passkeys (WebAuthn) stay allowed for the portal itself. Only features a browser knows:
# Chromium logs a warning on every page for a name it does not ("ambient-light-sensor" and "bluetooth" were
# such; tests/browser/test_console_quiet.py keeps the console silent).
PERMISSIONS_POLICY = {
    **dict.fromkeys(
        [
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "encrypted-media",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "interest-cohort",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        ],
        [],
    ),
    "publickey-credentials-create": "self",
    "publickey-credentials-get": "self",
}

# Every client of Redis gives up quickly, so that a Redis that is down, or hung (accepting connections and never
# answering), never holds a page for long: Redis answers in well under a millisecond when it is well. After a
# failure, each process leaves Redis alone for a few seconds (common/breaker.py), so a page waits on Redis
# once at most, not once per call. README, "What happens when".
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
REDIS_BROKER_TRANSPORT_OPTIONS = {
    # Publishing from a page tries once and gives up (the database keeps the work and beat's sweeps enqueue it
    # later); kombu's default would retry, waiting two seconds per attempt.
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
    "socket_connect_timeout": 0.5,
    # Without it a publish to a hung Redis waits forever (kombu's default); the workers' long BRPOP is read
    # only once Redis has answered, so it is not cut short by this.
    "socket_timeout": 0.5,
    # A message a worker took and did not acknowledge (acks_late) goes back on the queue after this. It must
    # be longer than the longest a message is held: a task's countdown (at most 15 minutes, mail's retries)
    # plus its hard time limit (5 minutes) plus the wait behind the task before it (5 minutes); shorter, and
    # Redis would hand a task still running to a second worker. A worker killed with its messages leaves them
    # here until then: beat's sweeps find that work in the database within a minute or two (README), and
    # the late redelivery finds it done.
    "visibility_timeout": 3600,
}

# The cache holds the sessions, the throttles' counts (django-ratelimit), the catalogue's pages and the
# reports' tables: Redis when there is one, so that every web process shares them; this process's memory
# otherwise (the quick start). When Redis cannot be reached, the cache fails soft (apo_portal/cache.py).
CACHES = {
    "default": {
        "BACKEND": "apo_portal.cache.SoftFailingRedisCache",
        "LOCATION": env("REDIS_URL"),
        "OPTIONS": REDIS_CACHE_OPTIONS,
    }
    if env("REDIS_URL", default="")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Public certificate verification: enough for people checking certificates, far too few to guess
# 100-bit codes.
CERTIFICATE_VERIFY_RATE = env("CERTIFICATE_VERIFY_RATE", default="30/10m")
# Password-reset requests: per address asked for (whether or not an account has it) and per client.
PASSWORD_RESET_ADDRESS_RATE = env("PASSWORD_RESET_ADDRESS_RATE", default="3/h")
PASSWORD_RESET_CLIENT_RATE = env("PASSWORD_RESET_CLIENT_RATE", default="10/h")
# When the cache cannot be reached the verification throttle lets look-ups through rather than refuse
# everybody: guessing a 100-bit code is hopeless with or without it, and checking a certificate is not.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "common.client.client_ip"
# django-ratelimit warns that Django's own RedisCache (which apo_portal/cache.py only wraps) is not on its
# tested list; its incr() is Redis' atomic INCRBY, which is all the limiter needs. Without Redis (the quick
# start), the local-memory cache counts per process: fine for one runserver; production sets REDIS_URL
# (docker-compose.yml does).
SILENCED_SYSTEM_CHECKS = (
    ["django_ratelimit.W001"] if env("REDIS_URL", default="") else ["django_ratelimit.W001", "django_ratelimit.E003"]
)

# Celery. REDIS_URL selects Redis; without it the broker is kombu's file-system transport, which
# needs no server (the quick start). Task state that matters is kept in the database, so there is
# no result backend.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Without this kombu writes its exchange tables to ./control, wherever the process started.
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Publishing must not hang a page when the broker is down or hung: one attempt, bounded by the socket timeouts
# above; the sweep enqueues later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0, "interval_start": 0, "interval_step": 0, "interval_max": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# There is no result backend; should one be configured on Redis, it gives up as quickly as the broker.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"]
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_BROKER_TRANSPORT_OPTIONS["socket_timeout"]
# What other apps write into an e-mail as it is sent (`mail/services.py`): (key prefix, function), in order; ""
# matches every e-mail. The outbox imports none of them.
MAIL_SENDING_HOOKS = [
    ("password-reset:", "accounts.password_reset.written_at_sending"),
    ("", "accounts.invitations.tokens_at_sending"),
]
# What attendance's participants page and a participant's project page show of the certificates, which build
# on attendance (`attendance.selectors.certificates_shown_to`): attendance imports nothing of them.
ATTENDANCE_PAGE_CERTIFICATES = "certificates.selectors.certificates_on_attendance_pages"
CELERY_TASK_ROUTES = {
    "mail.tasks.*": {"queue": "email"},
    "nominations.tasks.*": {"queue": "email"},
    "certificates.tasks.*": {"queue": "pdf"},
    "projects.tasks.*": {"queue": "pdf"},
}
# Beat scans the database for due work; nothing relies on long ETAs.
CELERY_BEAT_SCHEDULE = {
    # Every 20 s, cheap when nothing is due: an e-mail is the after-commit task's for its first 30 s, so what
    # waited for the broker leaves within a minute of its return; a retry waits as long as `mail/retry.py` says.
    "deliver-pending-emails": {"task": "mail.tasks.deliver_pending_emails", "schedule": 20.0},
    # Every 30 s, on the `pdf` queue behind the renders already queued; a sweep still waiting when the next
    # is sent expires (only the newest of those runs). It enqueues what has been pending for a minute
    # (`certificates_pending_overdue`): a killed worker's certificates are rendered within about a minute of
    # the queue draining.
    "render-pending-certificates": {
        "task": "certificates.tasks.render_pending_certificates",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    "print-pending-notifications": {"task": "projects.tasks.print_pending_notifications", "schedule": 60.0},
    "send-due-reminders": {"task": "nominations.tasks.send_due_reminders", "schedule": 15 * 60.0},
    "rebuild-report-figures": {"task": "reports.tasks.rebuild_figures", "schedule": crontab(hour=3, minute=15)},
}
# A worker process is replaced after this many tasks (a backstop against leaks in PDF rendering), and
# a task whose worker died is put back on the queue rather than lost.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Invitations and password resets: the link works once, for a week.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives "django" its own console handler (DEBUG only); without
        # propagate=False every line of runserver's output would print twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Self check-in is open from this many minutes before a session starts until as many after it ends.
CHECK_IN_GRACE_MINUTES = env.int("CHECK_IN_GRACE_MINUTES", default=15)

# Printed on certificates: the Secretary-General's name and signature (a path under static/).
APO_SECRETARY_GENERAL = env("APO_SECRETARY_GENERAL", default="Dr. Indra Pradana Singawinata")
APO_SIGNATURE_IMAGE = env("APO_SIGNATURE_IMAGE", default="img/signature.svg")
# The address printed on certificates and in their QR codes, e.g. https://portal.apo-tokyo.org
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Certificate PDFs are rendered in batches of up to this many, one WeasyPrint render for the batch.
CERTIFICATE_RENDER_BATCH = env.int("CERTIFICATE_RENDER_BATCH", default=20)
# A render claims its certificates for this long; a claim left by a killed worker lapses after it.
CERTIFICATE_RENDER_CLAIM_SECONDS = env.int("CERTIFICATE_RENDER_CLAIM_SECONDS", default=60)
# A failed render is tried again after 1, 2, 4 … minutes; after this many failures in a row (about 4 h 15 min
# of trying, with 9) it is marked failed and waits for the Secretariat's retry button.
CERTIFICATE_RENDER_ATTEMPTS = env.int("CERTIFICATE_RENDER_ATTEMPTS", default=9)

# The Open Badges 3.0 credential of each certificate is signed with this Ed25519 key (certificates/signing.py):
# 32 random bytes, base64url, e.g. python3 -c 'import base64, secrets; print(base64.urlsafe_b64encode(
# secrets.token_bytes(32)).rstrip(b"=").decode())'. The issuer is the portal's did:web, made from
# PORTAL_BASE_URL's host and served at /.well-known/did.json, where the public key is published under its
# JWK thumbprint (the key id). Production requires it (production.py); the quick start makes one in var/.
CREDENTIAL_SIGNING_KEY = env("CREDENTIAL_SIGNING_KEY", default="")
# After a rotation, the public halves (JWK "x", base64url) of the keys used before, still published in did.json
# so that the credentials they signed keep verifying. Leave a key out to stop trusting what it signed.
CREDENTIAL_RETIRED_KEYS = env.list("CREDENTIAL_RETIRED_KEYS", default=[])
# LinkedIn's id of the APO's company page, for the "Add to profile" link; without it the link names the APO.
LINKEDIN_ORGANIZATION_ID = env("LINKEDIN_ORGANIZATION_ID", default="")

# Security keys and passkeys (django-otp-webauthn) as the second step, bound to the portal's host name.
# Browsers refuse an IP address as the host, so the quick start's keys work at http://localhost:PORT.
_portal = urlsplit(PORTAL_BASE_URL)
OTP_WEBAUTHN_RP_NAME = "APO Portal"
OTP_WEBAUTHN_RP_ID = "localhost" if _portal.hostname in ("127.0.0.1", "::1") else _portal.hostname
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    f"{_portal.scheme}://{OTP_WEBAUTHN_RP_ID}" + (f":{_portal.port}" if _portal.port else "")
]
# A key is a second step after the password, never a way round it (and round django-axes).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
