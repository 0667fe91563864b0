from __future__ import annotations

from django.urls import path

from ejamkesda.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.file, name="file"),
    path("terkirim/", views.filed, name="filed"),
    path("lacak/", views.track, name="track"),
    path("upt/", views.desk, name="desk"),
    path("upt/<int:pk>/", views.detail, name="detail"),
    path("upt/<int:pk>/tugaskan/", views.assign, name="assign"),
    path("upt/<int:pk>/jawab/", views.respond, name="respond"),
    path("upt/<int:pk>/tutup/", views.close, name="close"),
    path("upt/<int:pk>/lampiran/", views.attachment, name="attachment"),
]
