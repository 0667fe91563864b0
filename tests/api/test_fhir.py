from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import MembershipStatus, Programme
from tests.api.factories import bearer, person_registered_at, ppk_user_and_token, token_for
from tests.factories import MembershipFactory, PersonFactory, ProviderFactory, make_nik, user_with_role

pytestmark = pytest.mark.django_db
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def upt():
    return token_for(user_with_role(Role.UPT_ADMIN))


def test_metadata_is_a_valid_capability_statement(client):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    cs = CapabilityStatement.model_validate(response.json())
    types = {r.type for r in cs.rest[0].resource}
    assert {"Patient", "Coverage", "Organization", "CoverageEligibilityRequest"} <= types


def test_patient_read_validates_and_is_audited(client, upt):
    person = PersonFactory(phone="0812", rt="001", rw="002")
    response = client.get(f"/fhir/Patient/{person.pk}", **bearer(upt))
    assert response.status_code == 200
    patient = Patient.model_validate(response.json())
    assert patient.identifier[0].system == NIK_SYSTEM
    assert patient.identifier[0].value == person.nik
    assert AuditLog.objects.filter(object_id=str(person.pk), action="view").exists()


def test_patient_read_unknown_is_operation_outcome(client, upt):
    response = client.get("/fhir/Patient/999999", **bearer(upt))
    assert response.status_code == 404
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].code == "not-found"


def test_patient_search_by_nik_via_post(client, upt):
    person = PersonFactory()
    response = client.post(
        "/fhir/Patient/_search", data=f"identifier={NIK_SYSTEM}|{person.nik}", content_type=FORM, **bearer(upt)
    )
    assert response.status_code == 200
    bundle = Bundle.model_validate(response.json())
    assert bundle.total == 1
    assert bundle.entry[0].resource.id == str(person.pk)


def test_patient_search_by_nik_via_get_is_refused(client, upt):
    person = PersonFactory()
    response = client.get("/fhir/Patient", {"identifier": f"{NIK_SYSTEM}|{person.nik}"}, **bearer(upt))
    assert response.status_code == 400
    outcome = OperationOutcome.model_validate(response.json())
    assert "URL" in outcome.issue[0].diagnostics
    assert "_search" in outcome.issue[0].diagnostics


def test_patient_search_wrong_system_or_bad_nik(client, upt):
    for value in ("http://other|6409010703850001", f"{NIK_SYSTEM}|123", ""):
        response = client.post("/fhir/Patient/_search", data=f"identifier={value}", content_type=FORM, **bearer(upt))
        assert response.status_code == 400
        OperationOutcome.model_validate(response.json())


def test_ppk_search_by_nik_gets_minimal_patient(client):
    _, token = ppk_user_and_token()
    person = PersonFactory(address="Jl. Rahasia 9", phone="0812")
    response = client.post(
        "/fhir/Patient/_search", data=f"identifier={NIK_SYSTEM}|{person.nik}", content_type=FORM, **bearer(token)
    )
    resource = response.json()["entry"][0]["resource"]
    Patient.model_validate(resource)
    assert "address" not in resource and "telecom" not in resource


def test_coverage_search_by_beneficiary_and_status(client, upt):
    person = PersonFactory()
    MembershipFactory(person=person, card_number="0001112223334")
    MembershipFactory(person=person, programme=Programme.JAMKESDA, segment="", status=MembershipStatus.ENDED)
    response = client.get("/fhir/Coverage", {"beneficiary": f"Patient/{person.pk}", "status": "active"}, **bearer(upt))
    assert response.status_code == 200
    bundle = Bundle.model_validate(response.json())
    assert bundle.total == 1
    coverage = Coverage.model_validate(response.json()["entry"][0]["resource"])
    assert coverage.status == "active"
    assert coverage.subscriberId == "0001112223334"
    both = client.post(
        "/fhir/Coverage/_search", data=f"beneficiary=Patient/{person.pk}", content_type=FORM, **bearer(upt)
    )
    assert Bundle.model_validate(both.json()).total == 2


def test_organization_read_and_search(client, upt):
    provider = ProviderFactory(address="Jl. Sehat", phone="0542")
    response = client.get(f"/fhir/Organization/{provider.pk}", **bearer(upt))
    org = Organization.model_validate(response.json())
    assert org.identifier[0].value == provider.code
    found = client.get("/fhir/Organization", {"identifier": provider.code}, **bearer(upt))
    assert Bundle.model_validate(found.json()).total == 1


def _eligibility_request(nik: str, day: dt.date) -> CoverageEligibilityRequest:
    return CoverageEligibilityRequest.model_validate(
        {
            "resourceType": "CoverageEligibilityRequest",
            "identifier": [{"system": "https://simrs.example/cer", "value": "REQ-1"}],
            "status": "active",
            "purpose": ["validation"],
            "patient": {"identifier": {"system": NIK_SYSTEM, "value": nik}},
            "servicedDate": day.isoformat(),
            "created": "2025-06-01T08:00:00+07:00",
            "insurer": {"display": "UPT Jamkesda"},
        }
    )


def test_eligibility_round_trip(client):
    provider = ProviderFactory()
    person = person_registered_at(provider, serial=321, care_class=2)
    _, token = ppk_user_and_token(provider)
    request = _eligibility_request(person.nik, dt.date(2025, 6, 1))
    response = client.post(
        "/fhir/CoverageEligibilityRequest",
        data=request.model_dump_json(),
        content_type="application/fhir+json",
        **bearer(token),
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    answer = CoverageEligibilityResponse.model_validate(response.json())
    assert answer.outcome == "complete"
    assert answer.request.identifier.value == "REQ-1"
    assert answer.insurance[0].inforce is True
    assert answer.insurance[0].extension[0].valueCode == "jkn_impor"
    assert "kelas 2" in answer.insurance[0].coverage.display


def test_eligibility_not_covered(client, upt):
    request = _eligibility_request(make_nik(serial=4242), dt.date(2025, 6, 1))
    response = client.post(
        "/fhir/CoverageEligibilityRequest",
        data=request.model_dump_json(),
        content_type="application/fhir+json",
        **bearer(upt),
    )
    answer = CoverageEligibilityResponse.model_validate(response.json())
    assert not answer.insurance
    assert "tidak ditemukan" in answer.disposition


def test_eligibility_with_contained_patient(client, upt):
    m = MembershipFactory()
    body = {
        "resourceType": "CoverageEligibilityRequest",
        "contained": [
            {"resourceType": "Patient", "id": "p1", "identifier": [{"system": NIK_SYSTEM, "value": m.person.nik}]}
        ],
        "status": "active",
        "purpose": ["validation"],
        "patient": {"reference": "#p1"},
        "created": "2025-06-01",
        "insurer": {"display": "UPT"},
    }
    CoverageEligibilityRequest.model_validate(body)
    response = client.post(
        "/fhir/CoverageEligibilityRequest", data=json.dumps(body), content_type="application/fhir+json", **bearer(upt)
    )
    assert CoverageEligibilityResponse.model_validate(response.json()).insurance[0].inforce


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"resourceType": "Patient"}),
        json.dumps({"resourceType": "CoverageEligibilityRequest", "patient": {}}),
    ],
)
def test_eligibility_bad_input_is_operation_outcome(client, upt, body):
    response = client.post(
        "/fhir/CoverageEligibilityRequest", data=body, content_type="application/fhir+json", **bearer(upt)
    )
    assert response.status_code == 400
    OperationOutcome.model_validate(response.json())


def test_fhir_requires_token(client):
    for method, url in [
        ("get", "/fhir/Patient/1"),
        ("get", "/fhir/Coverage?beneficiary=Patient/1"),
        ("get", "/fhir/Organization/1"),
        ("post", "/fhir/CoverageEligibilityRequest"),
        ("post", "/fhir/Patient/_search"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 401, url
        assert OperationOutcome.model_validate(response.json()).issue[0].code == "login"


def test_fhir_wrong_method_is_405(client, upt):
    response = client.delete("/fhir/Patient/1", **bearer(upt))
    assert response.status_code == 405
    OperationOutcome.model_validate(response.json())
