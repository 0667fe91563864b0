from __future__ import annotations

from django.urls import path

from ejamkesda.api import web

app_name = "api_tokens"
urlpatterns = [
    path("", web.token_list, name="list"),
    path("<int:pk>/cabut/", web.token_revoke_view, name="revoke"),
]
