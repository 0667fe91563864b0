"""Pages of village and district officers (Instruksi Bupati Tegal 379/2022 KEDUA 6d and 20):
their own village's monthly PBI JK list (PBPU/BP Pemda apart) and follow-up list, and
nothing else; another village is a 404. Light pages for a cheap phone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.coverage import selectors
from ejamkesda.coverage.models import VillageListDelivery
from ejamkesda.coverage.services.delivery import village_list_receive, village_lists_publish
from ejamkesda.coverage.views.common import status_label
from ejamkesda.coverage.views.pbi import PBI_ROLES, _guard
from ejamkesda.coverage.village_lists import village_list_response
from ejamkesda.regions.models import Region

VILLAGE_ROLES = (Role.VILLAGE_OFFICER, Role.DISTRICT_OFFICER, Role.UPT_ADMIN, Role.UPT_VERIFIER)


@role_required(*VILLAGE_ROLES)
def my_villages(request: HttpRequest) -> HttpResponse:
    """Home of a village or district officer: this month's lists and whether they arrived."""
    period = selectors.latest_period()
    codes = selectors.village_codes_for(request.user)
    villages = Region.objects.filter(level=4)
    villages = villages.filter(code__in=codes) if codes is not None else villages.none()
    deliveries = {}
    if period is not None:
        deliveries = {
            d.village_code: d for d in VillageListDelivery.objects.filter(period=period, village_code__in=codes or [])
        }
    rows = [{"village": village, "delivery": deliveries.get(village.code)} for village in villages.order_by("name")]
    return render(
        request,
        "coverage/my_villages.html",
        {"period": period, "rows": rows, "region": getattr(request.user, "region", None)},
    )


def _period(request: HttpRequest):  # type: ignore[no-untyped-def]
    period = selectors.period_or_latest(request.GET.get("periode"))
    if period is None:
        raise Http404
    return period


@role_required(*VILLAGE_ROLES)
def village_pbi(request: HttpRequest, code: str) -> HttpResponse:
    village = selectors.village_for(request.user, code)
    period = _period(request)
    delivery = village_list_receive(period=period, village_code=village.code, user=request.user)
    return village_list_response(
        request,
        village=village,
        period=period,
        template="coverage/village_pbi.html",
        extra={"delivery": delivery, "is_village_officer": getattr(request.user, "role", "") == Role.VILLAGE_OFFICER},
    )


@require_POST
@role_required(Role.VILLAGE_OFFICER)
def village_acknowledge(request: HttpRequest, code: str) -> HttpResponse:
    village = selectors.village_for(request.user, code)
    period = _period(request)
    if village_list_receive(period=period, village_code=village.code, user=request.user, acknowledge=True):
        messages.success(request, _("Terima kasih: daftar bulan ini tercatat sudah diterima desa."))
    else:
        messages.error(request, _("Daftar bulan ini belum dikirim oleh UPT Jamkesda."))
    return redirect(f"{reverse('coverage:village_pbi', args=[village.code])}?periode={period.pk}")


ACTIONS = {
    "": gettext_lazy("Daftarkan ke JKN: bila mampu, PBPU mandiri; bila tidak mampu, usulkan ke DTKS/DTSEN lewat desa"),
    "nonaktif": gettext_lazy("Aktifkan kembali kepesertaan di kantor BPJS Kesehatan"),
    "menunggak": gettext_lazy("Bayar tunggakan iuran; bila tidak mampu, usulkan ke DTKS/DTSEN"),
    "ditangguhkan": gettext_lazy("Hubungi BPJS Kesehatan untuk memulihkan kepesertaan"),
}


@role_required(*VILLAGE_ROLES)
def village_follow_up(request: HttpRequest, code: str) -> HttpResponse:
    """Residents of the village without active JKN, with what to do (KEDUA 20a)."""
    village = selectors.village_for(request.user, code)
    period = _period(request)
    people = selectors.residents_without_active_jkn(period, village.code).order_by("name", "id")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    audit_record(action="view", object_type="coverage.village_follow_up", object_id=village.code, summary="Lihat")
    rows = [
        {
            "name": person.name,
            "address": person.address,
            "rt": person.rt,
            "rw": person.rw,
            "status": status_label(getattr(person, "jkn_status", None)),
            "action": str(ACTIONS.get(getattr(person, "jkn_status", None) or "", ACTIONS[""])),
        }
        for person in page
    ]
    return render(
        request, "coverage/village_follow_up.html", {"village": village, "period": period, "page": page, "rows": rows}
    )


@role_required(*PBI_ROLES)
def deliveries(request: HttpRequest) -> HttpResponse:
    """The UPT and Dinas Sosial see which villages have not received this month's list."""
    _guard(request)
    period = selectors.period_or_latest(request.GET.get("periode"))
    rows: list[dict[str, Any]] = []
    if period is not None:
        found = {
            d.village_code: d for d in VillageListDelivery.objects.filter(period=period).select_related("received_by")
        }
        codes = list(period.stats.filter(level=4).values_list("region_code", flat=True))
        names = selectors.region_names(codes)
        for code in codes:
            delivery = found.get(code)
            received = delivery is not None and delivery.received
            rows.append({"code": code, "name": names.get(code, code), "delivery": delivery, "received": received})
        rows.sort(key=lambda row: (bool(row["received"]), str(row["name"])))
    return render(
        request,
        "coverage/deliveries.html",
        {"period": period, "rows": rows, "not_received": sum(1 for row in rows if not row["received"])},
    )


@require_POST
@role_required(*PBI_ROLES)
def deliveries_publish(request: HttpRequest) -> HttpResponse:
    _guard(request)
    period = selectors.period_or_latest(request.POST.get("periode"))
    if period is None:
        raise Http404
    count = village_lists_publish(period=period, actor=request.user)
    messages.success(
        request, _("Daftar %(month)s dikirim ke %(count)d desa.") % {"month": f"{period.month:%m-%Y}", "count": count}
    )
    return redirect(f"{reverse('coverage:deliveries')}?periode={period.pk}")
