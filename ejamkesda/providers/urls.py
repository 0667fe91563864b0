from __future__ import annotations

from django.urls import path

from ejamkesda.providers import views

app_name = "providers"
urlpatterns = [
    path("", views.provider_list, name="list"),
    path("baru/", views.provider_create, name="create"),
    path("<int:pk>/", views.provider_detail, name="detail"),
    path("<int:pk>/ubah/", views.provider_edit, name="edit"),
]
