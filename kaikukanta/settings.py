"""Kaikukanta settings.

Every environment variable is declared once here with its type and default. With nothing set the
project runs embedded: SQLite and Celery tasks executed eagerly. ``DATABASE_URL`` switches to
PostgreSQL and ``REDIS_URL`` to a real Celery broker.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, WASM_UNSAFE_EVAL
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    PRODUCTION=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    DATABASE_URL=(str, f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    DATABASE_CONN_MAX_AGE=(int, 60),
    REDIS_URL=(str, ""),
    EMAIL_URL=(str, "consolemail://"),
    DEFAULT_FROM_EMAIL=(str, "Kaikukanta <noreply@kaikukanta.invalid>"),
    SITE_URL=(str, "http://127.0.0.1:8000"),
    MFA_REQUIRED_FOR_REGIONAL=(bool, True),
    MFA_REQUIRED_FOR_STAFF=(bool, False),
    TRUSTED_PROXY_COUNT=(int, 0),
    DEMO_PASSWORD=(str, "kaikukanta-demo"),
    MEDIA_ROOT=(str, str(BASE_DIR / "media")),
    PRIVATE_MEDIA_ROOT=(str, str(BASE_DIR / "private")),
    AWS_STORAGE_BUCKET_NAME=(str, ""),
    AWS_S3_ENDPOINT_URL=(str, ""),
    AWS_ACCESS_KEY_ID=(str, ""),
    AWS_SECRET_ACCESS_KEY=(str, ""),
    AWS_S3_REGION_NAME=(str, ""),
    REPORTS_LIVE_SECONDS=(int, 60),
    SECURE_SSL_REDIRECT=(bool, True),
    CARD_CHECK_FAILURES_PER_MINUTE=(int, 20),
    VENUE_KEY_REQUESTS_PER_MINUTE=(int, 300),
    LOG_LEVEL=(str, "INFO"),
)
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PRODUCTION = env("PRODUCTION")
DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when PRODUCTION=1")
    SECRET_KEY = "dev-only-not-secret-kaikukanta"  # noqa: S105 - embedded default for development only
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL")
DEMO_PASSWORD = env("DEMO_PASSWORD")
# Two-factor sign-in (TOTP + recovery codes): required from coordinators and regional contacts unless turned off;
# from office and venue staff only when asked. Their API tokens come from the profile page after the second factor.
MFA_REQUIRED_FOR_REGIONAL = env("MFA_REQUIRED_FOR_REGIONAL")
MFA_REQUIRED_FOR_STAFF = env("MFA_REQUIRED_FOR_STAFF")
# How many proxies of ours append to X-Forwarded-For (the TLS proxy in front of the web server: 1). 0 = the header is
# ignored and the socket's address is the client. One number for every per-address limit: allauth's sign-in limits
# (ALLAUTH_TRUSTED_PROXY_COUNT) and DRF's throttles (NUM_PROXIES), so a client cannot choose who is limited.
TRUSTED_PROXY_COUNT = env("TRUSTED_PROXY_COUNT")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
CARD_CHECK_FAILURES_PER_MINUTE = env("CARD_CHECK_FAILURES_PER_MINUTE")
# Requests a ticketing system may make with one venue API key per minute (access/api/keys.py, issue 16); 429 above.
VENUE_KEY_REQUESTS_PER_MINUTE = env("VENUE_KEY_REQUESTS_PER_MINUTE")

DJANGO_APPS = [
    "modeltranslation",  # fi/sv/en public texts (venues/translation.py, regions/translation.py); before admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # /sitemap.xml of the public pages (public/sitemaps.py)
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, no CDN
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "import_export",
    "auditlog",
    "django_celery_beat",
]
# Top to bottom, as the layers of the import-linter contract in pyproject.toml (README: how the code is laid out).
LOCAL_APPS = [
    "devdata",
    "public",
    "reports",
    "counter",
    "access",
    "bookings",
    "cards",
    "venues",
    "distributors",
    "regions",
    "core",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "access.middleware.RequireMfaForRegionalMiddleware",
]

ROOT_URLCONF = "kaikukanta.urls"
WSGI_APPLICATION = "kaikukanta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.scope",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env("DATABASE_CONN_MAX_AGE")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES and env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
    # Parameters travel apart from the statement, so psycopg prepares a statement run often (the counter's
    # card lookup, check record and use insert) once per connection instead of PostgreSQL planning it on
    # every request. Turn off behind a transaction-pooling PgBouncer older than 1.21.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kaikukanta"}}

# Sessions read from the cache first (Redis when configured): one query less on every request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "access.backends.ModelBackend",
    "access.backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: username or e-mail, no public sign-up, rate limited.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "access.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
# Failed sign-ins, in the browser and on POST /api/v1/auth/token/ alike (one counter, access.adapters): 5 per
# account in 5 minutes (the key is the account, whether named by username or e-mail), and 30 per client address so
# that one office behind one address does not lock out its colleagues. The same limits guard the TOTP step.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/5m/ip,5/5m/key", "reset_password": "5/m/ip,3/m/key"}
# WebAuthn (security keys) runs on allauth's own static scripts, no build step; plain http only while developing.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG and not PRODUCTION
MFA_TOTP_ISSUER = "Kaikukanta"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
# Public texts in three languages (issue 13, point 4): Finnish is the source and the fallback; a model built with the
# untranslated field name (factories, imports) fills the Finnish column.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)
MODELTRANSLATION_AUTO_POPULATE = "default"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded imports and their checked rows: never under /media/, read only by the import's scoped views and task.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# An S3-compatible bucket (django-storages) instead of the folders, so that web and worker nodes on different
# machines share the files: set AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL for a non-AWS service; the keys
# and region, or the machine's own AWS credentials). Both storages keep their objects private (no public ACL, no
# public URL: the few URLs are signed and short-lived, and files are served by the scoped views), each under its own
# prefix.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    _BUCKET = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
        "access_key": env("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
        "region_name": env("AWS_S3_REGION_NAME") or None,
        "default_acl": "private",
        "file_overwrite": False,
        "max_memory_size": 4 * 1024 * 1024,  # a file read by the worker spools to disk past 4 MB
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage",
                           "OPTIONS": {**_BUCKET, "location": "media", "querystring_auth": True}}
    STORAGES["private"] = {"BACKEND": "storages.backends.s3.S3Storage",
                           "OPTIONS": {**_BUCKET, "location": "private", "querystring_auth": True,
                                       "querystring_expire": 60}}
MEDIA_ROOT = env("MEDIA_ROOT")
# Generated reports and large exports: outside MEDIA_ROOT, downloaded through scoped views only.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT")
# Dashboards count the days since the last rollup live; that part is cached this long (0 = never).
REPORTS_LIVE_SECONDS = env("REPORTS_LIVE_SECONDS")
MEDIA_URL = "/media/"

vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")

# Content-Security-Policy (django-csp): scripts and styles only from our own origin, never inline. Data for a
# script is in data- attributes or <script type="application/json"> (not executed). 'wasm-unsafe-eval' lets the
# counter's vendored barcode reader (zxing-wasm, for browsers without BarcodeDetector) compile its WebAssembly; it
# allows no JavaScript eval. Images: data: for Pico's icons (data: URLs in its CSS). No 'unsafe-inline' for styles:
# the pages have no style= or <style> (the PDF templates do, but WeasyPrint renders them, not a browser); only the
# Swagger UI page adds it, for its own <style> (kaikukanta/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, WASM_UNSAFE_EVAL],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: one app, CELERY_ prefix. No broker configured = tasks run eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies (killed, out of memory) goes back to the queue instead of being acknowledged and lost;
# a task that keeps killing its worker is stopped by its own attempt count (reports.services.MAX_ATTEMPTS).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Hard time limit of every task, in seconds: the tasks read theirs from here, the broker's visibility timeout
# and the stuck-job sweep (reports.report_file_sweep) are derived from them.
TASK_TIME_LIMITS = {
    "reports.rollup_rebuild": 2 * 60 * 60,
    "reports.report_file_generate": 60 * 60,
    "reports.regional_monthly_report": 60 * 60,
    "reports.apply_retention": 60 * 60,
    "reports.monthly_regional_reports": 10 * 60,
    "reports.report_file_sweep": 10 * 60,
    "reports.worker_heartbeat": 2 * 60,
    "cards.import_validate": 15 * 60,
    "cards.import_write": 15 * 60,
    "cards.import_sweep": 5 * 60,
}
# Slack above a time limit before a job is redelivered (broker) or called stuck (sweep).
TASK_TIME_MARGIN = 15 * 60
# Redis redelivers an unacknowledged task after the visibility timeout (default 1 h): with late acks it must be
# longer than the longest task, or a long rollup runs twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": max(TASK_TIME_LIMITS.values()) + TASK_TIME_MARGIN}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    # Token first: an unauthenticated API call answers 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "access.api.keys.VenueKeyAuthentication",  # venue keys (kk_…, issue 16); other tokens go on
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.FilterBackend"],  # refuses blank filters (core.api.filters)
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StrictPagination",  # refuses a bad page_size
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": ["core.api.base.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"auth_token": "10/minute"},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # the client address of throttles: see TRUSTED_PROXY_COUNT
    "URL_FORMAT_OVERRIDE": None,  # ?format= is a card filter, not a renderer switch
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "core.api.autoschema.AutoSchema",  # drf-spectacular's, with text-field patterns
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kaikukanta API",
    "DESCRIPTION": (
        "Check a Kaikukortti, log and cancel uses, register cards and read statistics. "
        'Authenticate with `Authorization: Token <key>` (from `POST /api/v1/auth/token/`). Every error answers '
        '`{"code", "detail"}`: `code` is stable for programs, `detail` is translated for people (Accept-Language). '
        "Objects outside your scope answer 404 `not_found`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # 3.1: a nullable object reference is `oneOf: [$ref, {type: null}]`; 3.0 has no way to say it (`nullable`
    # next to `allOf` without `type` means nothing), so clients and validators refused `"region": null`.
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.postprocess_parameter_enums",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CardKindEnum": "cards.models.Card.Kind",
        "CardStatusEnum": "cards.models.Card.Status",
        "CardFormatEnum": "cards.models.Card.Format",
        "UseKindEnum": "cards.models.Use.Kind",
        "UseChannelEnum": "cards.models.Use.Channel",
        "OfferKindEnum": "venues.models.Offer.Kind",
        "CategoryEnum": "venues.models.Category",
        "CardReplaceReasonEnum": "cards.api.serializers.REPLACE_REASONS",
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
API_MAX_BODY_BYTES = 64 * 1024  # JSON bodies of this API are a few hundred bytes

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
}

if PRODUCTION:
    DEBUG = False
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
