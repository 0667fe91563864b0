"""Schemas of the provider endpoints: SJP, referrals, claims (the objects of docs/layanan-ppk-dan-verifikasi.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from ejamkesda.api.schemas import NIK_PATTERN, StrictDate, StrictDateTime, StrictInt

ServiceKindIn = Literal["rawat_jalan", "rawat_inap", "gawat_darurat", "persalinan"]
AttachmentKindIn = Literal["rincian_biaya", "resume_medis", "surat_rujukan", "lainnya"]
ICD = Field(
    ...,
    min_length=3,
    max_length=10,
    pattern=r"^[A-Za-z][0-9A-Za-z.]{2,9}$",
    description="Kode ICD-10, mis. A09 atau J18.9",
)


class SjpIn(Schema):
    nik: str = Field(..., pattern=NIK_PATTERN, description="NIK pasien (di badan, tidak di URL)")
    service_kind: ServiceKindIn
    diagnosis_code: str = ICD
    service_from: StrictDate
    service_to: StrictDate | None = None
    referring_provider_id: StrictInt | None = Field(None, ge=1, le=2**31 - 1)
    emergency_at: StrictDateTime | None = Field(None, description="Wajib untuk gawat_darurat (ISO 8601 dengan zona)")
    notes: str = Field("", max_length=2000)


class SjpOut(Schema):
    id: int
    number: str | None = None
    status: str
    provider_id: int
    person_id: int
    service_kind: str
    diagnosis_code: str
    service_from: dt.date
    service_to: dt.date | None = None
    valid_until: dt.date | None = None
    after_the_fact: bool
    decision_reason: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None = None


class SjpPageOut(Schema):
    count: int
    results: list[SjpOut]


class ReferralIn(Schema):
    nik: str = Field(..., pattern=NIK_PATTERN)
    to_provider_id: StrictInt = Field(..., ge=1, le=2**31 - 1)
    diagnosis_code: str = ICD
    reason: str = Field(..., min_length=1, max_length=2000)
    sjp_id: StrictInt | None = Field(None, ge=1, le=2**31 - 1)


class ReferralOut(Schema):
    id: int
    status: str
    from_provider_id: int
    to_provider_id: int
    person_id: int
    diagnosis_code: str
    reason: str
    sjp_id: int | None = None
    created_at: dt.datetime
    responded_at: dt.datetime | None = None
    response_note: str


class ReferralPageOut(Schema):
    count: int
    results: list[ReferralOut]


class LineIn(Schema):
    code: str = Field(..., min_length=1, max_length=30, description="Kode tarif dari tabel tarif daerah")
    quantity: StrictInt = Field(..., ge=1, le=10_000)


class AttachmentIn(Schema):
    kind: AttachmentKindIn
    filename: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., min_length=4, max_length=7_000_000, description="Isi berkas PDF/JPEG/PNG, base64")


class ClaimIn(Schema):
    sjp_id: StrictInt = Field(..., ge=1, le=2**31 - 1)
    admission_date: StrictDate
    discharge_date: StrictDate
    primary_diagnosis: str = ICD
    secondary_diagnoses: list[str] = Field(default_factory=list, max_length=20)
    lines: list[LineIn] = Field(..., min_length=1, max_length=200)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=2000)


class ClaimResubmitIn(Schema):
    lines: list[LineIn] | None = Field(None, min_length=1, max_length=200)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=2000)
    expected_version: StrictInt | None = Field(None, ge=1, le=2**31 - 1)


class ClaimLineOut(Schema):
    id: int = Field(..., description="Id baris (untuk penyesuaian oleh UPT)")
    code: str
    description: str
    quantity: int
    unit_price: int
    amount: int
    approved_amount: int | None = None
    adjustment_reason: str


class ClaimAttachmentOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class ClaimEventOut(Schema):
    at: dt.datetime
    from_status: str
    to_status: str
    note: str


class ClaimOut(Schema):
    id: int
    status: str
    version: int
    provider_id: int
    sjp_id: int
    person_id: int
    service_kind: str
    admission_date: dt.date
    discharge_date: dt.date
    primary_diagnosis: str
    secondary_diagnoses: list[str]
    claimed_total: int = Field(..., description="Rupiah, bilangan bulat")
    approved_total: int | None = None
    reject_reason: str
    verifier_note: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    lines: list[ClaimLineOut]
    attachments: list[ClaimAttachmentOut]
    events: list[ClaimEventOut]


class ClaimSummaryOut(Schema):
    id: int
    status: str
    sjp_id: int
    person_id: int
    admission_date: dt.date
    discharge_date: dt.date
    claimed_total: int
    approved_total: int | None = None
    submitted_at: dt.datetime


class ClaimPageOut(Schema):
    count: int
    results: list[ClaimSummaryOut]
