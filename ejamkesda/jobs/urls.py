from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ejamkesda.jobs import views
from ejamkesda.participants import views_import

app_name = "jobs"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/progres/", views.job_progress, name="progress"),
    path("<int:job_id>/kesalahan.<str:fmt>", views.job_error_report, name="error_report"),
    path("<int:job_id>/ulang/", views.job_rerun_view, name="rerun"),
    path("peserta/unggah/", views_import.participant_import_upload, name="participants_upload"),
]
