"""Schemas of the UPT decision endpoints (SJP approve/reject, claim verification)."""

from __future__ import annotations

from ninja import Field, Schema

from ejamkesda.api.schemas import StrictDate, StrictInt
from ejamkesda.rules.claims import REJECT_REASONS

NOTE = Field("", max_length=2000, description="Catatan verifikator (tampil bagi PPK)")
EXPECTED_VERSION = Field(
    ...,
    ge=1,
    le=2**31 - 1,
    description="Nilai `version` klaim yang dilihat verifikator (GET /claims/{id}); berbeda → 409 klaim_konflik",
)


class SjpApproveIn(Schema):
    valid_until: StrictDate | None = Field(
        None, description="Berlaku sampai; kosong = tanggal selesai pelayanan, atau 30 hari sesudah tanggal mulai"
    )
    note: str = NOTE


class SjpRejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, description="Alasan penolakan (wajib, tampil bagi PPK)")


class LineAdjustmentIn(Schema):
    line_id: StrictInt = Field(..., ge=1, le=2**31 - 1, description="`lines[].id` dari rincian klaim")
    approved_amount: StrictInt = Field(..., ge=0, le=10**13, description="Rupiah bulat, 0 sampai jumlah baris")
    reason: str = Field("", max_length=500, description="Wajib bila jumlah disetujui lebih kecil dari jumlah baris")


class ClaimApproveIn(Schema):
    expected_version: StrictInt = EXPECTED_VERSION
    note: str = NOTE
    adjustments: list[LineAdjustmentIn] = Field(
        default_factory=list,
        max_length=200,
        description="Kosong = setujui penuh; berisi = setujui dengan penyesuaian (status disetujui_penyesuaian)",
    )


class ClaimReturnIn(Schema):
    expected_version: StrictInt = EXPECTED_VERSION
    note: str = Field(..., min_length=1, max_length=2000, description="Apa yang harus diperbaiki PPK (wajib)")


class ClaimRejectIn(Schema):
    expected_version: StrictInt = EXPECTED_VERSION
    reason_code: str = Field(
        ...,
        pattern="^(" + "|".join(REJECT_REASONS) + ")$",
        description="Kode alasan penolakan: " + ", ".join(REJECT_REASONS) + " (lainnya: catatan wajib)",
        json_schema_extra={"enum": list(REJECT_REASONS)},
    )
    note: str = NOTE
