"""Settings shared by every environment. Everything that varies comes from the environment.

Per-collectivity configuration (branding, modules, pages, processes) is data in the database,
never a Django setting.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)

# The host names a collectivity answers on are data (tenants.Domain): TenantMiddleware answers a
# clear 404 for any host that is not registered, so Django's own host list does not need to repeat
# them. See docs/adr/0002-hosts-and-routing.md.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])

PARVIS_ROOT_DOMAIN = env("PARVIS_ROOT_DOMAIN", default="localhost").lower()
# Links sent outside a request (invitation e-mails) are built from these.
PARVIS_URL_SCHEME = env("PARVIS_URL_SCHEME", default="https")
PARVIS_URL_PORT = env("PARVIS_URL_PORT", default="")
# New collectivities are cloned from the migrated template schema (migrations are the fallback).
PARVIS_PROVISION_BY_CLONING = env.bool("PARVIS_PROVISION_BY_CLONING", default=True)
# Clones of the template kept ready, so that provisioning only renames one (0: clone on demand).
PARVIS_SPARE_SCHEMAS = env.int("PARVIS_SPARE_SCHEMAS", default=2)
# Days between an operator scheduling a deletion (after a full export) and the schema being dropped.
PARVIS_DELETION_GRACE_DAYS = env.int("PARVIS_DELETION_GRACE_DAYS", default=30)
# Where full exports of collectivities are written (a mounted volume in production).
PARVIS_EXPORT_DIR = env.path("PARVIS_EXPORT_DIR", default=BASE_DIR / ".var" / "exports")

# --- Applications -------------------------------------------------------------------------------
# Apps in both lists have their tables in the public schema (control plane: operators) and in
# every collectivity's schema (its citizens and staff). Accounts of one city never exist in another.
_ACCOUNT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "shared_apps.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
]

SHARED_APPS = [
    # Before django_tenants: its migrate_schemas command overrides django-tenants' own.
    "provisioning",
    "django_tenants",
    "tenants",
    "shared_apps.core",
    "shared_apps.audit",
    *_ACCOUNT_APPS,
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "billing",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "js_lib_htmx",
]

TENANT_APPS = [
    *_ACCOUNT_APPS,
    # The city's own audit log (what its staff and the platform did there) uses the same table.
    "shared_apps.audit",
    "tenant_apps.organisation",
    "tenant_apps.pages",
    "tenant_apps.participation",
    "tenant_apps.identity",
    "tenant_apps.votes",
    "tenant_apps.budgets",
    "tenant_apps.discussion",
    "tenant_apps.notifications",
    "tenant_apps.moderation",
    "tenant_apps.review",
    "tenant_apps.statistics",
    "tenant_apps.exports",
    "tenant_apps.api",
    "tenant_apps.backoffice",
    "tenant_apps.portal",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Collectivity"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
TENANT_LIMIT_SET_CALLS = True
DEFAULT_NOT_FOUND_TENANT_VIEW = "tenants.views.unknown_host"

MIDDLEWARE = [
    "shared_apps.core.middleware.HealthCheckMiddleware",
    "shared_apps.core.middleware.RequestLogContextMiddleware",
    "shared_apps.core.middleware.ContentSecurityPolicyMiddleware",
    "tenants.middleware.CollectivityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tenants.middleware.CollectivityLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tenants.middleware.CollectivityStatusMiddleware",
    "shared_apps.accounts.middleware.SecondFactorRequiredMiddleware",
    # Distinct visitors per day, in Redis HyperLogLogs (no cookie, no identifier kept).
    "tenant_apps.statistics.middleware.VisitMiddleware",
]

ROOT_URLCONF = "config.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.collectivity",
                "shared_apps.core.context_processors.csp",
                "tenant_apps.notifications.context_processors.unread",
                "tenant_apps.portal.context_processors.site_menu",
                "tenant_apps.pages.context_processors.accessibility",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/parvis")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, broker ------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")


def redis_caches(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            # Every key starts with the schema of the collectivity that wrote it.
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "KEY_PREFIX": "parvis",
        }
    }


CACHES = redis_caches(REDIS_URL) if REDIS_URL else {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE = {
    "sessions-clear-expired": {
        "task": "tenants.tasks.fan_out",
        "schedule": 24 * 3600,
        "args": ["shared_apps.accounts.tasks.sessions_clear_expired"],
    },
    "usage-measure": {
        "task": "tenants.tasks.fan_out",
        "schedule": 6 * 3600,
        "args": ["billing.tasks.usage_measure"],
    },
    "budget-ballots-seal": {
        "task": "tenants.tasks.fan_out",
        "schedule": 300,
        "args": ["tenant_apps.budgets.tasks.ballots_seal_closed"],
    },
    "process-transitions": {
        "task": "tenants.tasks.fan_out",
        "schedule": 300,
        "args": ["tenant_apps.participation.tasks.process_transitions_run"],
    },
    "notifications-digest": {
        "task": "tenants.tasks.fan_out",
        "schedule": 24 * 3600,
        "args": ["tenant_apps.notifications.tasks.notifications_digest_send"],
    },
    "visits-flush": {
        "task": "tenants.tasks.fan_out",
        "schedule": 24 * 3600,
        "args": ["tenant_apps.statistics.tasks.visits_flush_yesterday"],
    },
    "privacy-retention": {
        "task": "tenants.tasks.fan_out",
        "schedule": 24 * 3600,
        "args": ["tenant_apps.identity.tasks.retention_apply"],
    },
    "collectivities-delete-due": {
        "task": "provisioning.tasks.collectivities_delete_due",
        "schedule": 3600,
    },
}

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "shared_apps.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "shared_apps.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Keys stored in the collectivity's schema rather than HMAC-signed e-mail ids: a signed id would
# be valid on every collectivity (shared SECRET_KEY, ids repeating from one schema to the next).
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "shared_apps.accounts.tokens.CollectivityTokenGenerator"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's own rate limits (kept in the tenant-aware cache, so one city's counters never touch
# another's). Stated explicitly so a change of allauth defaults is a visible change here.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# FranceConnect (tenant_apps/identity/franceconnect.py): each collectivity's own credentials, never
# SocialApp rows; an identity is matched by its FranceConnect `sub`, never by e-mail alone.
SOCIALACCOUNT_ADAPTER = "tenant_apps.identity.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "tenant_apps.identity.forms_franceconnect.FranceConnectSignupForm"}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# http:// FranceConnect endpoints on loopback only (the test fake); https everywhere else.
PARVIS_FRANCECONNECT_ALLOW_LOOPBACK_HTTP = env.bool("PARVIS_FRANCECONNECT_ALLOW_LOOPBACK_HTTP", default=False)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Parvis"

# Sensitive personal fields (identity attributes, phone, postal address) are encrypted with these
# Fernet keys (comma-separated; the first encrypts). Unset: a key derived from SECRET_KEY.
PARVIS_FIELD_ENCRYPTION_KEYS = env.list("PARVIS_FIELD_ENCRYPTION_KEYS", default=[])

# Host-only cookies: a session opened on one collectivity's host is never sent to another's.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded files are stored under the collectivity's own folder.
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST", "")
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = EMAIL_CONFIG.get("EMAIL_FILE_PATH", str(BASE_DIR / ".var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Parvis <ne-pas-repondre@parvis.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Stripe (used only by billing/) ------------------------------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parvis operator API",
    "DESCRIPTION": "Onboard, run and retire collectivities. Token authentication (operators only).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_URLCONF": "config.urls_public",
}

# --- Observability ------------------------------------------------------------------------------
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="development")
LOG_FORMAT = env("LOG_FORMAT", default="console")  # "json" in production
LOG_LEVEL = env("LOG_LEVEL", default="INFO")

from shared_apps.core.logging import logging_config  # noqa: E402

LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)

if SENTRY_DSN:
    from shared_apps.core.observability import init_sentry  # noqa: E402

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
