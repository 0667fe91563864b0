from __future__ import annotations

from django.urls import path

from ejamkesda.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/baca/", views.mark_read, name="mark_read"),
    path("baca-semua/", views.mark_all_read, name="mark_all_read"),
    path("jumlah/", views.unread_badge, name="unread_badge"),
]
