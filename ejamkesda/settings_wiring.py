"""The fixed wiring of the project: installed apps, middleware stacks and templates.

Split from ``ejamkesda/settings.py``, which imports these names and stays the one module that
reads the environment; nothing here depends on the deployment.
"""

from __future__ import annotations

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_altcha",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_tasks",
    "django_tasks_db",
    "ejamkesda.core",
    "ejamkesda.accounts",
    "ejamkesda.audit",
    "ejamkesda.jobs",
    "ejamkesda.regions",
    "ejamkesda.providers",
    "ejamkesda.participants",
    "ejamkesda.portal",
    "ejamkesda.services",
    "ejamkesda.enrolment",
    "ejamkesda.complaints",
    "ejamkesda.notifications",
    "ejamkesda.funds",
    "ejamkesda.coverage",
    "ejamkesda.api",
    "ejamkesda.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ejamkesda.core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "ejamkesda.audit.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
    # After authentication, OTP and messages: idle timeout, second factor, forced password
    # change, Cache-Control on staff pages (ejamkesda/accounts/middleware.py).
    "ejamkesda.accounts.middleware.StaffSessionMiddleware",
]
# Token-authenticated API and FHIR calls (/api/v1/…, /fhir/…) need no session, CSRF,
# language, messages, htmx, rate-limit page or login lockout: the WSGI entry point sends
# them through this short stack (ejamkesda/api/lean.py; same URLconf, views and checks).
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ejamkesda.core.middleware.ApiSecurityHeadersMiddleware",
    "ejamkesda.audit.middleware.RequestContextMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ejamkesda" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ejamkesda.core.context.site",
                "ejamkesda.notifications.context.inbox",
            ],
            # `angka` and `rupiah` filters on every page (ejamkesda/core/numbers.py).
            "builtins": ["ejamkesda.core.templatetags.numbers"],
        },
    }
]
