"""Bulk claim submission (CSV/XLSX): same checks, per-claim reasons, no duplicates on re-upload."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from ejamkesda.core.roles import Role
from ejamkesda.services.bulk import claims_bulk_submit, parse_date
from ejamkesda.services.models import Claim
from tests.factories import user_with_role
from tests.services.factories import approved_sjp, pdf_upload, ppk_operator, tariff_table

pytestmark = pytest.mark.django_db

HEADER = [
    "nomor_sjp",
    "tanggal_masuk",
    "tanggal_keluar",
    "diagnosis_utama",
    "diagnosis_sekunder",
    "kode_tarif",
    "jumlah",
]


def _file_name(sjp, kind="rincian_biaya"):
    return f"{sjp.number.replace('/', '-')}__{kind}.pdf"


def test_bulk_groups_lines_checks_and_is_idempotent():
    tariff_table()
    operator = ppk_operator()
    good = approved_sjp(operator=operator)
    no_attachment = approved_sjp(operator=operator)
    foreign = approved_sjp()  # another provider's letter
    day = good.service_from.isoformat()
    rows = [
        HEADER,
        [good.number, day, day, "A09", "I10", "RJ01", "2"],
        [good.number, day, day, "A09", "", "LAB01", 1],
        [no_attachment.number, day, day, "A09", "", "RJ01", 1],
        [foreign.number, day, day, "A09", "", "RJ01", 1],
        [good.number, "31-02-2026", day, "A09", "", "RJ01", 1],
        ["", day, day, "A09", "", "RJ01", 1],
    ]
    result = claims_bulk_submit(actor=operator, rows=rows, attachments=[pdf_upload(_file_name(good))])
    assert len(result.created) == 1
    claim = Claim.objects.get(pk=result.created[0])
    assert claim.claimed_total == 2 * 50_000 + 75_000 and claim.secondary_diagnoses == ["I10"]
    joined = "\n".join(result.errors)
    assert "baris 4 (" in joined and "Lampiran wajib lengkap" in joined
    assert f"baris 5 ({foreign.number}): SJP tidak ditemukan" in joined
    assert "baris 6, kolom tanggal_masuk" in joined
    assert "baris 7, kolom nomor_sjp: kosong" in joined
    again = claims_bulk_submit(actor=operator, rows=rows[:3], attachments=[pdf_upload(_file_name(good))])
    assert again.created == [] and again.existing == [claim.pk]
    assert Claim.objects.count() == 1


def test_bulk_missing_column():
    result = claims_bulk_submit(actor=ppk_operator(), rows=[["nomor_sjp", "jumlah"]])
    assert result.errors[0].startswith("baris 1: kolom wajib tidak ada: tanggal_masuk")


def test_parse_date_forms():
    assert parse_date("2026-03-07").isoformat() == "2026-03-07"
    assert parse_date("07-03-2026").isoformat() == "2026-03-07"
    assert parse_date("07/03/2026").isoformat() == "2026-03-07"
    with pytest.raises(ValueError):
        parse_date("7 Maret")


def test_bulk_xlsx_upload_in_browser(client):
    tariff_table()
    operator = ppk_operator()
    sjp = approved_sjp(operator=operator)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([sjp.number, sjp.service_from, sjp.service_from, "A09", None, "RJ01", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(operator)
    response = client.post(
        reverse("services:claim_bulk"),
        {
            "file": SimpleUploadedFile("klaim.xlsx", buffer.getvalue()),
            "attachments": [pdf_upload(_file_name(sjp))],
        },
    )
    assert response.status_code == 200
    assert "1 klaim baru diajukan" in response.content.decode()
    assert Claim.objects.filter(sjp=sjp).count() == 1


def test_bulk_only_for_ppk_operators(client):
    client.force_login(user_with_role(Role.UPT_VERIFIER))
    assert client.get(reverse("services:claim_bulk")).status_code == 403
