"""Builders of the FHIR resources e-Jamkesda emits (plain dicts, JSON-ready).

Profiles: identifiers follow SATUSEHAT (Kemenkes) naming where one exists — the NIK system
``https://fhir.kemkes.go.id/id/nik``; the rest uses e-Jamkesda's own systems below.
Every builder is validated by ``fhir.resources.R4B`` in the tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ejamkesda.participants.models import Membership, MembershipStatus, Person, Programme

FHIR_VERSION = "4.3.0"  # R4B; wire-compatible with R4 for the resources used here
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
BASE = "https://e-jamkesda.github.io/fhir"
CARD_SYSTEM = f"{BASE}/sid/nomor-kartu"
PROVIDER_SYSTEM = f"{BASE}/sid/kode-ppk"
PROGRAMME_SYSTEM = f"{BASE}/CodeSystem/program"
SEGMENT_SYSTEM = f"{BASE}/CodeSystem/segmen"
SOURCE_EXTENSION = f"{BASE}/StructureDefinition/sumber-jawaban"
COVERAGE_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/coverage-class"


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def patient(person: Person, *, minimal: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "identifier": [{"use": "official", "system": NIK_SYSTEM, "value": person.nik}],
        "active": True,
        "name": [{"use": "official", "text": person.name}],
        "gender": "female" if person.sex == "P" else "male",
        "birthDate": _date(person.birth_date),
    }
    if minimal:
        return data
    if person.deceased:
        data["deceasedDateTime" if person.deceased_on else "deceasedBoolean"] = (
            _date(person.deceased_on) if person.deceased_on else True
        )
    address = _clean(
        {
            "use": "home",
            "text": " ".join(
                part
                for part in [
                    person.address,
                    f"RT {person.rt}" if person.rt else "",
                    f"RW {person.rw}" if person.rw else "",
                ]
                if part
            ),
            "district": str(person.village_id) if person.village_id else None,
            "country": "ID",
        }
    )
    if address.get("text"):
        data["address"] = [address]
    if person.phone:
        data["telecom"] = [{"system": "phone", "value": person.phone}]
    return _clean(data)


def coverage(membership: Membership) -> dict[str, Any]:
    jkn = membership.programme == Programme.JKN
    data: dict[str, Any] = {
        "resourceType": "Coverage",
        "id": str(membership.pk),
        "status": "active" if membership.status == MembershipStatus.ACTIVE else "cancelled",
        "type": {
            "coding": [
                {
                    "system": PROGRAMME_SYSTEM,
                    "code": membership.programme,
                    "display": membership.get_programme_display(),
                }
            ]
        },
        "subscriberId": membership.card_number or None,
        "beneficiary": {"reference": f"Patient/{membership.person_id}"},
        "period": _clean({"start": _date(membership.valid_from), "end": _date(membership.valid_to)}),
        "payor": [{"display": "BPJS Kesehatan" if jkn else "Pemerintah Daerah (Jamkesda)"}],
        "class": [],
    }
    if membership.card_number:
        data["identifier"] = [{"system": CARD_SYSTEM, "value": membership.card_number}]
    if membership.segment:
        data["class"].append(
            {
                "type": {"coding": [{"system": COVERAGE_CLASS_SYSTEM, "code": "plan"}]},
                "value": membership.segment,
                "name": membership.get_segment_display(),
            }
        )
    if membership.care_class:
        data["class"].append(
            {
                "type": {"coding": [{"system": COVERAGE_CLASS_SYSTEM, "code": "class"}]},
                "value": str(membership.care_class),
                "name": f"Kelas {membership.care_class}",
            }
        )
    return _clean(data)


def organization(provider: Any) -> dict[str, Any]:
    return _clean(
        {
            "resourceType": "Organization",
            "id": str(provider.pk),
            "identifier": [{"system": PROVIDER_SYSTEM, "value": provider.code}],
            "active": bool(provider.active),
            "type": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                            "code": "prov",
                            "display": "Healthcare Provider",
                        }
                    ],
                    "text": provider.get_kind_display(),
                }
            ],
            "name": provider.name,
            "telecom": [{"system": "phone", "value": provider.phone}] if provider.phone else [],
            "address": [
                _clean({"text": provider.address, "district": str(provider.district_id or "") or None, "country": "ID"})
            ]
            if provider.address
            else [],
        }
    )


def operation_outcome(text: str, *, code: str = "invalid", severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text, "details": {"text": text}}],
    }


def bundle(resources: list[dict[str, Any]], *, base: str = "") -> dict[str, Any]:
    entries = []
    for resource in resources:
        entry: dict[str, Any] = {"resource": resource, "search": {"mode": "match"}}
        if base:
            entry["fullUrl"] = f"{base}/{resource['resourceType']}/{resource['id']}"
        entries.append(entry)
    return _clean(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "timestamp": timezone.now().isoformat(),
            "total": len(resources),
            "entry": entries,
        }
    )


def capability_statement() -> dict[str, Any]:
    def res(
        kind: str, interactions: list[str], params: list[tuple[str, str, str]] | None = None, operations: str = ""
    ) -> dict[str, Any]:
        return _clean(
            {
                "type": kind,
                "interaction": [{"code": code} for code in interactions],
                "searchParam": [{"name": n, "type": t, "documentation": d} for n, t, d in (params or [])],
                "documentation": operations,
            }
        )

    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.localdate().isoformat(),
        "publisher": "UPT Jamkesda",
        "kind": "instance",
        "software": {"name": "e-Jamkesda"},
        "implementation": {"description": "e-Jamkesda FHIR server"},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Autentikasi: Authorization: Bearer TOKEN (token API e-Jamkesda). Pencarian dengan NIK "
                    "hanya melalui POST [type]/_search; GET dengan NIK di URL ditolak."
                ),
                "security": {
                    "cors": False,
                    "description": "Bearer token terikat pada pengguna dan cakupan PPK/OPD-nya.",
                },
                "resource": [
                    res(
                        "Patient",
                        ["read", "search-type"],
                        [("identifier", "token", f"{NIK_SYSTEM}|NIK — hanya POST Patient/_search")],
                    ),
                    res(
                        "Coverage",
                        ["search-type"],
                        [("beneficiary", "reference", "Patient/[id]"), ("status", "token", "active | cancelled")],
                    ),
                    res(
                        "Organization",
                        ["read", "search-type"],
                        [("identifier", "token", f"{PROVIDER_SYSTEM}|kode"), ("name", "string", "awal nama")],
                    ),
                    res(
                        "CoverageEligibilityRequest",
                        ["create"],
                        operations="POST → CoverageEligibilityResponse (tidak disimpan).",
                    ),
                    res("Claim", ["create"], operations="POST → ClaimResponse; preAuthRef = nomor SJP."),
                    res("ClaimResponse", ["read"], operations="Status klaim terkini."),
                ],
            }
        ],
    }
