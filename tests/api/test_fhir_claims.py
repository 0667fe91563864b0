from __future__ import annotations

import base64

import pytest
from fhir.resources.R4B.claim import Claim as FhirClaim
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome

from ejamkesda.services.models import Claim
from tests.api.factories import bearer, token_for
from tests.services.factories import PDF, approved_sjp, ppk_operator, tariff_table

pytestmark = pytest.mark.django_db
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"


def fhir_claim(sjp, *, identifier="SIMRS-CLAIM-1", lines=(("RJ01", 2), ("LAB01", 1)), attach=True):
    day = sjp.service_from.isoformat()
    resource = {
        "resourceType": "Claim",
        "identifier": [{"system": "https://simrs.example/klaim", "value": identifier}],
        "status": "active",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "professional"}]},
        "use": "claim",
        "patient": {"identifier": {"system": NIK_SYSTEM, "value": sjp.person.nik}},
        "billablePeriod": {"start": day, "end": day},
        "created": day,
        "provider": {"display": "SIMRS"},
        "priority": {"coding": [{"code": "normal"}]},
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "Jamkesda"}, "preAuthRef": [sjp.number]}],
        "diagnosis": [
            {
                "sequence": 1,
                "diagnosisCodeableConcept": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "A09"}]},
            }
        ],
        "item": [
            {"sequence": i, "productOrService": {"coding": [{"code": code}]}, "quantity": {"value": qty}}
            for i, (code, qty) in enumerate(lines, start=1)
        ],
    }
    if attach:
        resource["supportingInfo"] = [
            {
                "sequence": 1,
                "category": {"coding": [{"code": "attachment"}]},
                "code": {"coding": [{"code": "rincian_biaya"}]},
                "valueAttachment": {
                    "contentType": "application/pdf",
                    "title": "rincian.pdf",
                    "data": base64.b64encode(PDF).decode(),
                },
            }
        ]
    return FhirClaim.model_validate(resource)


def test_claim_round_trip_and_status(client):
    tariff_table()
    operator = ppk_operator()
    sjp = approved_sjp(operator=operator)
    token = token_for(operator)
    claim = fhir_claim(sjp)
    response = client.post(
        "/fhir/Claim", data=claim.model_dump_json(), content_type="application/fhir+json", **bearer(token)
    )
    assert response.status_code == 201, response.json()
    answer = ClaimResponse.model_validate(response.json())
    assert answer.outcome == "queued"
    assert answer.preAuthRef == sjp.number
    assert answer.total[0].amount.value == 175_000
    assert answer.total[0].amount.currency == "IDR"
    again = client.post(
        "/fhir/Claim", data=claim.model_dump_json(), content_type="application/fhir+json", **bearer(token)
    )
    assert again.json()["id"] == answer.id
    assert Claim.objects.count() == 1
    read = client.get(f"/fhir/ClaimResponse/{answer.id}", **bearer(token))
    assert ClaimResponse.model_validate(read.json()).id == answer.id
    other = client.get(f"/fhir/ClaimResponse/{answer.id}", **bearer(token_for(ppk_operator())))
    assert other.status_code == 404


def test_claim_failing_checks_is_operation_outcome(client):
    tariff_table()
    operator = ppk_operator()
    sjp = approved_sjp(operator=operator)
    response = client.post(
        "/fhir/Claim",
        data=fhir_claim(sjp, attach=False).model_dump_json(),
        content_type="application/fhir+json",
        **bearer(token_for(operator)),
    )
    assert response.status_code == 422
    outcome = OperationOutcome.model_validate(response.json())
    assert "Lampiran" in outcome.issue[0].diagnostics


def test_claim_on_other_providers_sjp(client):
    tariff_table()
    sjp = approved_sjp()
    response = client.post(
        "/fhir/Claim",
        data=fhir_claim(sjp).model_dump_json(),
        content_type="application/fhir+json",
        **bearer(token_for(ppk_operator())),
    )
    assert response.status_code == 404  # as ClaimResponse/[id] answers for another provider's claim
    OperationOutcome.model_validate(response.json())
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.pop("insurance"),
        lambda r: r.pop("billablePeriod"),
        lambda r: r.pop("diagnosis"),
        lambda r: r.update(item=[]),
        lambda r: r.update(resourceType="Patient"),
        lambda r: r["item"][0].update(quantity={"value": 0}),
    ],
)
def test_claim_missing_parts(client, mutate):
    tariff_table()
    operator = ppk_operator()
    sjp = approved_sjp(operator=operator)
    resource = fhir_claim(sjp).model_dump(mode="json")
    mutate(resource)
    import json

    response = client.post(
        "/fhir/Claim", data=json.dumps(resource), content_type="application/fhir+json", **bearer(token_for(operator))
    )
    assert response.status_code == 400
    OperationOutcome.model_validate(response.json())
