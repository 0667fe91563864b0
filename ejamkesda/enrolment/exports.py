"""XLSX export of the PBPU/BP Pemda proposals, for registering the people in JKN
(Instruksi Bupati Tegal 379/2022: residents registered by the regency, class 3)."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from ejamkesda.audit.services import audit_record
from ejamkesda.enrolment.selectors import pbpu_bp_pemda_proposals
from ejamkesda.jobs.importing.report import safe_cell

HEADER = [
    "No",
    "NIK",
    "Nomor KK",
    "Nama",
    "Jenis kelamin",
    "Tanggal lahir",
    "Alamat",
    "Telepon",
    "Kode pengajuan",
    "Tanggal keputusan",
    "Verifikator",
]


def pbpu_proposals_xlsx(*, user: Any) -> bytes:
    """The workbook; the export itself is audit-logged (it holds NIKs)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Usulan PBPU BP Pemda")
    sheet.append(HEADER)
    count = 0
    for count, application in enumerate(pbpu_bp_pemda_proposals(user=user).iterator(chunk_size=2000), start=1):
        decided = timezone.localtime(application.decided_at) if application.decided_at else None
        sheet.append(
            [
                count,
                safe_cell(application.nik),
                safe_cell(application.kk_number),
                safe_cell(application.name),
                application.sex,
                application.birth_date,
                safe_cell(application.address),
                safe_cell(application.phone),
                application.code_display,
                decided.replace(tzinfo=None) if decided else None,
                application.decided_by.get_username() if application.decided_by else "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(action="export", object_type="enrolment.Application", summary=f"usulan PBPU/BP Pemda: {count} baris")
    return buffer.getvalue()
