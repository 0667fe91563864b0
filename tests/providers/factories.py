"""Data builders for the provider-management tests."""

from __future__ import annotations

from tests.factories import ensure_region_tree


def village(code: str = "64.09.01.2001", name: str = "Nipah-Nipah"):
    region = ensure_region_tree(code)
    region.name = name
    region.save()
    return region


def form_data(**overrides):
    data = {
        "code": "1234A567",
        "name": "Puskesmas Babulu",
        "kind": "puskesmas",
        "level": "FKTP",
        "address": "Jl. Provinsi km 70",
        "village": "",
        "district": "",
        "phone": "0542 111",
        "email": "",
        "agreement_number": "",
        "agreement_from": "",
        "agreement_to": "",
        "active": "on",
    }
    data.update(overrides)
    return data
