from __future__ import annotations

from django.urls import URLPattern, path

from ejamkesda.api.fhir import claims, views

urlpatterns: list[URLPattern] = [
    path("fhir/metadata", views.metadata, name="fhir_metadata"),
    path("fhir/Patient", views.patient_search, name="fhir_patient_search"),
    path("fhir/Patient/_search", views.patient_search, name="fhir_patient_search_post"),
    path("fhir/Patient/<str:pk>", views.patient_read, name="fhir_patient_read"),
    path("fhir/Coverage", views.coverage_search, name="fhir_coverage_search"),
    path("fhir/Coverage/_search", views.coverage_search, name="fhir_coverage_search_post"),
    path("fhir/Organization", views.organization_search, name="fhir_organization_search"),
    path("fhir/Organization/<str:pk>", views.organization_read, name="fhir_organization_read"),
    path("fhir/Claim", claims.claim_create, name="fhir_claim"),
    path("fhir/ClaimResponse/<str:pk>", claims.claim_response_read, name="fhir_claim_response"),
    path("fhir/CoverageEligibilityRequest", views.coverage_eligibility_request, name="fhir_eligibility"),
]
