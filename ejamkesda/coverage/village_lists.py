"""The monthly list of one village (Instruksi Bupati Tegal 379/2022 KEDUA 6d): PBI JK
recipients by default, PBPU/BP Pemda as a separate labelled list (``kind="pemda"``), with
full name and address and the changes since last month; page, XLSX or PDF. Used by the
UPT's page and by the village and district officers' pages alike."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage import selectors
from ejamkesda.coverage.exports import pdf_response, xlsx_response
from ejamkesda.coverage.models import CoveragePeriod
from ejamkesda.coverage.views.common import SEGMENT_LABELS, status_label
from ejamkesda.regions.models import Region

LIST_TITLES = {
    "pbi": gettext_lazy("Daftar peserta PBI JK"),
    "pemda": gettext_lazy("Daftar peserta PBPU/BP Pemda (iuran dibayar Pemda, bukan PBI JK)"),
}


def list_kind(request: HttpRequest) -> str:
    return "pemda" if request.GET.get("daftar") == "pemda" else "pbi"


def village_list_response(
    request: HttpRequest, *, village: Region, period: CoveragePeriod, template: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    kind = list_kind(request)
    members = selectors.pbi_members(period, village.code, kind)
    added, removed, before = selectors.pbi_changes(period, village.code, kind)
    added_ids = {record.pk for record in added}
    title = _("%(list)s %(village)s bulan %(month)s") % {
        "list": LIST_TITLES[kind],
        "village": village.name,
        "month": f"{period.month:%m-%Y}",
    }
    header = [
        _("Nama lengkap"),
        _("Alamat"),
        _("RT"),
        _("RW"),
        _("Nomor kartu"),
        _("Segmen"),
        _("Status"),
        _("Perubahan"),
    ]

    def line(record: Any, change: str) -> list[Any]:
        return [
            record.full_name or record.name,
            record.address or "",
            record.rt or "",
            record.rw or "",
            record.card_number,
            SEGMENT_LABELS.get(record.segment, record.segment),
            status_label(record.status),
            change,
        ]

    def all_lines() -> Any:
        for record in members.iterator(chunk_size=2000):
            yield line(record, _("Baru") if record.pk in added_ids else "")
        for record in removed:
            yield line(record, _("Keluar"))

    fmt = request.GET.get("format")
    if fmt in {"xlsx", "pdf"}:
        audit_record(
            action="export", object_type="coverage.pbi_list", object_id=village.code, summary=f"Unduh {fmt}: {title}"
        )
        filename = f"{kind}-{village.plain_code}-{period.month:%Y%m}"
        if fmt == "xlsx":
            return xlsx_response(filename, title, header, all_lines())
        return pdf_response(
            filename,
            title,
            header,
            all_lines(),
            subtitle=_(
                "Instruksi Bupati Tegal 379/2022 KEDUA 6d: nama dan alamat lengkap; perubahan dibanding bulan lalu."
            ),
        )
    audit_record(action="view", object_type="coverage.pbi_list", object_id=village.code, summary=f"Lihat: {title}")
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    context = {
        "village": village,
        "period": period,
        "previous": before,
        "title": title,
        "kind": kind,
        "header": header,
        "page": page,
        "lines": [line(record, _("Baru") if record.pk in added_ids else "") for record in page],
        "added": len(added),
        "removed": [line(record, _("Keluar")) for record in removed],
    }
    return render(request, template, context | (extra or {}))
