"""Settings for e-Jamkesda, read from environment variables only.

Every variable is documented in README.md ("Konfigurasi"). Two modes:

* ``EJAMKESDA_ENV=development`` (default): DEBUG on, SQLite in ``var/``, a generated
  secret kept in ``var/secret_key`` so sessions survive restarts.
* ``EJAMKESDA_ENV=production``: DEBUG off, ``SECRET_KEY``/``SECRET_KEY_FILE`` and
  ``ALLOWED_HOSTS`` required, HTTPS-only cookies, HSTS; ``manage.py check --deploy`` is clean.

Perbup PPU 29/2016 Pasal 11 keeps the data on the regency's own server, so
nothing here reaches outside: no CDN, no external service unless configured.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EJAMKESDA_VAR_DIR", BASE_DIR / "var"))
ENV = os.environ.get("EJAMKESDA_ENV", "development")
if ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("EJAMKESDA_ENV harus development, production, atau test")
PRODUCTION = ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "ya", "on"}


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if key_file := os.environ.get("SECRET_KEY_FILE"):
        return Path(key_file).read_text(encoding="utf-8").strip()
    if PRODUCTION:
        raise ImproperlyConfigured("Produksi membutuhkan SECRET_KEY atau SECRET_KEY_FILE")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", not PRODUCTION and ENV != "test")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Produksi membutuhkan ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
# Absolute address of the site (scheme and host, no trailing slash), put in front of every
# link in e-mails and SMS/WhatsApp messages: a mail client cannot follow "/kepesertaan-…".
# Never taken from the request's Host header. Production without it: https:// and the
# first ALLOWED_HOSTS entry.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or (
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
)

# The deployment serves one regency (Kemendagri code, e.g. "64.09" = Penajam Paser Utara).
REGENCY_CODE = os.environ.get("REGENCY_CODE", "64.09")
# Perbup PPU 29/2016 Pasal 7 ayat (4) huruf d: copyright of the application and its source
# code belongs to the regional government; shown in the footer, README and NOTICE.
COPYRIGHT_HOLDER = os.environ.get("COPYRIGHT_HOLDER", "Pemerintah Kabupaten Penajam Paser Utara")

# --- Universal coverage (Instruksi Bupati Tegal 379/2022) --------------------------------
# The regency's own instruction document loaded by `seed_instruction_tasks`: a bundled name
# (`tegal_379_2022`, `ppu_contoh_demo`) or a path to a JSON file (docs/cakupan-uhc.md §8).
COVERAGE_INSTRUCTION_FILE = os.environ.get("COVERAGE_INSTRUCTION_FILE", "")
# KEDUA 6a: number of PBI JK places the regency funds (empty = no quota set: every eligible
# person is proposed within quota); replacements pair removals and additions inside it.
COVERAGE_PBI_QUOTA: int | None = (
    int(os.environ["COVERAGE_PBI_QUOTA"]) if os.environ.get("COVERAGE_PBI_QUOTA", "").strip() else None
)
# KEDUA 6a: a recipient with an SJP, admission or claim in the last N days is checked before removal.
COVERAGE_PBI_CARE_DAYS = int(os.environ.get("COVERAGE_PBI_CARE_DAYS", "90"))
# KEDUA 2a: the regency's contribution to PBI JK premiums per person and month "sesuai
# kapasitas fiskal daerah", with its legal basis and the fiscal-capacity class it follows.
COVERAGE_PBI_CONTRIBUTION_RUPIAH = int(os.environ.get("COVERAGE_PBI_CONTRIBUTION_RUPIAH", "0"))
COVERAGE_PBI_CONTRIBUTION_BASIS = os.environ.get(
    "COVERAGE_PBI_CONTRIBUTION_BASIS",
    "Instruksi Bupati Tegal 379/2022 KEDUA 2a; isi besaran sesuai ketetapan kapasitas fiskal daerah yang berlaku",
)
COVERAGE_FISCAL_CAPACITY = os.environ.get("COVERAGE_FISCAL_CAPACITY", "")
# KEDUA 23i: collection attempts BPJS must record before a bill is handed over to BPKAD.
COVERAGE_RECEIVABLE_MIN_ATTEMPTS = int(os.environ.get("COVERAGE_RECEIVABLE_MIN_ATTEMPTS", "2"))

# Apps, middleware and templates: the fixed wiring of the project, no environment in it.
from ejamkesda.settings_wiring import API_MIDDLEWARE, INSTALLED_APPS, MIDDLEWARE, TEMPLATES  # noqa: E402, F401

ROOT_URLCONF = "ejamkesda.urls"
# Django admin (superusers only) lives at a configurable, non-obvious path.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin-sistem/")
WSGI_APPLICATION = "ejamkesda.wsgi.application"

# Field labels start with a capital letter whatever the verbose name (ejamkesda/core/renderers.py).
FORM_RENDERER = "ejamkesda.core.renderers.FormRenderer"

# --- Database -----------------------------------------------------------------------
# SQLite is the embedded zero-set-up default; PostgreSQL (DATABASE_URL) is production.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ejamkesda.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout so the web server and the task worker can share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif _env_bool("DB_PREPARED_STATEMENTS", True):
    # PostgreSQL: let hot queries that ask for it (the eligibility look-up) run as prepared
    # statements. Django's own queries bind on the client and are never prepared. Turn off
    # behind a pooler in transaction mode that drops them (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, lockout) -----------------------------------------------------
# Rate limits must be shared by all server processes: Redis in production (REDIS_URL),
# the database cache otherwise.
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
elif ENV == "test":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ejamkesda_cache"}}

# --- Background tasks (imports, matching, distribution runs) -------------------------
# A management command first; the web enqueues the same code. The worker is
# `manage.py db_worker` (started by `make run`); tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if ENV == "test" else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENV == "test":
    # Tests create many users; argon2 on every factory user would dominate the run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
# Lock a username per client address, so one office behind NAT is not locked out by one
# person and a guesser cannot dodge the limit by rotating user agents.
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# Attempts are reset only when the whole sign-in (password AND second factor) succeeds
# (ejamkesda/accounts/signin.py): a correct password alone must not wipe the count of
# failed one-time codes.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLED = _env_bool("AXES_ENABLED", True)
# Besides the (address, username) lock above: failures for one username from ALL
# addresses together (passwords and one-time codes). From the first number on, each
# attempt must wait a growing pause; at the second the username is locked for
# AXES_COOLOFF_TIME (docs/tinjauan-keamanan.md, "Masuk petugas").
LOGIN_USERNAME_SLOWDOWN_AFTER = int(os.environ.get("LOGIN_USERNAME_SLOWDOWN_AFTER", "10"))
LOGIN_USERNAME_LOCK_AFTER = int(os.environ.get("LOGIN_USERNAME_LOCK_AFTER", "30"))

# Second factor (django-otp): TOTP apps, WebAuthn passkeys, one-time recovery codes.
# Always required for UPT admins, UPT verifiers, treasurers and superusers; for every role
# when SECOND_FACTOR_ALL_ROLES is on (default in production). A user who has enrolled a
# factor is always asked for it.
SECOND_FACTOR_ALL_ROLES = _env_bool("SECOND_FACTOR_ALL_ROLES", ENV != "development")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "e-Jamkesda")
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10
# WebAuthn relying party: the public host name of the site (passkeys are bound to it).
# Browsers allow passkeys without HTTPS only on http://localhost (the demo: open
# http://localhost:8000 rather than 127.0.0.1 to try one).
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", ALLOWED_HOSTS[0] if PRODUCTION else "localhost")
OTP_WEBAUTHN_RP_NAME = "e-Jamkesda"
OTP_WEBAUTHN_ALLOWED_ORIGINS = _env_list(
    "WEBAUTHN_ALLOWED_ORIGINS", f"https://{OTP_WEBAUTHN_RP_ID}" if PRODUCTION else "http://localhost:8000"
)
# A passkey is a second factor after the password, never a way around it.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# --- Internationalisation: Bahasa Indonesia first, English available -----------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ejamkesda" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files: everything served by the app, no CDN ------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "ejamkesda" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-public/"  # uploads are private; served only through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads (claim attachments, import files) hold personal data: readable by the service
# account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "200")) * 1024 * 1024

# --- Services: SJP, claims (typed view: ejamkesda/services/conf.py) --------------------
SJP_EMERGENCY_WINDOW_HOURS = _env_int("SJP_EMERGENCY_WINDOW_HOURS", 72)
CLAIM_VERIFICATION_SLA_DAYS = _env_int("CLAIM_VERIFICATION_SLA_DAYS", 15)
CLAIM_PAYMENT_SLA_DAYS = _env_int("CLAIM_PAYMENT_SLA_DAYS", 30)
CLAIM_ATTACHMENT_MAX_MB = _env_int("CLAIM_ATTACHMENT_MAX_MB", 5)
SERVICES_UPLOAD_MAX_MB = _env_int("SERVICES_UPLOAD_MAX_MB", 20)

# --- Staff home pages (ejamkesda/core/home.py) -----------------------------------------
# Days within which a complaint should be answered (the office's standar pelayanan); older
# unanswered complaints are listed as overdue on the UPT admin's home.
COMPLAINT_ANSWER_DAYS = _env_int("COMPLAINT_ANSWER_DAYS", 14)
# Coverage checks by NIK from the PPK operator's home, per signed-in user.
STAFF_CHECK_RATE_PER_USER = os.environ.get("STAFF_CHECK_RATE_PER_USER", "60/m")

# --- Public portal (typed view: ejamkesda/portal/conf.py) -------------------------------
PORTAL_OFFICE_NAME = os.environ.get("PORTAL_OFFICE_NAME", "UPT Jaminan Kesehatan Daerah, Dinas Kesehatan")
# The demo (EJAMKESDA_ENV=development, `make run`) shows a filled contact page with
# example values; an installation sets its own office's address, phone and e-mail.
_DEMO_CONTACT = ENV == "development"
PORTAL_CONTACT_ADDRESS = os.environ.get(
    "PORTAL_CONTACT_ADDRESS",
    "Jl. Provinsi Km. 9, Nipah-Nipah, Penajam, Kabupaten Penajam Paser Utara 76142" if _DEMO_CONTACT else "",
)
PORTAL_CONTACT_PHONE = os.environ.get("PORTAL_CONTACT_PHONE", "0542 7210 000" if _DEMO_CONTACT else "")
PORTAL_CONTACT_EMAIL = os.environ.get("PORTAL_CONTACT_EMAIL", "upt-jamkesda@example.org" if _DEMO_CONTACT else "")
# Shown translated when it is the default (ejamkesda/portal/i18n_labels.py).
PORTAL_OFFICE_HOURS = os.environ.get("PORTAL_OFFICE_HOURS", "Senin–Jumat, 08.00–16.00")
PORTAL_DIRECTORY_PAGE_SIZE = _env_int("PORTAL_DIRECTORY_PAGE_SIZE", 20)

# --- Imports and uploaded tables (typed view: ejamkesda/jobs/conf.py) ----------------------
IMPORT_BATCH_SIZE = _env_int("IMPORT_BATCH_SIZE", 0)  # 0: each importer's own size
IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 2_000_000)
IMPORT_MAX_COLUMNS = _env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_XLSX_MAX_UNCOMPRESSED_MB = _env_int("IMPORT_XLSX_MAX_UNCOMPRESSED_MB", 1024)
IMPORT_XLSX_MAX_RATIO = _env_int("IMPORT_XLSX_MAX_RATIO", 200)
IMPORT_MAX_ERRORS = _env_int("IMPORT_MAX_ERRORS", 100_000)
IMPORT_DIR = os.environ.get("IMPORT_DIR", "")  # empty: MEDIA_ROOT/impor
IMPORT_BULK_LOAD = _env_bool("IMPORT_BULK_LOAD", True)
IMPORT_BULK_LOAD_MIN_MB = float(os.environ.get("IMPORT_BULK_LOAD_MIN_MB", "10"))
IMPORT_REBUILD_CONNECTIONS = _env_int("IMPORT_REBUILD_CONNECTIONS", 2)
IMPORT_VALIDATE_PROCESS = _env_bool("IMPORT_VALIDATE_PROCESS", True)
IMPORT_PARALLEL_WRITES = _env_bool("IMPORT_PARALLEL_WRITES", True)
# A table parsed inside a web request (bulk claims, tariffs, attendance, rosters).
UPLOAD_TABLE_MAX_ROWS = _env_int("UPLOAD_TABLE_MAX_ROWS", 20_000)
UPLOAD_TABLE_MAX_MB = _env_int("UPLOAD_TABLE_MAX_MB", 20)
UPLOAD_TABLE_MAX_UNCOMPRESSED_MB = _env_int("UPLOAD_TABLE_MAX_UNCOMPRESSED_MB", 50)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # absolute: a sign-in lasts at most one working day
# Idle: a staff session unused this long is signed out (ejamkesda/accounts/middleware.py).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT_MINUTES", "30")) * 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
    if _env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The ALTCHA widget (public look-ups, served from our static files) solves its proof of work
# in a Web Worker it builds from a blob: URL, and adds one fixed <style> block to the page:
# allowed by ``worker-src blob:`` and by that block's hash only (checked in headless Chromium;
# docs/tinjauan-keamanan.md). A new django-altcha version may change the hash.
ALTCHA_WIDGET_STYLE_HASH = "'sha256-pg+oQARqMq4wCazyrsMt8HY89BJkXkEFkwNWxg2iPdg='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "style-src": ["'self'", ALTCHA_WIDGET_STYLE_HASH],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Public membership check: per client and per NIK (Perbup PPU 29/2016 Pasal 7 aplikasi umum;
# docs/arsitektur.md: a public lookup reveals the minimum and is rate-limited).
RATELIMIT_ENABLE = _env_bool("RATELIMIT_ENABLE", True)
# Where the client's address is read from. Behind a reverse proxy set it to the header
# the proxy writes (e.g. HTTP_X_REAL_IP), or every resident shares the proxy's limit.
# The same key feeds the rate limits, the login lockout and the audit log.
CLIENT_IP_META_KEY = os.environ.get("CLIENT_IP_META_KEY", "REMOTE_ADDR")
RATELIMIT_IP_META_KEY = CLIENT_IP_META_KEY
AXES_IPWARE_META_PRECEDENCE_ORDER = (CLIENT_IP_META_KEY, "REMOTE_ADDR")
RATELIMIT_VIEW = "ejamkesda.portal.views.ratelimited"
PUBLIC_CHECK_RATE_PER_CLIENT = os.environ.get("PUBLIC_CHECK_RATE_PER_CLIENT", "10/m")
PUBLIC_CHECK_RATE_PER_NIK = os.environ.get("PUBLIC_CHECK_RATE_PER_NIK", "5/h")

# Public look-ups (membership check, application pre-check) ask for a proof-of-work
# challenge (ALTCHA, self-hosted: no outside service) once one client address has made
# PUBLIC_CHALLENGE_AFTER attempts within PUBLIC_CHALLENGE_WINDOW_SECONDS (docs/portal-publik.md).
PUBLIC_CHALLENGE_AFTER = int(os.environ.get("PUBLIC_CHALLENGE_AFTER", "3"))
PUBLIC_CHALLENGE_WINDOW_SECONDS = int(os.environ.get("PUBLIC_CHALLENGE_WINDOW_SECONDS", "3600"))
ALTCHA_HMAC_KEY = os.environ.get("ALTCHA_HMAC_KEY") or hmac.new(SECRET_KEY.encode(), b"altcha", "sha256").hexdigest()
ALTCHA_CHALLENGE_EXPIRE = int(os.environ.get("ALTCHA_CHALLENGE_EXPIRE_SECONDS", "600")) * 1000
# Work the browser does: up to this many SHA-256 hashes (about a second on a phone at 100,000).
PUBLIC_CHALLENGE_MAX_NUMBER = int(os.environ.get("PUBLIC_CHALLENGE_MAX_NUMBER", "100000"))

# --- API tokens and per-token rate limits (docs/integrasi-api.md) ----------------------
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("API_TOKEN_DEFAULT_DAYS", "365"))
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))
API_RATE_LIMIT_ENABLE = _env_bool("API_RATE_LIMIT_ENABLE", True)
# Requests per token and rate group (fixed window; "N/s", "N/m", "N/h", "N/d").
API_RATE_LIMITS = {
    "eligibility": os.environ.get("API_RATE_ELIGIBILITY", "20/s"),
    "person": os.environ.get("API_RATE_PERSON", "30/m"),
    "write": os.environ.get("API_RATE_WRITE", "5/s"),
    "read": os.environ.get("API_RATE_READ", "10/s"),
}
# Person look-ups by NIK (name and birth date) per token and day; past it UPT admins are told.
API_PERSON_LOOKUP_DAILY_QUOTA = int(os.environ.get("API_PERSON_LOOKUP_DAILY_QUOTA", "500"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "e-jamkesda@localhost")

# --- Personal data from upload to backup (UU 27/2022; docs/pelindungan-data.md) ------
# Backups are encrypted to these age public keys (comma-separated "age1…"); the private key
# stays on the data officer's offline machine (docs/operasional.md, "Cadangan dan pemulihan").
BACKUP_AGE_RECIPIENTS = [key.strip() for key in os.environ.get("BACKUP_AGE_RECIPIENTS", "").split(",") if key.strip()]
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_PG_DUMP = os.environ.get("BACKUP_PG_DUMP", "pg_dump")
BACKUP_PG_RESTORE = os.environ.get("BACKUP_PG_RESTORE", "pg_restore")
BACKUP_TOOL_PATH = os.environ.get("BACKUP_TOOL_PATH", "/usr/local/bin:/usr/bin:/bin")
# Days an uploaded file is kept after its case is closed (0 = kept; reasons in
# docs/pelindungan-data.md, "Masa simpan").
RETENTION_DAYS = {
    "application_documents": int(os.environ.get("RETENTION_APPLICATION_DOCUMENTS_DAYS", "180")),
    "complaint_attachments": int(os.environ.get("RETENTION_COMPLAINT_ATTACHMENTS_DAYS", "365")),
    "import_files": int(os.environ.get("RETENTION_IMPORT_FILES_DAYS", "30")),
    "claim_attachments": int(os.environ.get("RETENTION_CLAIM_ATTACHMENTS_DAYS", "3650")),
}

# --- Application settings (each app's conf.py reads these at call time) ---------------
# API (docs/integrasi-api.md): token cache and last-used interval, eligibility audit.
API_TOKEN_CACHE_SECONDS = float(os.environ.get("API_TOKEN_CACHE_SECONDS", "30"))
API_TOKEN_LAST_USED_SECONDS = float(os.environ.get("API_TOKEN_LAST_USED_SECONDS", "60"))
API_AUDIT_ELIGIBILITY = _env_bool("API_AUDIT_ELIGIBILITY", True)
API_AUDIT_ASYNC_COMMIT = _env_bool("API_AUDIT_ASYNC_COMMIT", True)
API_AUDIT_BATCH_SIZE = int(os.environ.get("API_AUDIT_BATCH_SIZE", "0" if ENV == "test" else "100"))
API_AUDIT_FLUSH_SECONDS = float(os.environ.get("API_AUDIT_FLUSH_SECONDS", "0.5"))
API_AUDIT_MAX_PENDING = int(os.environ.get("API_AUDIT_MAX_PENDING", "1000"))
API_IDEMPOTENCY_DAYS = int(os.environ.get("API_IDEMPOTENCY_DAYS", "7"))
FHIR_BASE_URL = os.environ.get("FHIR_BASE_URL", "")
# Notifications (README): SMS/WhatsApp gateway class, absolute site address for e-mail links.
NOTIFICATION_GATEWAY = os.environ.get("NOTIFICATION_GATEWAY", "").strip()
# NOTIFICATION_BASE_URL is the older name of SITE_URL for e-mail links; SITE_URL when unset.
NOTIFICATION_BASE_URL = os.environ.get("NOTIFICATION_BASE_URL", "").strip().rstrip("/") or SITE_URL
NOTIFICATION_EMAIL_USERS = _env_bool("NOTIFICATION_EMAIL_USERS", True)
# Enrolment and complaints (README).
ENROLMENT_MAX_UPLOAD_MB = int(os.environ.get("ENROLMENT_MAX_UPLOAD_MB", "5"))
ENROLMENT_VALIDITY_MONTHS = int(os.environ.get("ENROLMENT_VALIDITY_MONTHS", "12"))
# Minutes a good document stays held for the retry of a public form that had errors.
ENROLMENT_HOLD_MINUTES = int(os.environ.get("ENROLMENT_HOLD_MINUTES", "60"))
PUBLIC_FORM_RATE = os.environ.get("PUBLIC_FORM_RATE", "10/h")
PUBLIC_TRACK_RATE = os.environ.get("PUBLIC_TRACK_RATE", "30/h")
# Coverage (docs/cakupan-uhc.md).
COVERAGE_MAX_ERRORS_KEPT = int(os.environ.get("COVERAGE_MAX_ERRORS_KEPT", "1000"))
COVERAGE_PBI_DECILES = os.environ.get("COVERAGE_PBI_DECILES", "1-4")
COVERAGE_SOCIAL_AGENCY_CODE = os.environ.get("COVERAGE_SOCIAL_AGENCY_CODE", "DINSOS")
COVERAGE_PBI_SEGMENTS = os.environ.get("COVERAGE_PBI_SEGMENTS", "pbi_apbn,pbpu_bp_pemda")
COVERAGE_MATCH_ACCEPT = os.environ.get("COVERAGE_MATCH_ACCEPT", "0.90")
COVERAGE_MATCH_REVIEW = os.environ.get("COVERAGE_MATCH_REVIEW", "0.60")
COVERAGE_MATCHER = os.environ.get("COVERAGE_MATCHER", "engine")
COVERAGE_EVIDENCE_MAX_BYTES = int(os.environ.get("COVERAGE_EVIDENCE_MAX_MB", "10")) * 1024 * 1024
# BPJS Kesehatan bridge (docs/integrasi-api.md; typed view: ejamkesda/bpjs/conf.py).
_BPJS_USER_KEY = os.environ.get("BPJS_USER_KEY", "")
BPJS = {
    "cons_id": os.environ.get("BPJS_CONS_ID", ""),
    "secret": os.environ.get("BPJS_SECRET", ""),
    "user_key_vclaim": os.environ.get("BPJS_USER_KEY_VCLAIM", _BPJS_USER_KEY),
    "user_key_pcare": os.environ.get("BPJS_USER_KEY_PCARE", _BPJS_USER_KEY),
    "vclaim_url": os.environ.get("BPJS_VCLAIM_URL", "").rstrip("/"),
    "pcare_url": os.environ.get("BPJS_PCARE_URL", "").rstrip("/"),
    "pcare_username": os.environ.get("BPJS_PCARE_USERNAME", ""),
    "pcare_password": os.environ.get("BPJS_PCARE_PASSWORD", ""),
    "pcare_app_code": os.environ.get("BPJS_PCARE_APP_CODE", "095"),
    "timeout": float(os.environ.get("BPJS_TIMEOUT_SECONDS", "5")),
    "retries": int(os.environ.get("BPJS_RETRIES", "2")),
    "backoff": float(os.environ.get("BPJS_BACKOFF_SECONDS", "0.3")),
    "breaker_threshold": int(os.environ.get("BPJS_BREAKER_FAILURES", "5")),
    "breaker_cooldown": float(os.environ.get("BPJS_BREAKER_COOLDOWN_SECONDS", "60")),
    "cache_seconds": int(os.environ.get("BPJS_CACHE_SECONDS", "300")),
}
# Matching engine (docs/pemadanan.md): accept and review thresholds, 0..1.
EJAMKESDA_MATCH_THRESHOLD = float(os.environ.get("EJAMKESDA_MATCH_THRESHOLD", "0.5"))
EJAMKESDA_MATCH_REVIEW_THRESHOLD = float(os.environ.get("EJAMKESDA_MATCH_REVIEW_THRESHOLD", "0.2"))

# --- Logging: the NIK never reaches a log line ----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_nik": {"()": "ejamkesda.core.logging.RedactNikFilter"}},
    # The formatter redacts the whole formatted line, tracebacks included.
    "formatters": {"redacting": {"()": "ejamkesda.core.logging.RedactingFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_nik"], "formatter": "redacting"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
