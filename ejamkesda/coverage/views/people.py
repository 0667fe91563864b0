"""Follow-up lists of people (Instruksi Bupati Tegal 379/2022 KEDUA angka 3–19, 20, 22): filterable, paginated,
downloadable as XLSX and PDF, each person's follow-up status recordable. Every view and
download of a list is audit-logged; NIKs never travel in URLs (records are addressed by id)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core import policy
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.coverage import selectors
from ejamkesda.coverage.exports import pdf_response, xlsx_response
from ejamkesda.coverage.models import FollowUp, FollowUpStatus, MembershipRecord, PopulationRecord, SectorEntry
from ejamkesda.coverage.services.followup import INACTIVE_SCOPE, VILLAGE_SCOPE, agency_scope, followup_record
from ejamkesda.coverage.views.common import INTERNAL_ROLES, SEGMENT_LABELS, UPT, status_label
from ejamkesda.coverage.views.forms import FollowUpForm, PersonFilterForm
from ejamkesda.regions.models import Region
from ejamkesda.rules.nik import mask_nik

FOLLOW_LABELS = dict(FollowUpStatus.choices)
PAGE_SIZE = 50


def _with_follow_up(queryset: QuerySet[Any], scope: str, *, key: str = "nik") -> QuerySet[Any]:
    latest = FollowUp.objects.filter(scope=scope, nik=OuterRef(key))
    return queryset.annotate(
        follow_status=Subquery(latest.values("status")[:1]), follow_note=Subquery(latest.values("note")[:1])
    )


def _filter(queryset: QuerySet[Any], form: PersonFilterForm, *, status_field: str = "jkn_status") -> QuerySet[Any]:
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("q"):
        queryset = queryset.filter(name__icontains=data["q"])
    model_fields = {f.name for f in queryset.model._meta.fields}
    for key in ("rt", "rw"):
        if data.get(key) and key in model_fields:
            queryset = queryset.filter(**{key: data[key]})
    if data.get("status") == "none":
        queryset = queryset.filter(**{f"{status_field}__isnull": True})
    elif data.get("status"):
        queryset = queryset.filter(**{status_field: data["status"]})
    if data.get("follow") == FollowUpStatus.OPEN:
        queryset = queryset.filter(follow_status__isnull=True) | queryset.filter(follow_status=FollowUpStatus.OPEN)
    elif data.get("follow"):
        queryset = queryset.filter(follow_status=data["follow"])
    return queryset


def _render_list(
    request: HttpRequest,
    *,
    queryset: QuerySet[Any],
    title: str,
    subtitle: str,
    filename: str,
    columns: list[str],
    row: Callable[[Any], list[Any]],
    pdf_row: Callable[[Any], list[Any]],
    follow_kind: str,
    audit_type: str,
    audit_id: str,
    extra: dict[str, Any] | None = None,
    status_field: str = "jkn_status",
) -> HttpResponse:
    form = PersonFilterForm(request.GET or None)
    queryset = _filter(queryset, form, status_field=status_field)
    fmt = request.GET.get("format")
    if fmt in {"xlsx", "pdf"}:
        audit_record(action="export", object_type=audit_type, object_id=audit_id, summary=f"Unduh {fmt}: {title}")
        items: Iterable[Any] = queryset.iterator(chunk_size=2000)
        header = [*columns, _("Tindak lanjut"), _("Catatan")]
        if fmt == "xlsx":
            return xlsx_response(filename, title, header, (row(item) + _follow_cells(item) for item in items))
        return pdf_response(
            filename, title, header, (pdf_row(item) + _follow_cells(item) for item in items), subtitle=subtitle
        )
    audit_record(action="view", object_type=audit_type, object_id=audit_id, summary=f"Lihat daftar: {title}")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        "title": title,
        "subtitle": subtitle,
        "form": form,
        "page": page,
        "rows": [{"obj": item, "cells": pdf_row(item), "follow": _follow_cells(item), "id": item.pk} for item in page],
        "columns": columns,
        "follow_kind": follow_kind,
        "follow_form": FollowUpForm(),
        "query_string": query.urlencode(),
        "next": request.get_full_path(),
    }
    context.update(extra or {})
    return render(request, "coverage/people.html", context)


def _follow_cells(item: Any) -> list[str]:
    status = getattr(item, "follow_status", None)
    return [
        str(FOLLOW_LABELS.get(status or "", FOLLOW_LABELS[FollowUpStatus.OPEN])),
        getattr(item, "follow_note", "") or "",
    ]


def _period(request: HttpRequest) -> Any:
    period = selectors.period_or_latest(request.GET.get("periode"))
    if period is None:
        raise Http404
    return period


@role_required(*UPT)
def village_residents(request: HttpRequest, code: str) -> HttpResponse:
    """Angka 20 huruf a: residents of a village without active JKN, for the camat and village head."""
    village = Region.objects.filter(code=code, level=4).select_related("parent").first()
    if village is None:
        raise Http404
    period = _period(request)
    queryset = _with_follow_up(selectors.residents_without_active_jkn(period, code), VILLAGE_SCOPE)
    columns = [_("Nama"), _("NIK"), _("Nomor KK"), _("Alamat"), _("RT"), _("RW"), _("Status JKN")]

    def row(item: Any) -> list[Any]:
        return [item.name, item.nik, item.kk_number, item.address, item.rt, item.rw, status_label(item.jkn_status)]

    def pdf_row(item: Any) -> list[Any]:
        return [
            item.name,
            mask_nik(item.nik),
            mask_nik(item.kk_number) if item.kk_number else "",
            item.address,
            item.rt,
            item.rw,
            status_label(item.jkn_status),
        ]

    return _render_list(
        request,
        queryset=queryset,
        title=_("Warga belum peserta JKN aktif — %(name)s") % {"name": village.name},
        subtitle=_("Instruksi Bupati angka 20 huruf a; data %(month)s") % {"month": f"{period.month:%m-%Y}"},
        filename=f"warga-belum-jkn-aktif-{village.plain_code}-{period.month:%Y%m}",
        columns=columns,
        row=row,
        pdf_row=pdf_row,
        follow_kind="desa",
        audit_type="coverage.village_list",
        audit_id=code,
        extra={"region": village},
    )


@role_required(*policy.INACTIVE_LIST_ROLES)
def inactive(request: HttpRequest) -> HttpResponse:
    """Residents whose JKN membership is inactive, in arrears or suspended."""
    period = _period(request)
    village = request.GET.get("desa", "")
    queryset = _with_follow_up(selectors.inactive_members(period, village), INACTIVE_SCOPE)
    columns = [_("Nama"), _("Nomor kartu"), _("Segmen"), _("Status JKN"), _("Kode desa")]

    def row(item: Any) -> list[Any]:
        return [
            item.name,
            item.card_number,
            SEGMENT_LABELS.get(item.segment, item.segment),
            status_label(item.status),
            item.village_code,
        ]

    return _render_list(
        request,
        queryset=queryset,
        title=_("Peserta tidak aktif dan menunggak"),
        subtitle=f"{period.month:%m-%Y}",
        filename=f"peserta-nonaktif-{period.month:%Y%m}",
        columns=columns,
        row=row,
        pdf_row=row,
        follow_kind="nonaktif",
        audit_type="coverage.inactive_list",
        audit_id=village or "semua",
        status_field="status",
    )


@role_required(*INTERNAL_ROLES)
def sector_people(request: HttpRequest, pk: int) -> HttpResponse:
    """Angka 3–19 and 22: people on an agency's list without active JKN (OPD sees only its own)."""
    user: Any = request.user
    sector_list = selectors.sector_list_for(user, pk)
    if user.role == Role.VIEWER:
        raise Http404
    period = _period(request)
    queryset = _with_follow_up(
        selectors.sector_entries_without_active_jkn(period, sector_list),
        agency_scope(sector_list.agency),
        key="person_key",
    )
    columns = [_("Nama"), _("NIK"), _("Unit/tempat kerja"), _("Status JKN")]

    def row(item: Any) -> list[Any]:
        return [item.name, item.nik or item.reported_nik, item.unit, status_label(item.jkn_status)]

    def pdf_row(item: Any) -> list[Any]:
        shown = item.nik or item.resident_nik
        return [item.name, mask_nik(shown) if shown else _("tidak sah"), item.unit, status_label(item.jkn_status)]

    return _render_list(
        request,
        queryset=queryset,
        title=_("%(list)s: belum peserta JKN aktif") % {"list": sector_list.name},
        subtitle=f"{sector_list.agency} · {sector_list.get_sector_display()} · {period.month:%m-%Y}",
        filename=f"daftar-{sector_list.pk}-belum-jkn-aktif-{period.month:%Y%m}",
        columns=columns,
        row=row,
        pdf_row=pdf_row,
        follow_kind="daftar",
        audit_type="coverage.sector_list",
        audit_id=str(sector_list.pk),
        extra={"sector_list": sector_list},
    )


def _resolve(request: HttpRequest, kind: str, pk: int) -> tuple[Any, str, Any]:
    user: Any = request.user
    if kind == "daftar":
        entry = SectorEntry.objects.select_related("snapshot__sector_list__agency").filter(pk=pk).first()
        if entry is None or entry.snapshot.sector_list_id is None:
            raise Http404
        sector_list = selectors.sector_list_for(user, entry.snapshot.sector_list_id)
        if user.role == Role.VIEWER:
            raise Http404
        return entry, agency_scope(sector_list.agency), sector_list.agency
    record: Any = None
    if kind == "nonaktif" and policy.has_role(user, policy.INACTIVE_LIST_ROLES):
        record = MembershipRecord.objects.filter(pk=pk).exclude(nik="").first()
        scope, agency = INACTIVE_SCOPE, getattr(user, "agency", None)
    elif kind == "desa" and selectors.is_upt(user):
        record = PopulationRecord.objects.filter(pk=pk).first()
        scope, agency = VILLAGE_SCOPE, None
    if record is None:
        raise Http404
    return record, scope, agency


@require_POST
@role_required(Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.OPD_OPERATOR)
def follow_up(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record, scope, agency = _resolve(request, kind, pk)
    form = FollowUpForm(request.POST)
    nik = getattr(record, "person_nik", record.nik)
    if not nik:
        messages.error(request, _("NIK orang ini belum diketahui; perbaiki NIK di daftar lalu unggah ulang."))
    elif form.is_valid():
        followup_record(
            scope=scope,
            nik=nik,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            actor=request.user,
            agency=agency,
        )
        messages.success(request, _("Status tindak lanjut %(name)s disimpan.") % {"name": record.name})
    else:
        messages.error(request, _("Status tindak lanjut tidak sah."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "coverage:dashboard"
    return redirect(target)
