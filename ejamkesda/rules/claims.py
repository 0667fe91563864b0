"""Rules of SJP and claims (docs/layanan-ppk-dan-verifikasi.md), pure Python.

Perbup PPU 29/2016 makes e-Jamkesda the channel through which PPK supply
their data to the UPT Jamkesda (Pasal 10 ayat 1 huruf a) and the UPT administers the
programme with its special application (Pasal 7 ayat 3); the regulation itself fixes no
claim numbers, so every number here is the regency's operating choice and can be
overridden where a caller passes it in.

The claim state machine lives here and only here: services call ``check_transition``
under a row lock, so no other module decides which move is allowed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class ServiceKind(StrEnum):
    OUTPATIENT = "rawat_jalan"
    INPATIENT = "rawat_inap"
    EMERGENCY = "gawat_darurat"
    DELIVERY = "persalinan"


SERVICE_KIND_LABELS = {
    ServiceKind.OUTPATIENT: "Rawat jalan",
    ServiceKind.INPATIENT: "Rawat inap",
    ServiceKind.EMERGENCY: "Gawat darurat",
    ServiceKind.DELIVERY: "Persalinan",
}


class ClaimState(StrEnum):
    SUBMITTED = "diajukan"
    RETURNED = "dikembalikan"
    APPROVED = "disetujui"
    ADJUSTED = "disetujui_penyesuaian"
    REJECTED = "ditolak"
    IN_PAYMENT = "proses_bayar"
    PAID = "dibayar"


CLAIM_STATE_LABELS = {
    ClaimState.SUBMITTED: "Diajukan",
    ClaimState.RETURNED: "Dikembalikan untuk perbaikan",
    ClaimState.APPROVED: "Disetujui",
    ClaimState.ADJUSTED: "Disetujui dengan penyesuaian",
    ClaimState.REJECTED: "Ditolak",
    ClaimState.IN_PAYMENT: "Dalam proses pembayaran",
    ClaimState.PAID: "Dibayar",
}

# The only allowed moves. Everything else is refused with InvalidTransition.
CLAIM_TRANSITIONS: dict[ClaimState, frozenset[ClaimState]] = {
    ClaimState.SUBMITTED: frozenset(
        {ClaimState.APPROVED, ClaimState.ADJUSTED, ClaimState.RETURNED, ClaimState.REJECTED}
    ),
    ClaimState.RETURNED: frozenset({ClaimState.SUBMITTED}),
    ClaimState.APPROVED: frozenset({ClaimState.IN_PAYMENT}),
    ClaimState.ADJUSTED: frozenset({ClaimState.IN_PAYMENT}),
    ClaimState.IN_PAYMENT: frozenset({ClaimState.PAID}),
    ClaimState.REJECTED: frozenset(),
    ClaimState.PAID: frozenset(),
}

# States awaiting the verifier, and states whose amount counts as approved.
PENDING_VERIFICATION = frozenset({ClaimState.SUBMITTED})
APPROVED_STATES = frozenset({ClaimState.APPROVED, ClaimState.ADJUSTED, ClaimState.IN_PAYMENT, ClaimState.PAID})
# A claim in these states still blocks a second claim for the same patient and dates.
LIVE_STATES = frozenset(set(ClaimState) - {ClaimState.REJECTED})


class InvalidTransition(ValueError):
    """The claim cannot move from its current state to the requested one."""


def check_transition(current: str, target: str) -> None:
    """Raise InvalidTransition (message in Bahasa Indonesia) unless current → target is allowed."""
    source, goal = ClaimState(current), ClaimState(target)
    if goal not in CLAIM_TRANSITIONS[source]:
        raise InvalidTransition(
            f"Klaim berstatus '{CLAIM_STATE_LABELS[source]}' tidak dapat diubah menjadi '{CLAIM_STATE_LABELS[goal]}'."
        )


# Reason codes for a rejected claim (shown to the provider).
REJECT_REASONS = {
    "bukan_peserta": "Pasien bukan peserta Jamkesda aktif pada tanggal pelayanan",
    "peserta_jkn": "Pasien peserta JKN aktif; klaim diajukan ke BPJS Kesehatan",
    "sjp_tidak_sah": "SJP tidak sah atau tidak sesuai dengan pelayanan",
    "duplikat": "Klaim ganda untuk pasien dan tanggal yang sama",
    "di_luar_paket": "Pelayanan di luar manfaat Jamkesda",
    "kedaluwarsa": "Klaim melewati batas waktu pengajuan",
    "lainnya": "Alasan lain (lihat catatan verifikator)",
}

# Attachment kinds and which ones each service kind must carry.
ATTACHMENT_KINDS = {
    "rincian_biaya": "Rincian biaya / kuitansi",
    "resume_medis": "Resume medis",
    "surat_rujukan": "Surat rujukan",
    "lainnya": "Lainnya",
}
REQUIRED_ATTACHMENTS: dict[ServiceKind, tuple[str, ...]] = {
    ServiceKind.OUTPATIENT: ("rincian_biaya",),
    ServiceKind.INPATIENT: ("rincian_biaya", "resume_medis"),
    ServiceKind.EMERGENCY: ("rincian_biaya", "resume_medis"),
    ServiceKind.DELIVERY: ("rincian_biaya", "resume_medis"),
}


def missing_attachments(service_kind: str, present: set[str] | frozenset[str]) -> list[str]:
    """Required attachment kinds absent from ``present`` (in a stable order)."""
    return [kind for kind in REQUIRED_ATTACHMENTS[ServiceKind(service_kind)] if kind not in present]


def sniff_attachment(head: bytes) -> str | None:
    """The file type by its content (magic bytes), not its name: pdf, jpeg, png or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def line_amount(quantity: int, unit_price: int) -> int:
    """Whole rupiah of one claim line; quantity and price are non-negative integers."""
    if quantity < 0 or unit_price < 0:
        raise ValueError("jumlah dan tarif tidak boleh negatif")
    return quantity * unit_price


def within_emergency_window(event_at: dt.datetime, now: dt.datetime, window_hours: int) -> bool:
    """Emergency care may be requested after the fact, at most ``window_hours`` after it began."""
    return event_at <= now and now - event_at <= dt.timedelta(hours=window_hours)


def stays_overlap(a_from: dt.date, a_to: dt.date, b_from: dt.date, b_to: dt.date) -> bool:
    """Two stays (inclusive date ranges) share at least one day."""
    return a_from <= b_to and b_from <= a_to


# Ageing of claims waiting for a decision (days since submission).
AGEING_BUCKETS: tuple[tuple[int, int | None, str], ...] = (
    (0, 7, "0–7 hari"),
    (8, 14, "8–14 hari"),
    (15, 30, "15–30 hari"),
    (31, None, "> 30 hari"),
)


def ageing_bucket(days: int) -> str:
    for low, high, label in AGEING_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return AGEING_BUCKETS[0][2]


@dataclass(frozen=True, slots=True)
class SlaStatus:
    days: int
    target: int

    @property
    def breached(self) -> bool:
        return self.days > self.target

    @property
    def days_left(self) -> int:
        return self.target - self.days


def sla_status(start: dt.date, today: dt.date, target_days: int) -> SlaStatus:
    return SlaStatus(days=max((today - start).days, 0), target=target_days)


def sjp_number(year: int, sequence: int) -> str:
    """The letter number shown on the SJP, unique per year: SJP/2026/000123."""
    if sequence < 1:
        raise ValueError("nomor urut SJP mulai dari 1")
    return f"SJP/{year}/{sequence:06d}"
