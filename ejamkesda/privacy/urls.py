from __future__ import annotations

from django.urls import path

from ejamkesda.privacy import views

app_name = "privacy"
urlpatterns = [
    path("permintaan-data/", views.subject_request, name="subject_request"),
]
