"""Bulk claim submission from CSV/XLSX (docs/layanan-ppk-dan-verifikasi.md), with the same validation as one claim.

One row per claim line; rows with the same SJP number and dates form one claim:

    nomor_sjp | tanggal_masuk | tanggal_keluar | diagnosis_utama | diagnosis_sekunder | kode_tarif | jumlah

Attachments come with the upload as files named ``<nomor SJP with / as ->__<jenis>.pdf``
(e.g. ``SJP-2026-000123__rincian_biaya.pdf``). Each claim goes through ``claim_submit``
(all checks, atomic) with an idempotency key derived from the SJP number and dates, so
uploading the same file again creates no duplicates. A claim that fails is reported with
its rows and reasons; the others are still submitted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ejamkesda.rules.claims import ATTACHMENT_KINDS
from ejamkesda.services.claim_checks import ClaimError
from ejamkesda.services.claims import AttachmentInput, LineInput, claim_submit
from ejamkesda.services.models import Sjp

COLUMNS = {
    "sjp": ("nomor_sjp", "nomor sjp", "sjp", "no_sjp"),
    "admission": ("tanggal_masuk", "tanggal masuk", "tgl_masuk", "masuk"),
    "discharge": ("tanggal_keluar", "tanggal keluar", "tgl_keluar", "keluar"),
    "primary": ("diagnosis_utama", "diagnosis utama", "icd10", "diagnosis"),
    "secondary": ("diagnosis_sekunder", "diagnosis sekunder"),
    "code": ("kode_tarif", "kode tarif", "kode"),
    "quantity": ("jumlah", "qty", "kuantitas"),
}
OPTIONAL = {"secondary"}
MAX_ROWS = 20_000


@dataclass
class BulkResult:
    created: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Group:
    rows: list[int] = field(default_factory=list)
    primary: str = ""
    secondary: list[str] = field(default_factory=list)
    lines: list[LineInput] = field(default_factory=list)


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("tanggal '%(text)s' tidak dikenali (pakai TTTT-BB-HH atau HH-BB-TTTT)") % {"text": text})


def _header(header: Sequence[object]) -> dict[str, int]:
    names = [" ".join(str(cell or "").split()).lower() for cell in header]
    found = {}
    for key, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[key] = index
                break
    missing = [COLUMNS[key][0] for key in COLUMNS if key not in found and key not in OPTIONAL]
    if missing:
        raise ValueError(_("baris 1: kolom wajib tidak ada: %(columns)s") % {"columns": ", ".join(missing)})
    return found


def _attachment_map(files: Iterable[UploadedFile]) -> dict[str, list[AttachmentInput]]:
    result: dict[str, list[AttachmentInput]] = {}
    for upload in files:
        stem = (upload.name or "").rsplit(".", 1)[0]
        number, _sep, kind = stem.partition("__")
        if kind not in ATTACHMENT_KINDS:
            continue
        result.setdefault(number.upper().replace("-", "/"), []).append(AttachmentInput(kind=kind, file=upload))
    return result


def claims_bulk_submit(
    *, actor: Any, rows: Iterable[Sequence[object]], attachments: Iterable[UploadedFile] = ()
) -> BulkResult:
    result = BulkResult()
    iterator = iter(rows)
    try:
        columns = _header(next(iterator))
    except StopIteration:
        result.errors.append(_("berkas kosong"))
        return result
    except ValueError as exc:
        result.errors.append(str(exc))
        return result

    def cell(cells: Sequence[object], key: str) -> object:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    groups: dict[tuple[str, dt.date, dt.date], _Group] = {}
    for number, raw in enumerate(iterator, start=2):
        cells = list(raw)
        if not any(str(value or "").strip() for value in cells):
            continue
        if number > MAX_ROWS + 1:
            result.errors.append(_("lebih dari %(n)s baris; bagi berkas menjadi beberapa bagian") % {"n": MAX_ROWS})
            return result
        sjp_number = str(cell(cells, "sjp") or "").strip().upper()
        if not sjp_number:
            result.errors.append(_("baris %(row)s, kolom nomor_sjp: kosong") % {"row": number})
            continue
        try:
            admission = parse_date(cell(cells, "admission"))
        except ValueError as exc:
            message = _("baris %(row)s, kolom %(column)s: %(error)s")
            result.errors.append(message % {"row": number, "column": "tanggal_masuk", "error": exc})
            continue
        try:
            discharge = parse_date(cell(cells, "discharge"))
        except ValueError as exc:
            message = _("baris %(row)s, kolom %(column)s: %(error)s")
            result.errors.append(message % {"row": number, "column": "tanggal_keluar", "error": exc})
            continue
        try:
            quantity = int(str(cell(cells, "quantity") or "").strip().split(".")[0])
        except ValueError:
            result.errors.append(_("baris %(row)s, kolom jumlah: bukan bilangan bulat") % {"row": number})
            continue
        group = groups.setdefault((sjp_number, admission, discharge), _Group())
        group.rows.append(number)
        group.primary = group.primary or str(cell(cells, "primary") or "").strip()
        for code in str(cell(cells, "secondary") or "").replace(";", ",").split(","):
            if code.strip() and code.strip() not in group.secondary:
                group.secondary.append(code.strip())
        group.lines.append(LineInput(code=str(cell(cells, "code") or ""), quantity=quantity))
    files = _attachment_map(attachments)
    numbers = {key[0] for key in groups}
    letters = {sjp.number: sjp for sjp in Sjp.objects.filter(provider_id=actor.provider_id, number__in=numbers)}
    for (sjp_number, admission, discharge), group in groups.items():
        rows = f"{group.rows[0]}" + (f"–{group.rows[-1]}" if len(group.rows) > 1 else "")
        where = _("baris %(rows)s (%(sjp)s)") % {"rows": rows, "sjp": sjp_number}
        sjp = letters.get(sjp_number)
        if sjp is None:
            result.errors.append(_("%(where)s: SJP tidak ditemukan untuk PPK ini") % {"where": where})
            continue
        key = "bulk-" + hashlib.sha256(f"{sjp_number}|{admission}|{discharge}".encode()).hexdigest()[:40]
        try:
            claim, created = claim_submit(
                actor=actor,
                sjp=sjp,
                admission_date=admission,
                discharge_date=discharge,
                primary_diagnosis=group.primary,
                secondary_diagnoses=group.secondary,
                lines=group.lines,
                attachments=files.get(sjp_number, []),
                idempotency_key=key,
            )
        except ClaimError as exc:
            reasons = "; ".join(f"{check.label}: {check.message}" for check in exc.checks) or str(exc)
            result.errors.append(f"{where}: {reasons}")
            continue
        (result.created if created else result.existing).append(claim.pk)
    return result
