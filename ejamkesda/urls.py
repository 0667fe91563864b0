from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from ejamkesda.accounts.urls import passkey_patterns
from ejamkesda.core import views as core_views

urlpatterns = [
    # First: machine clients call these thousands of times a second (docs/integrasi-api.md).
    path("", include("ejamkesda.api.urls")),
    path("", include("ejamkesda.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", core_views.favicon),
    # Short public address of the aggregate coverage page (no personal data).
    path("cakupan/", RedirectView.as_view(pattern_name="coverage:public", permanent=False)),
    path("akun/passkey/", include((passkey_patterns, "otp_webauthn"))),
    path("akun/", include("ejamkesda.accounts.urls")),
    # The admin's own login form would skip the staff sign-in steps: send it to ours.
    path(f"{settings.ADMIN_URL}login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("app/", include("ejamkesda.core.urls")),
    path("app/peserta/", include("ejamkesda.participants.urls")),
    path("app/ppk/", include("ejamkesda.providers.urls")),
    path("app/impor/", include("ejamkesda.jobs.urls")),
    path("app/audit/", include("ejamkesda.audit.urls")),
    path("app/layanan/", include("ejamkesda.services.urls")),
    path("kepesertaan-jamkesda/", include("ejamkesda.enrolment.urls")),
    path("pengaduan/", include("ejamkesda.complaints.urls")),
    path("app/kotak-masuk/", include("ejamkesda.notifications.urls")),
    path("app/dana/", include("ejamkesda.funds.urls")),
    path("app/cakupan/", include("ejamkesda.coverage.urls")),
    path("app/privasi/", include("ejamkesda.privacy.urls")),
    path("app/token-api/", include("ejamkesda.api.web_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
