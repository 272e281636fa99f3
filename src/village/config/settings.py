"""Village settings. Everything comes from the environment, with safe defaults for a laptop.

Unset DATABASE_URL means SQLite at var/village.sqlite3. With DJANGO_ENV=production the
process refuses to start with DEBUG on or the development secret key.
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(environ.Env().str("VILLAGE_HOME", default=str(Path.cwd())))
DEVELOPMENT_SECRET_KEY = "village-development-key-not-for-production"  # noqa: S105

env = environ.Env(
    DEBUG=(bool, False),
    DJANGO_ENV=(str, "development"),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    VILLAGE_MIN_GROUP_SIZE=(int, 5),
    VILLAGE_MIN_COMMENT_GROUP_SIZE=(int, 10),
    VILLAGE_RETENTION_DAYS=(int, 365),
    VILLAGE_QUICK_EXIT_URL=(str, "https://www.bbc.co.uk/weather"),
    VILLAGE_SITE_URL=(str, "http://127.0.0.1:8000"),
    VILLAGE_SECURE_COOKIES=(bool, False),
)

DJANGO_ENV = env("DJANGO_ENV")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env("DEBUG")
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (DJANGO_ENV=production).")
if PRODUCTION and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the development key cannot be used in production.")

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "village.people",
    "village.circles",
    "village.pulse",
    "village.conversations",
    "village.reviews",
    "village.language",
]

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
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "village.people.middleware.MemberMiddleware",
    "village.language.middleware.GlossaryMiddleware",
    "village.people.browser_key.BrowserKeyMiddleware",
    "village.people.middleware.AdminMFAMiddleware",
    "village.errors.FaultMiddleware",
]

ROOT_URLCONF = "village.config.urls"
WSGI_APPLICATION = "village.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "village.people.context_processors.village",
            ],
        },
    }
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'village.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Each server thread keeps its connection for a minute instead of opening one per request:
# opening one (and, on SQLite, setting its journal mode) was a fifth of a live poll's time.
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "auth.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "people:home"

# Accounts (django-allauth). People join by invitation only: nobody signs up by themselves.
# They sign in with their email address; an address is used for signing in only once it is
# verified. The adapter keeps sign-in throttling from locking one person out by another.
ACCOUNT_ADAPTER = "village.people.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "village.people.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "people:login"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Village: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Failed sign-ins are counted per client (a keyed hash of its address, never the address) and
# per account-and-client pair: someone guessing from their own machine slows only themselves,
# never the account's owner on theirs. Counters live in the cache (see CACHES), never the
# database.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# Two-step verification: an authenticator app (TOTP) with recovery codes. Required for
# admins (village.people.middleware.AdminMFAMiddleware), offered to everyone.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Village"
MFA_RECOVERY_CODE_COUNT = 10

# OpenID Connect sign-in for partnerships with their own identity provider (docs/sign-in.md).
# Each provider is a SocialApp row (provider "openid_connect"). A sign-in joins an existing
# account only through an email address that the provider says it has verified; nobody gets
# a new account this way.
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}

# Throttling counters (sign-in attempts, per-client limits) live in the cache for minutes and
# are never written to the database: the default is this process's memory. Several app servers
# share one cache by setting CACHE_URL (for example redis://127.0.0.1:6379/0).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://village")}
# Live circle pages read what changed, version by version, from the cache: the in-process
# cache keeps more than Django's default of 300 entries, so a busy circle's notes are not
# dropped (a dropped note costs that page one whole board).
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50_000)
# Behind a load balancer every request comes from its address: name the header it sets
# (for example HTTP_X_FORWARDED_FOR) so per-client limits count each client. The address is
# only ever hashed with the secret key, never stored or logged.
VILLAGE_CLIENT_ADDRESS_HEADER = env.str("VILLAGE_CLIENT_ADDRESS_HEADER", default="")

# Posts up to 10 MB are read, so an over-long text gets a clear message with the text kept
# in the box; anything bigger gets the designed 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CSRF_FAILURE_VIEW = "village.errors.csrf_failure"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env("VILLAGE_SECURE_COOKIES") or PRODUCTION
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": nothing is sent to other sites, while the browser still sends a real Origin
# header on Village's own form posts ("no-referrer" makes it send "Origin: null", which fails
# CSRF checking for every form).
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_SSL_REDIRECT = env.bool("VILLAGE_SSL_REDIRECT", default=True)

# No inline script, no inline style, nothing from another site: every script and style is a
# static file. Forms post only to Village; no page can be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Background work waits in the database until a worker (`village worker`) runs it, so any
# number of workers on any number of machines share one queue. Tests run tasks at once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="village@localhost")

VILLAGE = {
    "MIN_GROUP_SIZE": env("VILLAGE_MIN_GROUP_SIZE"),
    "MIN_COMMENT_GROUP_SIZE": env("VILLAGE_MIN_COMMENT_GROUP_SIZE"),
    "RETENTION_DAYS": env("VILLAGE_RETENTION_DAYS"),
    "QUICK_EXIT_URL": env("VILLAGE_QUICK_EXIT_URL"),
    # The address links in emails start with when no request gave one (the worker's emails).
    "SITE_URL": env("VILLAGE_SITE_URL"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every handler redacts tokens, keys and codes from messages and tracebacks.
    "filters": {"redact": {"()": "village.logs.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request logs carry paths and client addresses; Village keeps neither.
        "django.server": {"handlers": [], "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # SQL parameters hold contribution text: never log them, even with DEBUG on.
        "django.db.backends": {"handlers": [], "level": "INFO", "propagate": False},
    },
}
