"""Request and response schemas of the REST API (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator, Strict

NIK_PATTERN = r"^[0-9]{16}$"


def _text_only(value: Any) -> Any:
    # JSON dates are strings; pydantic would otherwise read a number as a Unix time.
    if not isinstance(value, str | dt.date):
        raise ValueError("harus teks tanggal ISO 8601")
    return value


# Request-body types that refuse look-alikes (true for 1, 0 for a date).
StrictInt = Annotated[int, Strict()]
StrictDate = Annotated[dt.date, BeforeValidator(_text_only)]
StrictDateTime = Annotated[dt.datetime, BeforeValidator(_text_only)]


class ErrorOut(Schema):
    code: str = Field(..., description="Kode galat yang stabil, mis. tidak_terautentikasi, validasi_gagal.")
    message: str = Field(..., description="Pesan dalam Bahasa Indonesia.")
    details: list[Any] = Field(default_factory=list)


# The eligibility schemas are plain pydantic models, not ninja Schemas: they are only built
# from JSON or dicts, and a ninja Schema wraps each validation in an adapter for Django
# objects that costs more than the look-up itself (docs/integrasi-api.md, thousands of checks a second).
class EligibilityIn(BaseModel):
    nik: str = Field(..., pattern=NIK_PATTERN, description="NIK 16 digit (hanya di badan permintaan, tidak di URL).")
    date: StrictDate | None = Field(None, description="Tanggal pelayanan (YYYY-MM-DD); kosong = hari ini.")


class CoverageOut(BaseModel):
    programme: str = Field(..., description="jamkesda atau jkn")
    segment: str = Field(..., description="pbi_apbn, pbpu_bp_pemda, ppu, pbpu, bp, atau kosong")
    care_class: int | None = Field(None, description="Hak kelas rawat 1–3")
    status: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = Field(..., description="jamkesda_lokal, jkn_impor, atau bpjs_langsung")
    source_date: dt.date | None = Field(None, description="Tanggal data sumber (mis. tanggal impor data JKN)")


class EligibilityOut(BaseModel):
    date: dt.date
    found: bool = Field(..., description="NIK dikenal (di data lokal atau BPJS)")
    covered: bool = Field(..., description="Terjamin pada tanggal itu")
    programme: str | None = None
    segment: str | None = None
    care_class: int | None = None
    valid_to: dt.date | None = None
    source: str = Field(..., description="Sumber jawaban: jamkesda_lokal, jkn_impor, bpjs_langsung, tidak_ada")
    coverages: list[CoverageOut] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class MeOut(Schema):
    username: str
    role: str
    provider_id: int | None = None
    provider_code: str | None = None
    agency_id: int | None = None


class ParticipantSearchIn(Schema):
    nik: str | None = Field(None, pattern=NIK_PATTERN)
    kk_number: str | None = Field(None, pattern=r"^[0-9]{16}$")
    name: str | None = Field(None, min_length=3, max_length=150, description="Awal nama (minimal 3 huruf)")
    village_code: str | None = Field(None, max_length=13, pattern=r"^[0-9]{2}(\.[0-9]{2}){2}\.[0-9]{4}$")
    limit: StrictInt = Field(20, ge=1, le=100)
    offset: StrictInt = Field(0, ge=0, le=10_000)


class MembershipOut(Schema):
    id: int
    programme: str
    segment: str
    card_number: str
    care_class: int | None = None
    status: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    first_level_provider_code: str
    source: str
    source_date: dt.date | None = None


class ParticipantOut(Schema):
    id: int
    nik: str
    name: str
    sex: str
    birth_date: dt.date
    village_code: str | None = None
    deceased: bool


class ParticipantDetailOut(ParticipantOut):
    kk_number: str
    birth_place: str
    address: str
    rt: str
    rw: str
    memberships: list[MembershipOut]


class ParticipantPageOut(Schema):
    count: int
    results: list[ParticipantOut]


class ProviderOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str
    address: str
    district_code: str | None = None
    village_code: str | None = None
    phone: str
    active: bool


class ProviderPageOut(Schema):
    count: int
    results: list[ProviderOut]
