"""Settings for the MTTQ ward portal, read from the environment.

Every variable is documented in README.md ("Configuration"). Secure defaults apply when
DEBUG is off; each HTTPS-only setting can be turned off by its own variable for a
plain-HTTP intranet.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The development key only works with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    # Third-party apps under Vietnamese admin section names (mttq_portal/apps.py).
    "mttq_portal.apps.LoginAttemptsConfig",
    "django_otp",
    "mttq_portal.apps.TwoStepLoginConfig",
    # The portal's rooms (ARCHITECTURE.md): core and accounts, then the directory, money and
    # reports; portability only brings the ward export/import commands.
    "core",
    "accounts",
    "wards",
    "campaigns",
    "reports",
    "portability",
    # After the portal's apps: wards' db_worker command (with a heartbeat) replaces its own.
    "mttq_portal.apps.BackgroundTasksConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' public pages this process served a moment ago, before the rest.
    "wards.page_cache.AnonymousPagesMiddleware",
    # Dashboards and public pages read from DATABASE_REPLICA_URL when set; a no-op otherwise.
    "core.replica.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.security.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.security.IdleSessionMiddleware",
    "accounts.otp.OtpRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Before any view reads the body (CSRF reads it in process_view), with the page context set.
    "core.security.RequestSizeLimitMiddleware",
    "core.security.NulCharacterMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mttq_portal.urls"
# Forms render with Django's default template renderer (FORM_RENDERER unset): the admin's and
# django.contrib.auth's widgets exist only as Django templates. The monthly entry form alone
# renders by Jinja2 (reports/templating.py).
WSGI_APPLICATION = "mttq_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "reports.context_processors.navigation",
            ],
        },
    },
    {
        # Only for parts rendered in a hot loop (reports/templating.py), by name with
        # using="jinja2"; pages are Django templates.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "reports.templating.environment"},
    },
]

# Database: DATABASE_URL, defaulting to an SQLite file in the project (WAL mode).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # Short web queries gain nothing from JIT compilation and pay its start-up on every plan.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Optional read replica (a PostgreSQL streaming standby): dashboards and public disclosure
# pages read from it (core/db_router.py); a browser that just wrote reads from the
# primary for REPLICA_STICKY_SECONDS (core/replica.py). Tests mirror it to default. A replica
# that cannot be reached within REPLICA_CONNECT_TIMEOUT seconds is left alone for
# REPLICA_RETRY_SECONDS by each process, which reads from the primary meanwhile.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=5)
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=5)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"].update(
        {
            "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                **DATABASES["default"].get("OPTIONS", {}),
                "connect_timeout": env.int("REPLICA_CONNECT_TIMEOUT", default=2),
            },
            "TEST": {"MIRROR": "default"},
        }
    )
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set (any number of app servers share it),
# else the process's memory and the database. Sessions are always also kept in the database.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            # Portals (or benchmark runs) sharing one Redis keep apart by a prefix of their own.
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default=""),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Public pages and dashboards are cached until their data changes (wards/page_cache.py), for
# at most this long. Only with a cache all processes share: 0 (off) without REDIS_URL. With a
# read replica, a page built before the replica has replayed the latest write is not kept.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if REDIS_URL else 0)
# Each app process serves the anonymous public pages it built or fetched last, for this many
# seconds, without asking Redis (a viral drive's page: wards/page_cache.py). 0: always ask.
PAGE_CACHE_LOCAL_SECONDS = env.float("PAGE_CACHE_LOCAL_SECONDS", default=1.0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out username+IP before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleAwareBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese everywhere; the project format module adds number grouping and
# day-first dates, which Django's own "vi" formats lack.
LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["mttq_portal.formats"]
# Group thousands wherever a number is shown; years and ids go through |unlocalize.
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Uploaded files: MEDIA_ROOT by default; several app servers need a shared storage, e.g.
    # MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage (README, "Triển khai").
    "default": {
        "BACKEND": env(
            "MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# The installable web app's manifest (static/manifest.webmanifest); nginx's mime.types knows it.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy: own origin only, inline scripts only with the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# HTTPS hardening: on by default when DEBUG is off, each switchable for plain-HTTP intranets.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Monitors probe the health check over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^suc-khoe/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Messages in a signed cookie, the session past its size; the signer made only when needed.
MESSAGE_STORAGE = "core.messages.FallbackStorage"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Signed-in officers are logged out after SESSION_IDLE_SECONDS without a request
# (core/security.py; the last-seen time is rewritten at most once a minute, not per request).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_IDLE_REFRESH_SECONDS = 60

# Login throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address lock that pair out for LOGIN_LOCKOUT_MINUTES; attempts are kept in the database
# (admin: "Axes") and logged. TRUSTED_PROXY_COUNT: reverse proxies in front of the app that
# append to X-Forwarded-For (nginx alone: 1); the client address is then read from it.
# No start-up banner on every manage.py command; lock-outs are still logged.
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying: LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords from one address within
# LOGIN_LOCKOUT_MINUTES, whatever the usernames, lock the address out (accounts/throttling.py).
# Well above LOGIN_FAILURE_LIMIT: a whole office may share one address.
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_HANDLER = "accounts.throttling.AddressCappedHandler"
AXES_RESET_ON_SUCCESS = True
# The lock lasts the announced time from its start, whatever is tried meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Log lines name the username and address (never the password) so an operator can act.
AXES_SENSITIVE_PARAMETERS = []
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"  # registration/lockout.html
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The public address printed on QR posters and shown as a fund's short link
# ("https://congkhai.example.vn"); empty: the host each request came to.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")

# Optional two-step login (TOTP app) for admins and province officers (accounts/otp.py).
OTP_TOTP_ISSUER = "Cổng báo cáo MTTQ"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Uploads: size limits per kind (bytes), checked with the file's content (core/uploads.py).
# Larger uploads are refused before their body is read (RequestSizeLimitMiddleware).
UPLOAD_MAX_SPREADSHEET_BYTES = env.int("UPLOAD_MAX_SPREADSHEET_MB", default=2) * 1024 * 1024
UPLOAD_MAX_PHOTO_BYTES = env.int("UPLOAD_MAX_PHOTO_MB", default=8) * 1024 * 1024
UPLOAD_MAX_REQUEST_BYTES = max(UPLOAD_MAX_SPREADSHEET_BYTES, UPLOAD_MAX_PHOTO_BYTES) + 1024 * 1024
# Form fields other than files (the bank import's confirmation carries up to 300 rows).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Files above this are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each layout step at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Background tasks (rendering long documents): Django's tasks framework with its database
# backend; `python manage.py db_worker` runs them, on as many machines as needed.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# /suc-khoe/ answers 503 when a task has waited longer than this for a worker.
HEALTH_TASK_MAX_WAIT_SECONDS = env.int("HEALTH_TASK_MAX_WAIT_SECONDS", default=300)
# A task waiting this long while no live worker serves its queue (wards/task_workers.py) is
# stuck: the PDF page says the worker is not running, and /suc-khoe/ answers 503.
TASK_NO_WORKER_SECONDS = env.int("TASK_NO_WORKER_SECONDS", default=15)
# What /suc-khoe/ (core/health.py) asks for tasks no live worker serves: the heartbeat lives
# with its model in wards, and core imports no portal app.
HEALTH_UNSERVED_TASKS = "wards.task_workers.unserved_task_count"
# A task still running after this long lost its worker (killed, machine down):
# `manage.py fail_stale_tasks` marks it failed so that the user can start it again.
TASK_RUNNING_TIMEOUT_SECONDS = env.int("TASK_RUNNING_TIMEOUT_SECONDS", default=900)

# Monthly reports are due by this day of the following month.
MONTHLY_REPORT_DUE_DAY = env.int("MONTHLY_REPORT_DUE_DAY", default=5)

# Notices (reports/notices): `manage.py send_notices` tells officers a report is due in this
# many days or fewer, and officers and chairs that it is overdue (for deadlines passed within
# the lookback); workflow steps (submitted, returned, approved) are told from the trail of
# the last hours given.
NOTICE_DUE_SOON_DAYS = env.int("NOTICE_DUE_SOON_DAYS", default=3)
NOTICE_OVERDUE_LOOKBACK_DAYS = env.int("NOTICE_OVERDUE_LOOKBACK_DAYS", default=30)
NOTICE_EVENT_LOOKBACK_HOURS = env.int("NOTICE_EVENT_LOOKBACK_HOURS", default=72)

# Mail (the notices): an SMTP server (Django's MAILERS); in development the mails are printed
# on the console unless EMAIL_BACKEND names the SMTP backend.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_mail_backend = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else SMTP_BACKEND,
)
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            "use_ssl": env.bool("EMAIL_USE_SSL", default=False),
            "timeout": env.int("EMAIL_TIMEOUT", default=30),
        }
        if _mail_backend == SMTP_BACKEND
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng báo cáo MTTQ <khongtraloi@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Project translations fill gaps in Django's Vietnamese catalogue (compiled .mo is committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
