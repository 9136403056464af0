"""Settings for Spec Studio. Every deployment-specific value comes from the environment
(see `.env.example`)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from studio.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("STUDIO_VAR_DIR", str(BASE_DIR / "var")))
# The studio's own bare clone of each spec's git target lives here.
GIT_DATA_DIR = Path(env_str("STUDIO_GIT_DIR", str(VAR_DIR / "git")))
GIT_COMMITTER_NAME = "Spec Studio"
GIT_COMMITTER_EMAIL = "studio@localhost"
# Export time limits, in seconds. One git command: below gunicorn's 30 s worker timeout. The
# export that follows a merge when it runs in the web request (immediate task backend): in all.
# A running export renews its lease every third of EXPORT_LEASE; a stopped worker's lapses.
GIT_TIMEOUT = env_int("STUDIO_GIT_TIMEOUT", 20)
GIT_MERGE_TIMEOUT = env_int("STUDIO_GIT_MERGE_TIMEOUT", 5)
EXPORT_LEASE = env_int("STUDIO_EXPORT_LEASE", 60)

DEBUG = env_bool("DEBUG", default=False)
_DEV_SECRET = "django-insecure-dev-only-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SECRET_KEY must be set to a real secret when DEBUG is off.")

# Folders under which a git target may be a local repository (a path or file:// URL). None
# by default in production: a workspace must not read another's files from the server's disk.
GIT_LOCAL_ROOTS = [
    Path(root) for root in env_list("STUDIO_GIT_LOCAL_ROOTS", ["/"] if DEBUG else [])
]
if any(not root.is_absolute() for root in GIT_LOCAL_ROOTS):
    raise ImproperlyConfigured("STUDIO_GIT_LOCAL_ROOTS must list absolute paths.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "specs_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "studio.middleware.NoStoreForSignedInMiddleware",
    "studio.middleware.MethodNotAllowedPageMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "studio.urls"
WSGI_APPLICATION = "studio.wsgi.application"

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
                "specs_app.context_processors.inbox",
            ],
        },
    },
]

_SQLITE_URL = f"sqlite:///{VAR_DIR / 'studio.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _SQLITE_URL) or _SQLITE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting for a lock beats failing with "database is locked" when two requests write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Derived data that never goes stale (exports, lint findings and diffs of published revisions,
# see specs_app/services/cache.py), kept in each process's memory. Entries are never wrong,
# only evicted: a third go once there are more than MAX_ENTRIES. An entry of a 1000-endpoint
# spec weighs a few MB (its export, its rendered markdown), hence the low count.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 100},
    }
}

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
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

AUTHENTICATION_BACKENDS = [
    # First: it refuses every sign-in of a locked-out username and address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
CSRF_FAILURE_VIEW = "studio.errors.csrf_failure"

# Two pasted spec files of up to 4 MB each (the readers' limit), form-encoded; uploads do not
# count here. Anything larger is refused with the 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "specs_app:workspace_list"
LOGOUT_REDIRECT_URL = "login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Production hardening; `manage.py check --deploy` is clean with DEBUG off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Background work (git exports) through the tasks API: run inline by default (development,
# tests, a single machine); "database" queues them for `python manage.py db_worker`.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_TASKS_BACKEND = env_str("STUDIO_TASKS_BACKEND", "immediate")
if _TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"STUDIO_TASKS_BACKEND={_TASKS_BACKEND!r}: use one of {', '.join(_TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_TASKS_BACKEND]}}

# Notification emails (sent after commit through the tasks backend), by Django's email
# framework: printed on the console by default; set EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend and the EMAIL_HOST... settings to send them.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Spec Studio <studio@localhost>")
# The site's address as people reach it: the links in emails are absolute.
SITE_URL = env_str("STUDIO_SITE_URL", "http://127.0.0.1:8000")

# Sign-in throttling (django-axes, on the login page and the admin's): after LOGIN_FAILURE_LIMIT
# wrong passwords for one username from one address, that pair is refused (even the right
# password) until LOGIN_COOLOFF_MINUTES after its last failure.
AXES_ENABLED = env_bool("LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "studio.errors.locked_out"
# Where the client address comes from: REMOTE_ADDR, or behind a proxy the header it sets
# (e.g. HTTP_X_FORWARDED_FOR), never a header a client can send through the proxy itself.
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("LOGIN_CLIENT_IP_HEADERS", ["REMOTE_ADDR"])

# Content-Security-Policy (django-csp): our own origin only, no inline script or style.
# htmx's indicator styles are off (see the htmx-config meta tag in templates/_base.html);
# Bootstrap's icons are data: images in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
