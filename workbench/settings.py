"""Settings for the fact-claim verification workbench.

Everything comes from the environment (and an optional `.env` file beside manage.py). The embedded
default needs nothing but Python: a SQLite file under `var/` and Celery running tasks eagerly in
the same process. Point `DATABASE_URL` at PostgreSQL and `CELERY_BROKER_URL` at Redis to run the
same code with real workers. See `.env.example` for every variable.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def envfloat(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envsecret(name: str) -> str | None:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    return os.environ.get(name) or None


DEBUG = envbool("DEBUG", False)
VAR_DIR = Path(os.environ.get("WORKBENCH_VAR_DIR", BASE_DIR / "var"))


def _dev_secret_key() -> str:
    """In DEBUG only: a random key kept in var/ so sessions survive a restart of the dev server."""
    key_file = VAR_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


SECRET_KEY = envsecret("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY (or SECRET_KEY_FILE), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = _dev_secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off (comma-separated).")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",  # sign-in limits (the "authentication" block below)
    "workbench",
    "claims",
    "sources",
]

MIDDLEWARE = [
    "workbench.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "workbench.middleware.DatabaseUnavailableMiddleware",
    # Last: turns a sign-in refused by the axes backend into a 429 (workbench.signin).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workbench.urls"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "sign-in"

# --- authentication -------------------------------------------------------------------------------
# Passwords: Django's default hashers (PBKDF2 first). Sign-in limits by django-axes, for the web
# sign-in and the admin login alike: after 5 failed attempts for one username, or from one client
# address, within 15 minutes, the next attempt is refused (429, even with the right password) until
# 15 minutes have passed since the last failure. Failures are kept in the database (axes tables).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
# Separately: one username from anywhere, and one address whatever the username.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "workbench.signin.lockout_response"
# The client address is REMOTE_ADDR; X-Forwarded-For counts only when the connection comes from a
# proxy listed here (comma-separated addresses), so a forged header neither resets nor dodges it.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "workbench.signin.client_ip"
AXES_VERBOSE = False
WSGI_APPLICATION = "workbench.wsgi.application"
ASGI_APPLICATION = "workbench.asgi.application"

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
                "workbench.views.current.workbench_context",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------------
# Default: a SQLite file under var/. PostgreSQL: DATABASE_URL=postgres://user@host:5432/name
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'workbench.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # Persistent connections (checked before reuse): opening a PostgreSQL connection per
        # request cost about as much as the whole claim list page (bench/api.py).
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast (503, workbench.middleware) when the server cannot be reached, never hang.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 2)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Wait for a concurrent writer instead of failing at once; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- security (production) ----------------------------------------------------------------------
# Production behind a TLS-terminating proxy (README "Deployment"): BEHIND_TLS_PROXY=1,
# SECURE_SSL_REDIRECT=1, SECURE_HSTS_SECONDS=31536000 (and SECURE_HSTS_PRELOAD=1 once the domain
# may go on browsers' preload lists); `manage.py check --deploy --fail-level WARNING` then passes
# (tests/ops/test_deploy_check.py). Off by default so the embedded default serves plain HTTP.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# Load balancers probe the health endpoint over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Request bodies above this are refused by Django before a view sees them (articles are capped
# separately by ARTICLE_MAX_CHARS below).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 3 * 1024 * 1024)

# --- the workbench --------------------------------------------------------------------------------
# Longest article body accepted, in characters (about 1 MB of prose is far beyond any news article;
# a 5 MB paste is refused with a clear error rather than stored).
ARTICLE_MAX_CHARS = envint("ARTICLE_MAX_CHARS", 1_000_000)

# --- Celery ---------------------------------------------------------------------------------------
# Unset broker: tasks run eagerly in the web or command process (the embedded default); the
# in-memory transport is then only a placeholder that nothing connects to.
WORKBENCH_BROKER_CONFIGURED = bool(os.environ.get("CELERY_BROKER_URL"))
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ALWAYS_EAGER = not WORKBENCH_BROKER_CONFIGURED
CELERY_TASK_EAGER_PROPAGATES = envbool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 360)
# Every task is idempotent (each says why), so a task is acknowledged only once it has finished
# and a task whose worker died is delivered again rather than lost. The broker does not count
# those deliveries: the tasks count them in the database and give up after TASK_MAX_REDELIVERIES.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
TASK_MAX_REDELIVERIES = envint("TASK_MAX_REDELIVERIES", 3)
# Tasks are long (extraction) or wait on the network (lookups): one at a time per process.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the worker loses the broker, tasks still running are cancelled: their messages are not
# acknowledged and come back to another worker, so letting them finish would run them twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending a task (after an ingest commits) must not hold a web request when Redis is down: a few
# quick tries, then the error goes to the caller, which logs it and leaves the article pending for
# the sweep below. Kombu's own default is to retry the connection for ever.
CELERY_BROKER_CONNECTION_TIMEOUT = envfloat("CELERY_BROKER_CONNECTION_TIMEOUT", 2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Redis re-delivers an unacknowledged (acks_late) task after this many seconds; it must exceed the
# longest task (hard time limits) and the longest countdown (retry_backoff_max), or a slow or
# retrying task would be run twice (tests/faults/test_celery_config.py checks it).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600),
    # How often a worker looks for tasks whose worker died (kombu's defaults: every 10 s, scanning
    # one time in 10); abandoned tasks come back after visibility_timeout plus up to this.
    "unacked_restore_interval": envint("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": envint("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    # Connecting to send a task: bounded like publishing (see above).
    **CELERY_TASK_PUBLISH_RETRY_POLICY,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}
# The sweep (Celery beat; run `celery -A workbench beat`) re-sends work a lost message or a dead
# worker left behind: articles pending, fetching or extracting, lookup runs queued or running,
# for longer than the task would ever take. Bounded per pass; harmless twice (tasks are
# idempotent and the sweep marks what it re-sent).
SWEEP_INTERVAL = envfloat("SWEEP_INTERVAL", 60.0)
SWEEP_BATCH = envint("SWEEP_BATCH", 500)
# A pending article or a queued lookup run older than this has probably lost its message (sent
# while the broker was down); re-sending one that is merely waiting in a long queue is harmless.
SWEEP_PENDING_AFTER = envint("SWEEP_PENDING_AFTER", 300)
CELERY_BEAT_SCHEDULE = {
    "claims.article_sweep": {"task": "claims.article_sweep", "schedule": SWEEP_INTERVAL},
    "sources.lookup_run_sweep": {"task": "sources.lookup_run_sweep", "schedule": SWEEP_INTERVAL},
}
CELERY_TASK_DEFAULT_QUEUE = "default"
# Separate queues so slow lookups never starve extraction (ARCHITECTURE §8). Link fetches are
# lookup runs sent to the "fetch" queue explicitly (sources.services.lookups).
CELERY_TASK_ROUTES = {
    # Fetching an article's page waits on the network like a lookup does.
    "claims.article_fetch": {"queue": "fetch"},
    "claims.*": {"queue": "extract"},
    "sources.lookup_*": {"queue": "lookup"},
}

# --- Redis: cache and shared rate limits --------------------------------------------------------
# REDIS_URL, or the broker when it is Redis. Unset: a per-process memory cache and rate limits
# (the embedded default has one process).
REDIS_URL = os.environ.get("REDIS_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- lookups (ARCHITECTURE §6) --------------------------------------------------------------------
# Backends run for every new claim, in this order; "url" runs only when a reviewer attaches a link.
LOOKUP_BACKENDS = envlist("LOOKUP_BACKENDS", ["library", "wikipedia", "wikidata", "factcheck"])
LOOKUP_LANGUAGE = os.environ.get("LOOKUP_LANGUAGE", "en")
LOOKUP_USER_AGENT = os.environ.get(
    "LOOKUP_USER_AGENT",
    "FactCheckWorkbench/0.4 (open-source newsroom fact-checking; evidence lookups for claims)",
)
LOOKUP_CONNECT_TIMEOUT = envfloat("LOOKUP_CONNECT_TIMEOUT", 3.0)
LOOKUP_READ_TIMEOUT = envfloat("LOOKUP_READ_TIMEOUT", 10.0)
# Longest one request may take, retries and backoff included.
LOOKUP_DEADLINE = envfloat("LOOKUP_DEADLINE", 25.0)
LOOKUP_ATTEMPTS = envint("LOOKUP_ATTEMPTS", 3)
LOOKUP_MAX_BYTES = envint("LOOKUP_MAX_BYTES", 5_000_000)
# Requests per backend, shared by every worker through Redis when REDIS_URL is set.
LOOKUP_RATE_LIMITS = dict(
    item.split("=", 1)
    for item in envlist(
        "LOOKUP_RATE_LIMITS", ["wikipedia=20/second", "wikidata=20/second", "factcheck=5/second"]
    )
)
LOOKUP_CACHE_SECONDS = envint("LOOKUP_CACHE_SECONDS", 6 * 3600)
# After a backend fails to reach its service, further runs fail at once for this long (they
# say so) instead of each waiting out its own timeouts.
LOOKUP_CIRCUIT_SECONDS = envint("LOOKUP_CIRCUIT_SECONDS", 60)
# host:port pairs exempt from the SSRF guard (a mirror inside the newsroom, test servers).
LOOKUP_ALLOW_HOSTS = envlist("LOOKUP_ALLOW_HOSTS", [])
WIKIPEDIA_API_URL = os.environ.get("WIKIPEDIA_API_URL", "https://{lang}.wikipedia.org/w/api.php")
WIKIDATA_API_URL = os.environ.get("WIKIDATA_API_URL", "https://www.wikidata.org/w/api.php")
FACTCHECK_TOOLS_API_URL = os.environ.get(
    "FACTCHECK_TOOLS_API_URL", "https://factchecktools.googleapis.com/v1alpha1/claims:search"
)
# Google Fact Check Tools: the backend is skipped (and says so) without a key.
FACTCHECK_TOOLS_API_KEY = envsecret("FACTCHECK_TOOLS_API_KEY")

# --- REST API (/api/v1/) ----------------------------------------------------------------------
# Deny by default: every endpoint needs a signed-in user (a token, or the session for the
# browsable API) unless it says otherwise.
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workbench.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only: one way to send data, so "" in a form can never pass for "not given".
    "DEFAULT_PARSER_CLASSES": ["workbench.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "workbench.pagination.CursorPage",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workbench.rest.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "UNICODE_JSON": True,
    "COMPACT_JSON": True,
    "STRICT_JSON": True,
}
# Largest API request body. An article is at most ARTICLE_MAX_CHARS characters; JSON escaping
# (\uXXXX) can make that several bytes per character.
API_MAX_BODY_BYTES = envint("API_MAX_BODY_BYTES", 8 * 1024 * 1024)
# Per user, for endpoints that queue background work (ingest, fetch a link, re-run lookups).
API_THROTTLE_ENQUEUE = os.environ.get("API_THROTTLE_ENQUEUE", "60/minute") or None

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check workbench API",
    "DESCRIPTION": (
        "Articles in, claims and verdicts out. Authenticate with `Authorization: Bearer <token>` "
        "(tokens are created in the admin or at /account/tokens/). Everything is scoped to your "
        "teams: another team's objects are not found. Lists are cursor-paginated, newest first. "
        "Errors are JSON: `{detail, code, fields?}`."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "ClaimTypeEnum": "claims.models.Claim.Type",
        "VerdictEnum": "claims.models.Claim.Verdict",
        "SuggestionEnum": "claims.models.Claim.Suggestion",
        "ExtractionStatusEnum": "claims.models.Article.ExtractionStatus",
        "StanceEnum": "sources.models.Evidence.Stance",
        "SourceKindEnum": "sources.models.Source.Kind",
        "LookupRunStatusEnum": "sources.models.LookupRun.Status",
        "RoleEnum": "workbench.models.Membership.Role",
        "ClaimChangeFieldEnum": "claims.models.ClaimChange.Field",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workbench.rest.error_responses_hook",
    ],
}

# --- logging --------------------------------------------------------------------------------------
# One JSON object per line in production (LOG_FORMAT=json, the default when DEBUG is off), plain
# text in development. Every line carries the request id of the web request or the id and name of
# the Celery task it belongs to (workbench.logging.ContextFilter, workbench.middleware).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "workbench.logging.ContextFilter"}},
    "formatters": {
        "plain": {
            "()": "workbench.logging.EventFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "workbench.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# Celery workers log through the same handler (and format) instead of replacing it with their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
