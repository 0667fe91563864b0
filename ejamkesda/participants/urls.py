from __future__ import annotations

from django.urls import path

from ejamkesda.participants import views

app_name = "participants"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("<int:pk>/", views.person_detail, name="detail"),
]
