"""Accepted PBI JK changes of a month in the layout sent to BPJS Kesehatan and to the
social ministry's application (Instruksi Bupati Tegal 379/2022 KEDUA 6a–c). The columns are
documented in ``docs/cakupan-uhc.md`` ("Siklus bulanan perubahan PBI"); check them against
the template in force before the first upload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ejamkesda.coverage.models import PbiChange, PbiChangeKind

COLUMNS: tuple[str, ...] = (
    "JENIS_PERUBAHAN",  # TAMBAH / HAPUS / GANTI
    "NIK",
    "NO_KK",
    "NAMA",
    "NO_KARTU_JKN",  # card removed (HAPUS, GANTI); empty for TAMBAH
    "KODE_DESA",  # Kemendagri code, dotted
    "DESIL",
    "KODE_ALASAN",  # eligible, not_in_register, moved_out, died, decile_rose, duplicate
    "ALASAN",
    "NIK_PENGGANTI",  # GANTI: the person who takes the place
    "NAMA_PENGGANTI",
    "NO_KK_PENGGANTI",
    "DESIL_PENGGANTI",
    "TANGGAL_PENETAPAN",  # DD-MM-YYYY, Dinas Sosial's decision
    "DITETAPKAN_OLEH",
)
LABELS = {PbiChangeKind.ADD: "TAMBAH", PbiChangeKind.REMOVE: "HAPUS", PbiChangeKind.REPLACE: "GANTI"}


def _who(change: PbiChange) -> str:
    user = change.decided_by
    return (user.get_full_name() or user.username) if user is not None else ""


def _date(change: PbiChange) -> str:
    return f"{change.decided_at:%d-%m-%Y}" if change.decided_at else ""


def export_rows(month: dt.date) -> Iterator[list[Any]]:
    """One line per accepted change; an accepted removal whose paired addition was also
    accepted is one GANTI line, otherwise each half stands alone (HAPUS, TAMBAH)."""
    accepted = (
        PbiChange.objects.filter(month=month, status=PbiChange.Status.ACCEPTED)
        .select_related("decided_by", "paired_with")
        .order_by("village_code", "name", "id")
    )
    consumed: set[int] = set()
    removals = [c for c in accepted if c.kind != PbiChangeKind.ADD]
    additions = [c for c in accepted if c.kind == PbiChangeKind.ADD]
    for change in removals:
        partner = change.paired_with
        replace = partner is not None and partner.status == PbiChange.Status.ACCEPTED
        if replace and partner is not None:
            consumed.add(partner.pk)
        yield [
            "GANTI" if replace else "HAPUS",
            change.nik,
            change.kk_number,
            change.name,
            change.card_number,
            change.village_code,
            change.decile if change.decile is not None else "",
            change.reason,
            change.get_reason_display(),
            partner.nik if replace and partner else "",
            partner.name if replace and partner else "",
            partner.kk_number if replace and partner else "",
            partner.decile if replace and partner and partner.decile is not None else "",
            _date(change),
            _who(change),
        ]
    for change in additions:
        if change.pk in consumed:
            continue
        yield [
            "TAMBAH",
            change.nik,
            change.kk_number,
            change.name,
            "",
            change.village_code,
            change.decile if change.decile is not None else "",
            change.reason,
            change.get_reason_display(),
            "",
            "",
            "",
            "",
            _date(change),
            _who(change),
        ]
