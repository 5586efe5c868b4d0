"""Tandem's one settings module: everything an operator can change is a ``TANDEM_*`` variable.

Secure by default: with ``TANDEM_DEBUG`` unset, the app runs in production mode, refuses to
start without a secret key and sends HTTPS-only cookies, HSTS and a strict CSP. The local demo
(``TANDEM_DEMO=true``, what ``make run`` sets) generates a secret key under the data directory
and serves plain HTTP on loopback. Every variable is listed in ``docs/configuration.md``.
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from tandem.config.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = env_bool("TANDEM_DEBUG", False)
DEMO = env_bool("TANDEM_DEMO", False)
DATA_DIR = env_path("TANDEM_DATA_DIR", Path.cwd() / "var")


def _private_dir(path: Path) -> None:
    """Create ``path`` readable by this account only (0700) when it is missing.

    The data directory holds the database, its WAL, the secret key and (file backend)
    e-mails carrying sign-in links. A directory the operator created already is left as it is:
    its mode is theirs to choose (docs/operations.md, "Files and permissions").
    """
    if not path.is_dir():
        # mode= is masked by the umask, which can only take bits away: never wider than 0700.
        path.mkdir(mode=0o700, parents=True, exist_ok=True)


# Created here, before anything writes into it, so that nothing Tandem keeps there is readable by
# other accounts of the machine. Commands that need no data (e.g. `tandem whycheck compare`) must
# start even when it cannot be created; whatever needs it then reports the problem.
with contextlib.suppress(OSError):
    _private_dir(DATA_DIR)
# Served over HTTPS (directly or behind a TLS-terminating proxy): HTTPS-only cookies, HSTS, redirect.
HTTPS = env_bool("TANDEM_HTTPS", not (DEBUG or DEMO))


def _secret_key() -> str:
    key = env_secret("TANDEM_SECRET_KEY")
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("TANDEM_SECRET_KEY must be at least 50 characters long.")
        return key
    if not (DEBUG or DEMO):
        raise ImproperlyConfigured(
            "TANDEM_SECRET_KEY (or TANDEM_SECRET_KEY_FILE) is required in production mode. "
            "Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    # The local demo keeps a generated key under the data directory so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        _private_dir(DATA_DIR)
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "TANDEM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if (DEBUG or DEMO) else []
)
CSRF_TRUSTED_ORIGINS = env_list("TANDEM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "tandem.core",
    "tandem.strategy",
    "tandem.whycheck",
    "tandem.surveys",
    "tandem.governance",
    "tandem.delivery",
    "tandem.reviews",
    "tandem.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.core.middleware.SessionTimeoutMiddleware",
    "tandem.core.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tandem.core.middleware.ErrorPagesMiddleware",
    "tandem.core.middleware.DatabaseBusyMiddleware",
    "tandem.core.middleware.RefusalAuditMiddleware",
]

ROOT_URLCONF = "tandem.config.urls"
WSGI_APPLICATION = "tandem.config.wsgi.application"
AUTH_USER_MODEL = "core.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.core.context_processors.tandem",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
_database_url = env_str("TANDEM_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tandem.sqlite3'}"
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
except ValueError as error:
    raise ImproperlyConfigured(f"TANDEM_DATABASE_URL is not a database URL: {error}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock when a
    # transaction starts, so a writer waits (busy timeout) instead of failing mid-transaction
    # with "database is locked" when it upgrades a read lock.
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("TANDEM_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;PRAGMA cache_size=-20000"
        ),
    }
    if str(_database["NAME"]) != ":memory:":
        # Commands that need no database (e.g. `tandem whycheck compare`) must start even when this
        # directory cannot be created; the database itself then reports the problem when used.
        # The database files themselves are made 0600 when Tandem connects (tandem.core.receivers).
        with contextlib.suppress(OSError):
            _private_dir(Path(str(_database["NAME"])).parent)
DATABASES = {"default": _database}

CACHES = {
    "default": {
        # Shared by every worker process, so sign-in throttling counts across all of them.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tandem_cache",
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Memory each server process may give to whole pages kept under their organisation's data version
# (tandem.core.cache); 0 draws every page afresh.
PAGE_CACHE_BYTES = env_int("TANDEM_PAGE_CACHE_MB", 32, minimum=0) * 1024 * 1024

# --- Accounts (django-allauth) ----------------------------------------------------------------
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
ACCOUNT_ADAPTER = "tandem.core.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tandem] "
ACCOUNT_RATE_LIMITS = {
    # Per address and per account (the "key" is the e-mail address being tried).
    "login_failed": env_str("TANDEM_SIGNIN_RATE_LIMIT", "20/m/ip,5/5m/key"),
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TANDEM_TRUSTED_PROXY_COUNT", 0, minimum=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tandem"
LOGIN_REDIRECT_URL = "core:home"
LOGIN_URL = "account_login"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions -----------------------------------------------------------------------------------
SESSION_IDLE_TIMEOUT = env_int("TANDEM_SESSION_IDLE_MINUTES", 60, minimum=1) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("TANDEM_SESSION_MAX_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
INVITATION_TTL_DAYS = env_int("TANDEM_INVITATION_DAYS", 7, minimum=1)

# --- HTTPS and browser security -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
if HTTPS:
    # The __Host- prefix binds cookies to this exact host over HTTPS with path "/".
    SESSION_COOKIE_NAME = "__Host-tandem_session"
    CSRF_COOKIE_NAME = "__Host-tandem_csrf"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TANDEM_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("TANDEM_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TANDEM_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("TANDEM_HSTS_PRELOAD", False)
else:
    SESSION_COOKIE_NAME = "tandem_session"
    CSRF_COOKIE_NAME = "tandem_csrf"
if env_bool("TANDEM_BEHIND_PROXY", False):
    # Only behind a proxy that sets (and strips incoming) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS preload is a commitment (inclusion in browsers' lists) that the operator must choose;
# TANDEM_HSTS_PRELOAD=true opts in. Everything else in `check --deploy` passes by default.
_SILENCED_HSTS = [] if not HTTPS or SECURE_HSTS_PRELOAD else ["security.W021"]

# --- E-mail ----------------------------------------------------------------------------------------
# Production must say where e-mail goes: password resets, invitations and personal survey links are
# secrets, and the console and file backends hand them to whoever reads the log or the data directory.
# The demo and debug modes write them to the console unless told otherwise.
EMAIL_BACKEND_CHOSEN = env_str("TANDEM_EMAIL_BACKEND").strip() != ""
_email_backend = env_choice("TANDEM_EMAIL_BACKEND", "console", ("console", "smtp", "file"))
_mailers: dict[str, dict[str, Any]] = {
    "console": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
    "file": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
    },
}
_mailer: dict[str, Any] = _mailers.get(_email_backend, {})
if _email_backend == "smtp":
    _use_tls = env_bool("TANDEM_EMAIL_USE_TLS", True)
    _use_ssl = env_bool("TANDEM_EMAIL_USE_SSL", False)
    if _use_tls and _use_ssl:
        raise ImproperlyConfigured("Set TANDEM_EMAIL_USE_TLS or TANDEM_EMAIL_USE_SSL, not both.")
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("TANDEM_EMAIL_HOST", "localhost"),
            "port": env_int("TANDEM_EMAIL_PORT", 465 if _use_ssl else 587, minimum=1),
            "username": env_str("TANDEM_EMAIL_USER"),
            "password": env_secret("TANDEM_EMAIL_PASSWORD"),
            "use_tls": _use_tls,
            "use_ssl": _use_ssl,
            "timeout": env_int("TANDEM_EMAIL_TIMEOUT", 20, minimum=1),
        },
    }
MAILERS = {"default": _mailer}
# An explicit TANDEM_EMAIL_BACKEND=console or file is allowed in production (a trial, a mail relay
# that reads the files); it is refused only when nobody chose it (tandem.core.checks, at start-up).
# Django's deploy check calls such a backend an error; Tandem's own check (tandem.W001) warns instead
# and says that the links land in the log or the data directory, and `tandem serve` says so too.
_SILENCED_MAIL = ["mail.E001"] if _email_backend != "smtp" else []
DEFAULT_FROM_EMAIL = env_str("TANDEM_DEFAULT_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails (invitations) when no request is at hand, e.g. in the worker.
SITE_URL = env_str("TANDEM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Surveys -------------------------------------------------------------------------------------------
# The public response endpoint (personal survey links) accepts at most this many submissions per
# minute from one link and from one address, counted in each server process.
SURVEY_RATE_PER_LINK = env_int("TANDEM_SURVEY_RATE_PER_LINK", 10, minimum=1)
SURVEY_RATE_PER_ADDRESS = env_int("TANDEM_SURVEY_RATE_PER_ADDRESS", 600, minimum=1)

# --- Delivery ------------------------------------------------------------------------------------------
# The public end-user feedback door (its page and its API) accepts at most this many submissions per
# minute from one link and from one address, counted in each server process.
FEEDBACK_RATE_PER_LINK = env_int("TANDEM_FEEDBACK_RATE_PER_LINK", 120, minimum=1)
FEEDBACK_RATE_PER_ADDRESS = env_int("TANDEM_FEEDBACK_RATE_PER_ADDRESS", 30, minimum=1)

SILENCED_SYSTEM_CHECKS = _SILENCED_HSTS + _SILENCED_MAIL
# Flash messages live in the session: no extra cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tandem.formats"]  # dates per language; numbers follow Django's locales
TIME_ZONE = env_str("TANDEM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
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
# `tandem upgrade` collects static files; `tandem serve` does it too when they are missing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- API ----------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Logging -------------------------------------------------------------------------------------------
# Every line goes through one handler that masks the tokens of survey links, invitations and
# password resets (tandem.core.logs): Django logs the address of a refused request ("Not Found:
# /s/<token>/"). Django's own handlers for "django" and "django.server" are replaced by it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_secrets": {"()": "tandem.core.logs.ScrubSecrets"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub_secrets"]}
    },
    "root": {"handlers": ["console"], "level": env_str("TANDEM_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Language models ---------------------------------------------------------------------------------
# The sentence-embedding engine every app compares text with (the why check, survey free text; see
# docs/text.md): default (= combined), combined, e5, use, lexical. TANDEM_WHYCHECK_EMBEDDER is the
# older name of the same setting, still read when the new one is unset.
TEXT_EMBEDDER = env_str("TANDEM_TEXT_EMBEDDER", env_str("TANDEM_WHYCHECK_EMBEDDER", "default"))

# --- Benchmarks ---------------------------------------------------------------------------------------
# Mounts /bench/floor (a bare view running one query) to measure the framework floor.
BENCH_FLOOR = env_bool("TANDEM_BENCH_FLOOR", False)

# --- Local demo ----------------------------------------------------------------------------------------
# Password of the demo people; generated and kept under TANDEM_DATA_DIR when unset.
DEMO_PASSWORD = env_secret("TANDEM_DEMO_PASSWORD")
