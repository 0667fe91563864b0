from __future__ import annotations

from django.urls import path

from ejamkesda.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("cek-kepesertaan/", views.membership_check, name="check"),
    path("faskes/", views.directory, name="directory"),
    path("faskes/<int:pk>/", views.directory_detail, name="directory_detail"),
    path("informasi/", views.info_index, name="info"),
    path("informasi/<slug:slug>/", views.info_detail, name="info_detail"),
]
