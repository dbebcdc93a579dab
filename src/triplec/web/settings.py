"""Django settings for triplec, configured by environment variables.

Embedded defaults: a SQLite file under TRIPLEC_DATA_DIR (./var), console e-mail, in-process work.
Scale-out: DATABASE_URL=postgres://..., TRIPLEC_SECRET_KEY, TRIPLEC_ALLOWED_HOSTS, TRIPLEC_DEBUG=0.
Production (README "Running in production"): TRIPLEC_SECRET_KEY, TRIPLEC_ALLOWED_HOSTS,
TRIPLEC_CSRF_TRUSTED_ORIGINS, TRIPLEC_HTTPS=1 behind a TLS-terminating proxy.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from triplec.web.security import tile_source

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("TRIPLEC_DATA_DIR", Path.cwd() / "var")).resolve()
# Reading the settings never creates the data directory (a command run in the wrong folder would leave
# an empty ./var behind); `triplec serve`, `demo`, `restore` and imports create it when they migrate.
if DATA_DIR.is_dir():
    (DATA_DIR / "static").mkdir(exist_ok=True)  # the static root (WhiteNoise warns when it is missing)


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("TRIPLEC_DEBUG", False)
# Production: served over HTTPS (TRIPLEC_HTTPS=1) or declared with TRIPLEC_ENV=production. Anything else is a
# development or test run, which may use the shipped key (with a warning from `triplec serve`).
HTTPS = _env_bool("TRIPLEC_HTTPS", False)
PRODUCTION = HTTPS or os.environ.get("TRIPLEC_ENV", "development").strip().lower() == "production"
DEVELOPMENT_SECRET_KEY = "triplec-insecure-local-key-set-TRIPLEC_SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("TRIPLEC_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if PRODUCTION and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "triplec refuses to start in production (TRIPLEC_HTTPS=1 or TRIPLEC_ENV=production) without its own "
        "secret key: set TRIPLEC_SECRET_KEY to a random value of at least 50 characters, e.g. the output of "
        "python -c \"import secrets; print(secrets.token_urlsafe(50))\", and keep it secret.")
ALLOWED_HOSTS = os.environ.get("TRIPLEC_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("TRIPLEC_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

if HTTPS:
    # Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (and passes Host on); the app
    # itself must not be reachable except through that proxy, or the header could be forged.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("TRIPLEC_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # subdomains of the served host only, not of the agency's domain
    SECURE_HSTS_PRELOAD = True  # has effect only if someone submits the (apex) domain to the preload list

INSTALLED_APPS = [
    "triplec.web",  # first: its registration/ templates (password pages) win over django.contrib.admin's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "ninja",  # API docs page with ninja's bundled Swagger UI files; without it ninja links a CDN
    "axes",
    "csp",
    "django_tasks",
    "triplec.core",
    "triplec.accounts",
    "triplec.registry",
    "triplec.clusters",
    "triplec.networks",
    "triplec.ledger",
    "triplec.procurement",
    "triplec.fairs",
    "triplec.centres",
    "triplec.suppliers",
    "triplec.evaluation",
    "triplec.notifications",
    "triplec.diagnostics",
]

# Background work: the django.tasks API, run by our database queue (triplec.core.tasks explains why).
TASKS = {"default": {"BACKEND": "triplec.core.tasks.QueueBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "triplec.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "triplec.web.urls"
WSGI_APPLICATION = "triplec.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "triplec.web.context.navigation",
            ],
        },
    },
]

# Each server thread keeps its connection (checked before reuse) instead of opening one per request:
# a new one costs the PRAGMAs and a schema read (SQLite) or a login (PostgreSQL) on every page.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'triplec.sqlite3'}",
        conn_max_age=int(os.environ.get("TRIPLEC_DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process worker write while pages read; busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login rate limiting (django-axes): lock a username+IP pair after 5 failures for 15 minutes, and a client
# address after 20 failures across usernames (password spraying; accounts.lockout).
AXES_FAILURE_LIMIT = int(os.environ.get("TRIPLEC_LOGIN_FAILURE_LIMIT", "5"))
TRIPLEC_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("TRIPLEC_LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "triplec.accounts.lockout.UserAndAddressLockout"
AXES_CLIENT_IP_CALLABLE = "triplec.accounts.throttle.client_ip"
# Proxies in front of the app whose X-Forwarded-For is trusted for the client address (rate limits).
TRIPLEC_PROXY_COUNT = int(os.environ.get("TRIPLEC_PROXY_COUNT", "1" if HTTPS else "0"))
# Password-reset requests: (most requests, per seconds) by client address and by e-mail address.
TRIPLEC_PASSWORD_RESET_LIMITS = {"address": (10, 3600), "email": (3, 3600)}
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "triplec.web.errors.csrf_failure"

EMAIL_BACKEND = os.environ.get("TRIPLEC_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("TRIPLEC_FROM_EMAIL", "triplec@localhost")
# SMTP (with TRIPLEC_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); links in e-mails start with the base URL.
EMAIL_HOST = os.environ.get("TRIPLEC_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TRIPLEC_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TRIPLEC_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TRIPLEC_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("TRIPLEC_EMAIL_USE_TLS", False)
TRIPLEC_BASE_URL = os.environ.get("TRIPLEC_BASE_URL", "http://localhost:8000")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("pt-br", "Português (Brasil)"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]  # src/triplec/locale: pt (Brazilian usage) and es catalogues, .mo committed
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the header's language choice outlives the browser session
# The agency's own zone (e.g. America/Sao_Paulo): "today" for default and refused future dates.
TIME_ZONE = os.environ.get("TRIPLEC_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Map files the analytics library ships for its offline report (country outlines, place names and the
# script that draws them), served at the URLs the pages use.
_MAP_ASSETS = BASE_DIR / "mapping" / "report_assets"
STATICFILES_DIRS = [("vendor/world-atlas", _MAP_ASSETS / "world-atlas"),
                    ("vendor/topojson-client", _MAP_ASSETS / "topojson-client"),
                    ("vendor/places", _MAP_ASSETS / "places"),
                    ("web", _MAP_ASSETS / "web")]
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic on the embedded defaults
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Enterprise imports from the web pages: files with more data rows than this are checked and written
# by a background task with a progress page; smaller ones within the request.
TRIPLEC_IMPORT_BACKGROUND_ROWS = int(os.environ.get("TRIPLEC_IMPORT_BACKGROUND_ROWS", "2000"))
TRIPLEC_IMPORT_UPLOAD_RETENTION_DAYS = int(os.environ.get("TRIPLEC_IMPORT_UPLOAD_RETENTION_DAYS", "7"))  # unconfirmed uploads

# Size classes by employees: micro < 10 <= small < 50 <= medium < 250 <= large (EU recommendation 2003/361).
TRIPLEC_SIZE_THRESHOLDS = {
    "micro": int(os.environ.get("TRIPLEC_SIZE_MICRO_BELOW", "10")),
    "small": int(os.environ.get("TRIPLEC_SIZE_SMALL_BELOW", "50")),
    "medium": int(os.environ.get("TRIPLEC_SIZE_MEDIUM_BELOW", "250")),
}

# Optional background map tiles ({z}/{x}/{y} URL template); none by default: the maps draw shipped
# country outlines and work with no tile server. A failing tile server is dropped with a note.
TRIPLEC_TILE_URL = os.environ.get("TRIPLEC_TILE_URL", "")
TRIPLEC_TILE_ATTRIBUTION = os.environ.get("TRIPLEC_TILE_ATTRIBUTION", "")

# Content-Security-Policy (django-csp) on every response: scripts and styles only from our own static files
# (no inline code, no eval: htmx is configured in base.html to need neither), images also as data: URIs
# (Pico's and Leaflet's icons) and from the optional tile server. Views with their own header keep it
# (the sandboxed mapping report).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_source(TRIPLEC_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Background tasks: `triplec serve` starts one `triplec worker` beside its server processes (a thread on
# Windows) unless this is 0, when separate `triplec worker` processes run the queue. Mapping runs use the
# worker's own cores unless TRIPLEC_DASK_SCHEDULER names a Dask scheduler.
TRIPLEC_IN_PROCESS_WORKER = _env_bool("TRIPLEC_IN_PROCESS_WORKER", True)
TRIPLEC_DASK_SCHEDULER = os.environ.get("TRIPLEC_DASK_SCHEDULER", "")
TRIPLEC_TASK_HEARTBEAT_SECONDS = float(os.environ.get("TRIPLEC_TASK_HEARTBEAT_SECONDS", "10"))
TRIPLEC_TASK_HEARTBEAT_TIMEOUT_SECONDS = float(os.environ.get("TRIPLEC_TASK_HEARTBEAT_TIMEOUT_SECONDS", "5"))
TRIPLEC_TASK_STALE_SECONDS = float(os.environ.get("TRIPLEC_TASK_STALE_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TRIPLEC_LOG_LEVEL", "WARNING")},
}
