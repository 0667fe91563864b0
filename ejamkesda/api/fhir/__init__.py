"""FHIR R4 (validated against the R4B models of fhir.resources 8.x) at /fhir/."""
