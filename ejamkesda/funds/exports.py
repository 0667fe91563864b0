"""Files in and out of funds: attendance template and import reading, recap XLSX, bank CSV.

The recap (signed by the head and the treasurer) and the bank file are official documents and
stay in Bahasa Indonesia (UU 24/2009 Pasal 27); messages and instructions for the user are translated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ejamkesda.funds.models import DistributionRun, RunStatus, StaffMember
from ejamkesda.funds.slips import DRAFT_NOTE
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.report import safe_cell

ATTENDANCE_COLUMNS = ("id", "nama", "hari_hadir", "hari_izin", "menit_terlambat", "skp")
# Header aliases for common attendance-machine exports (case-insensitive).
ALIASES = {
    "nip": "id",
    "no. id": "id",
    "no id": "id",
    "id pegawai": "id",
    "name": "nama",
    "hadir": "hari_hadir",
    "jumlah hadir": "hari_hadir",
    "izin": "hari_izin",
    "sakit/tugas": "hari_izin",
    "terlambat (menit)": "menit_terlambat",
    "terlambat": "menit_terlambat",
    "skp (%)": "skp",
}
MAX_ROWS = 5000


def attendance_template_xlsx(staff: list[StaffMember]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "kehadiran"
    sheet.append(list(ATTENDANCE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for member in staff:
        sheet.append([safe_cell(member.employee_no), safe_cell(member.name), None, None, None, None])
    notes = workbook.create_sheet("petunjuk")
    for line in (
        _("Isi satu baris per pegawai untuk satu bulan."),
        _("hari_hadir: hari hadir; hari_izin: sakit dengan surat dokter atau tugas luar (tidak mengurangi)."),
        _(
            "menit_terlambat: akumulasi menit terlambat datang/pulang sebelum waktunya; "
            "tiap 420 menit (7 jam) = -1 poin."
        ),
        _("skp: capaian SKP bulanan dalam persen (Tanah Datar), boleh kosong."),
    ):
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _normalise(header: list[Any]) -> list[str]:
    names = []
    for value in header:
        name = str(value or "").strip().lower()
        names.append(ALIASES.get(name, name))
    return names


def attendance_records(rows: Iterable[list[Any]]) -> list[dict[str, Any]]:
    """Rows (header first, as the guarded reader ``jobs.importing.files.table_rows`` gives
    them) as dicts keyed by template column names, each with its line number in ``row``."""
    try:
        table = list(rows)
    except ImportFileError as exc:
        raise ValidationError(str(exc)) from exc
    if not table:
        raise ValidationError(_("Berkas kosong."))
    header = _normalise(table[0])
    if "id" not in header:
        raise ValidationError(_("Baris 1: kolom 'id' (ID/NIP pegawai) tidak ditemukan."))
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("Paling banyak %(n)s baris per unggahan.") % {"n": MAX_ROWS})
    records = []
    for number, values in enumerate(table[1:], start=2):
        if not any(str(v or "").strip() for v in values):
            continue
        record = {name: values[index] if index < len(values) else None for index, name in enumerate(header)}
        identifier = record.get("id")
        if isinstance(identifier, float) and identifier.is_integer():
            identifier = int(identifier)
        records.append(
            {
                "row": number,
                "employee_no": str(identifier if identifier is not None else "").strip(),
                **{key: record.get(key) for key in ("hari_hadir", "hari_izin", "menit_terlambat", "skp")},
            }
        )
    return records


def recap_rows(run: DistributionRun) -> list[dict[str, Any]]:
    return [
        {
            "name": line.name,
            "employee_no": line.employee_no,
            "points": line.points,
            "variables": line.variables,
            "share": line.share,
            "tax_rate": line.tax_rate,
            "tax": line.tax,
            "net": line.net,
            "bank_name": line.bank_name,
            "bank_account": line.bank_account,
            "months": line.months,
        }
        for line in run.lines.order_by("position")
    ]


def recap_xlsx(run: DistributionRun) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "rekap"
    if not run.locked:
        sheet.append([DRAFT_NOTE])
        sheet["A1"].font = Font(bold=True, color="C00000")
    sheet.append([f"Rekap jasa pelayanan {run.provider.name} periode {run.period_label} (versi {run.version})"])
    sheet.append(
        [f"Profil {run.profile} — rumus {run.formula}; dana Rp {run.pool_amount}; total poin {run.total_points}"]
    )
    sheet.append([])
    variables = ["jenis", "rangkap", "kehadiran", "status", "masa_kerja", "kinerja", "program_jkn"]
    header = ["No", "Nama", "ID/NIP", *variables, "Poin", "Jasa pelayanan", "Tarif PPh 21 (%)", "PPh 21", "Bersih"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    rows = recap_rows(run)
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                safe_cell(row["name"]),
                safe_cell(row["employee_no"]),
                *[row["variables"].get(name, 0) for name in variables],
                row["points"],
                row["share"],
                row["tax_rate"],
                row["tax"],
                row["net"],
            ]
        )
    sheet.append(
        ["", "Jumlah", "", *[""] * len(variables), "", *[sum(r[k] for r in rows) for k in ("share",)], "",
         sum(r["tax"] for r in rows), sum(r["net"] for r in rows)]
    )  # fmt: skip
    sheet.append([])
    sheet.append(["", "Mengetahui, Kepala/Direktur", "", "", "", "", "", "", "", "Bendahara"])
    sheet.append([])
    sheet.append(
        ["", "(.................................)", "", "", "", "", "", "", "", "(.................................)"]
    )
    if any(row["months"] for row in rows):
        _monthly_sheet(workbook, run, rows, variables)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _monthly_sheet(workbook: Workbook, run: DistributionRun, rows: list[dict[str, Any]], variables: list[str]) -> None:
    """One row per person and month (Perbup Kapuas Hulu 9/2015 Pasal 20): that month's
    variables, attendance and points; the person's total is the sum."""
    sheet = workbook.create_sheet("per bulan")
    if not run.locked:
        sheet.append([DRAFT_NOTE])
        sheet["A1"].font = Font(bold=True, color="C00000")
    sheet.append(["No", "Nama", "ID/NIP", "Bulan", "Bekerja", *variables, "Kehadiran (rincian)", "Poin"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=1):
        for month in row["months"]:
            values = month.get("variables", {})
            sheet.append(
                [
                    number,
                    safe_cell(row["name"]),
                    safe_cell(row["employee_no"]),
                    month["bulan"],
                    "ya" if month.get("bekerja", True) else "tidak",
                    *[values.get(name, 0) for name in variables],
                    safe_cell(month.get("explanations", {}).get("kehadiran", "")),
                    month["points"],
                ]
            )
        sheet.append(["", safe_cell(row["name"]), "", "Jumlah", "", *[""] * len(variables), "", row["points"]])


def _csv_safe(value: str) -> str:
    # Spreadsheet formula injection: one escaping rule for every export (jobs.importing.report).
    return safe_cell(value)


def already_paid(run: DistributionRun) -> dict[int, int]:
    """Net already paid per staff member by the paid version this run corrects ({} if none)."""
    previous = run.previous
    while previous is not None and previous.status != RunStatus.PAID:
        previous = previous.previous
    if previous is None:
        return {}
    return dict(previous.lines.values_list("staff_id", "net"))


def bank_transfer_csv(run: DistributionRun) -> str:
    """Transfers of the net amounts; for a correction of a paid version, only what is still owed."""
    paid = already_paid(run)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["no", "nama", "id_pegawai", "bank", "nomor_rekening", "jumlah", "keterangan"])
    for number, line in enumerate(run.lines.order_by("position"), start=1):
        amount = line.net - paid.get(line.staff_id, 0)
        if amount <= 0:
            continue
        label = f"Jaspel {run.period_label}" + (f" koreksi v{run.version}" if paid else "")
        writer.writerow(
            [
                number,
                _csv_safe(line.name),
                _csv_safe(line.employee_no),
                _csv_safe(line.bank_name),
                _csv_safe(line.bank_account),
                amount,
                label,
            ]
        )
    return buffer.getvalue()
