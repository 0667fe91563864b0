"""A URLconf with only the apps these tests need: used when the project URLconf cannot be
imported while other apps are being built in parallel (see ``urlconf_guard``)."""

from __future__ import annotations

import importlib

from django.urls import include, path

urlpatterns = [path("i18n/", include("django.conf.urls.i18n"))]
for prefix, module in [
    ("", "ejamkesda.portal.urls"),
    ("akun/", "ejamkesda.accounts.urls"),
    ("app/", "ejamkesda.core.urls"),
    ("kepesertaan-jamkesda/", "ejamkesda.enrolment.urls"),
    ("pengaduan/", "ejamkesda.complaints.urls"),
    ("app/kotak-masuk/", "ejamkesda.notifications.urls"),
]:
    try:
        importlib.import_module(module)
    except ImportError:  # pragma: no cover - somebody else's work in progress
        continue
    urlpatterns.append(path(prefix, include(module)))
