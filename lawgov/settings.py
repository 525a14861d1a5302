"""lawgov settings, read from the environment only.

With nothing set, lawgov runs as the embedded default: SQLite in the project folder, Celery jobs run
in-process, DEBUG on. Production is switched on by ``LAWGOV_ENV=production`` and then refuses to start
without ``LAWGOV_SECRET_KEY`` and ``LAWGOV_ALLOWED_HOSTS``: a half-configured production server is worse
than one that does not start. The variables are listed in docs/configuration.md.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no variable. Anything but the usual words stops start-up: ``LAWGOV_SSL_REDIRECT=flase`` must not
    quietly mean "off" on a production server."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is neither true nor false: use one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}"
    )


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


LAWGOV_ENV = os.environ.get("LAWGOV_ENV", "development").strip().lower()
PRODUCTION = LAWGOV_ENV == "production"

if PRODUCTION:
    missing = [name for name in ("LAWGOV_SECRET_KEY", "LAWGOV_ALLOWED_HOSTS") if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured("LAWGOV_ENV=production needs these environment variables: " + ", ".join(missing))
    SECRET_KEY = os.environ["LAWGOV_SECRET_KEY"]
    ALLOWED_HOSTS = env_list("LAWGOV_ALLOWED_HOSTS")
    DEBUG = env_bool("LAWGOV_DEBUG", False)
else:
    # A fixed development key: it signs nothing that outlives a developer's machine.
    SECRET_KEY = os.environ.get("LAWGOV_SECRET_KEY", "lawgov-development-only-not-secret")
    ALLOWED_HOSTS = env_list("LAWGOV_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]", "testserver"]
    DEBUG = env_bool("LAWGOV_DEBUG", True)

CSRF_TRUSTED_ORIGINS = env_list("LAWGOV_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lawgov.apps.LawgovAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "lawgov",
    "plans",
    "tasks",
    "assessment",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lawgov.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lawgov.login_throttle.LoginThrottleMiddleware",
    "lawgov.middleware.PasswordChangeRequiredMiddleware",
    "lawgov.middleware.ChineseErrorPagesMiddleware",
    "lawgov.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "lawgov.urls"
WSGI_APPLICATION = "lawgov.wsgi.application"

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
                "lawgov.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://… or sqlite:///…); SQLite in the project folder by default.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("LAWGOV_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Read whatever the database, so a typo stops start-up on SQLite too (see env_bool).
PG_SERVER_BINDING = env_bool("LAWGOV_PG_SERVER_BINDING", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, for the test database too: the Celery worker started by the broker test
    # must see the rows the test wrote. WAL lets the worker read while the web process writes.
    # One file per test run (the pid), so two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif PG_SERVER_BINDING:
    # Parameters bound on the server let psycopg prepare a query the fifth time a connection runs it, so
    # PostgreSQL stops re-planning the API's task list (1.4 ms of planning per call at city scale).
    # Set LAWGOV_PG_SERVER_BINDING=0 behind a pooler in transaction mode (pgbouncer), which can't keep them.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "lawgov.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "lawgov.passwords.ChineseUserAttributeSimilarityValidator"},
    {"NAME": "lawgov.passwords.ChineseMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# Login throttling (lawgov.login_throttle): this many wrong passwords for one account from one address
# lock that pair out (429) for the window; an address gets four times as many over all accounts.
LAWGOV_LOGIN_MAX_FAILURES = int(os.environ.get("LAWGOV_LOGIN_MAX_FAILURES", "5"))
LAWGOV_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LAWGOV_LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("LAWGOV_STATIC_ROOT", BASE_DIR / "staticfiles"))
if not PRODUCTION:
    # WhiteNoise warns "No directory at: …/staticfiles/" on every start until collectstatic has run; in
    # development the files are served from static/ through the finders, so an empty folder is all it needs.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    # Uploaded evidence lives outside static/ and is served only through views that check access.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("LAWGOV_MEDIA_ROOT", BASE_DIR / "media"))
# No MEDIA_URL route is ever mounted: files go out through permission-checked views.
MEDIA_URL = "/files/"

# Uploads: plan documents and evidence files. Limits are documented in docs/configuration.md.
LAWGOV_MAX_UPLOAD_MB = int(os.environ.get("LAWGOV_MAX_UPLOAD_MB", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Seconds a web request may spend parsing an upload (a plan .docx/.txt preview, a rubric, a progress sheet)
# before it stops with a message (lawgov.limits); 0 turns the limit off. Far above real files (~1-5 s).
LAWGOV_PARSE_TIME_LIMIT = float(os.environ.get("LAWGOV_PARSE_TIME_LIMIT", "30"))

# Celery: REDIS_URL switches from in-process execution to a real broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending a message gives up after two quick retries (~0.5 s), not kombu's default 4 s of retrying: a web
# request that queues a job while Redis is down fails the job at once with a message (lawgov.background).
# The worker's own consuming connection keeps retrying forever (broker_connection_max_retries).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "lawgov.jobs.worker_heartbeat", "schedule": 60.0},
    "jobs-recover": {"task": "lawgov.jobs.jobs_recover", "schedule": 60.0},
    # Deadline rolls, warnings, reminders and (once a week) the digest: tasks.sweep.daily_sweep.
    "sweep-daily": {"task": "tasks.jobs.sweep_daily", "schedule": crontab(hour=7, minute=0)},
    # 交办 notices for new assignments (tasks.supervision.assignments_deliver).
    "assignments-deliver": {"task": "tasks.jobs.assignments_deliver", "schedule": 300.0},
}
# 预警 defaults, in working days (a jurisdiction may set its own, tasks.models.WarningPolicy): blue when the
# deadline is this near; yellow when the reported percent trails the elapsed time by this many points, or
# nothing was reported for this many working days.
LAWGOV_WARN_DAYS = int(os.environ.get("LAWGOV_WARN_DAYS", "10"))
LAWGOV_WARN_BEHIND_MARGIN = int(os.environ.get("LAWGOV_WARN_BEHIND_MARGIN", "20"))
LAWGOV_WARN_SILENT_DAYS = int(os.environ.get("LAWGOV_WARN_SILENT_DAYS", "22"))
# 签收: a unit that has not acknowledged a task this many working days after it was given is flagged.
LAWGOV_SIGN_DAYS = int(os.environ.get("LAWGOV_SIGN_DAYS", "3"))
# 催办: the daily sweep chases red (overdue) tasks by itself, at most once per task and unit in this many
# days; a group robot (WeCom/DingTalk/Feishu webhook) that does not answer within the timeout is logged.
LAWGOV_AUTO_REMIND_DAYS = int(os.environ.get("LAWGOV_AUTO_REMIND_DAYS", "7"))
LAWGOV_WEBHOOK_TIMEOUT = int(os.environ.get("LAWGOV_WEBHOOK_TIMEOUT", "5"))
# The weekly digest to reporters and leaders goes out from this ISO weekday on (1 Monday … 7 Sunday), once a week.
LAWGOV_DIGEST_WEEKDAY = int(os.environ.get("LAWGOV_DIGEST_WEEKDAY", "1"))
# The daily sweep (warnings, reminders, digest) in a setup without Celery beat (no REDIS_URL): run when due,
# from the first request after the hour below (local time), in a thread of the web process.
LAWGOV_EMBEDDED_SWEEP = env_bool("LAWGOV_EMBEDDED_SWEEP", not REDIS_URL)
LAWGOV_SWEEP_HOUR = int(os.environ.get("LAWGOV_SWEEP_HOUR", "0"))
# Background jobs (report drafting, slow imports), lawgov.background. A running job beats its heartbeat
# from a thread of the worker every quarter of LAWGOV_JOB_STALE_AFTER; a heartbeat older than that means the
# worker died (killed, machine gone) and a new request, the page's poll or the schedule takes the job over.
LAWGOV_JOB_STALE_AFTER = int(os.environ.get("LAWGOV_JOB_STALE_AFTER", "60"))
# Hard time limits per kind (seconds): a job running longer is stopped and failed, one queued longer is
# given up. The longest plan-import step is one LibreOffice conversion (60 s) or an OCR page.
LAWGOV_REPORT_JOB_TIMEOUT = int(os.environ.get("LAWGOV_REPORT_JOB_TIMEOUT", "600"))
LAWGOV_PLAN_IMPORT_JOB_TIMEOUT = int(os.environ.get("LAWGOV_PLAN_IMPORT_JOB_TIMEOUT", "300"))
# The Celery queue report jobs go to (empty: the default queue).
LAWGOV_REPORT_QUEUE = os.environ.get("LAWGOV_REPORT_QUEUE", "").strip()
# Redis redelivers an unacknowledged message (jobs are acked late) after the visibility timeout: it must be
# longer than any job may run, or a slow but live job would be delivered twice; a killed worker's job does not
# wait for it (the heartbeat above takes it over within a minute).
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = (
    max(LAWGOV_REPORT_JOB_TIMEOUT, LAWGOV_PLAN_IMPORT_JOB_TIMEOUT) + 60
)

# The cache holds API throttling counters: shared through Redis when there is one, so every gunicorn
# worker counts the same client.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer costs a request one second, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Demo accounts printed by seed_demo.
LAWGOV_DEMO_PASSWORD = os.environ.get("LAWGOV_DEMO_PASSWORD", "lawgov-demo-2026")

REST_FRAMEWORK = {
    # Token first: an API call without valid credentials gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lawgov.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "lawgov.permissions.RoleWritePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        # Fail open: a Redis that is down must not turn every API call into a 500 (lawgov/api/throttling.py).
        "lawgov.api.throttling.FailOpenUserRateThrottle",
        "lawgov.api.throttling.FailOpenAnonRateThrottle",
    ],
    # Per client (token or user): a data screen polling every few minutes is far below this.
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("LAWGOV_API_RATE", "1200/min"),
        "anon": os.environ.get("LAWGOV_API_ANON_RATE", "60/min"),
    },
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only: people read the API through /api/docs/, not DRF's English browsable pages.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lawgov.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "lawgov.api.Pagination",
    "PAGE_SIZE": 100,
    # ?format= is ours (csv/xlsx exports), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "lawgov API",
    "DESCRIPTION": "法治政府建设平台接口: units, plans, tasks, progress, assessments and annual reports.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is served to whoever may read the docs (LAWGOV_API_DOCS_PUBLIC, read per request).
    "SERVE_PERMISSIONS": ["lawgov.api.permissions.ApiDocsReaders"],
    # Error answers (400/401/403/404/409/429) and integer path ids, declared once for every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lawgov.api.schema.postprocess_error_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "lawgov.models.UnitKind",
        "PlanKindEnum": "plans.models.PlanKind",
        "TaskStatusEnum": "tasks.status.TaskStatus",
        "ReportStatusEnum": "tasks.models.ReportStatus",
        "CycleStatusEnum": "assessment.models.CycleStatus",
        "SubmissionStatusEnum": "assessment.models.SubmissionStatus",
        "AnnualReportStatusEnum": "reports.models.ReportStatus",
        "AssessedKindEnum": "assessment.models.AssessedKind",
        "ExtensionStatusEnum": "tasks.models.ExtensionStatus",
    },
}

EMAIL_BACKEND = os.environ.get("LAWGOV_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("LAWGOV_FROM_EMAIL", "lawgov@localhost")

SESSION_COOKIE_HTTPONLY = True
# A sign-in lasts a working day and ends when the browser closes (a shared office computer), not 14 days.
LAWGOV_SESSION_HOURS = int(os.environ.get("LAWGOV_SESSION_HOURS", "8"))
SESSION_COOKIE_AGE = LAWGOV_SESSION_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("LAWGOV_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# /api/docs/ and /api/schema/ need a signed-in user or a token unless this is on (lawgov.views.api_docs).
LAWGOV_API_DOCS_PUBLIC = env_bool("LAWGOV_API_DOCS_PUBLIC", False)
# With DEBUG on, people still see our Chinese 404/500 pages (lawgov.middleware.ChineseErrorPagesMiddleware);
# a developer who wants Django's debug pages (traceback, URL list) turns this on.
LAWGOV_DEBUG_ERROR_PAGES = env_bool("LAWGOV_DEBUG_ERROR_PAGES", False)
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie; see base.html.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind our reverse proxy (docker-compose's ``proxy``, on by default in production) its X-Forwarded-Proto
# and X-Real-IP are believed: it overwrites what clients send, and gunicorn is reachable only from it.
# Off when gunicorn faces clients itself: then a client could claim https or any address.
LAWGOV_BEHIND_PROXY = env_bool("LAWGOV_BEHIND_PROXY", PRODUCTION)
if LAWGOV_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("LAWGOV_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("LAWGOV_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("LAWGOV_HSTS_PRELOAD", True)
    # /health/ is probed over plain HTTP from inside the container network.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LAWGOV_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
