"""URLs of the API app (included at the site root): /api/v1/… and /fhir/…"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ejamkesda.api import docs_views
from ejamkesda.api.fhir.urls import urlpatterns as fhir_urlpatterns
from ejamkesda.api.rest import api
from ejamkesda.api.routes import router
from ejamkesda.api.routes_public import router as public_router
from ejamkesda.api.routes_services import router as services_router

api.add_router("/", router)
api.add_router("/", services_router)
api.add_router("/", "ejamkesda.api.routes_upt.router")  # UPT decisions, downloads
api.add_router("/", public_router)

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/docs", docs_views.api_docs, name="api_docs"),
    path("api/v1/", api.urls),
    *fhir_urlpatterns,
]
