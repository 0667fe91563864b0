from __future__ import annotations

from django.urls import path

from ejamkesda.enrolment import views

app_name = "enrolment"
urlpatterns = [
    path("ajukan/", views.apply, name="apply"),
    path("ajukan/cek/", views.precheck, name="precheck"),
    path("ajukan/terkirim/", views.submitted, name="submitted"),
    path("lacak/", views.track, name="track"),
    path("upt/", views.desk, name="desk"),
    path("upt/<int:pk>/", views.detail, name="detail"),
    path("upt/<int:pk>/setujui/", views.approve, name="approve"),
    path("upt/<int:pk>/tolak/", views.reject, name="reject"),
    path("upt/dokumen/<int:pk>/", views.document, name="document"),
    path("upt/usulan-pbpu-bp-pemda.xlsx", views.export_pbpu, name="export_pbpu"),
]
