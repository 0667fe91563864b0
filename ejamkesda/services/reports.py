"""Claim reports (docs/layanan-ppk-dan-verifikasi.md): recap per provider and month, per service kind, top
diagnoses, amounts claimed vs approved, ageing of pending claims; XLSX and PDF export.

All figures are aggregated in the database over the claims the user may see.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext
from openpyxl import Workbook

from ejamkesda.jobs.importing.report import safe_cell
from ejamkesda.rules.claims import (
    AGEING_BUCKETS,
    APPROVED_STATES,
    CLAIM_STATE_LABELS,
    SERVICE_KIND_LABELS,
    ClaimState,
    ServiceKind,
)
from ejamkesda.services import icd
from ejamkesda.services.models import Claim
from ejamkesda.services.pdf import table_pdf

APPROVED = [state.value for state in APPROVED_STATES]

# The labels of rules.claims.AGEING_BUCKETS, for makemessages (the rules cannot import Django);
# shown through gettext(label). tests/services/test_i18n.py checks this list is complete.
AGEING_LABELS = (
    gettext_noop("0–7 hari"),
    gettext_noop("8–14 hari"),
    gettext_noop("15–30 hari"),
    gettext_noop("> 30 hari"),
)


@dataclass
class Section:
    title: str
    header: Sequence[str]
    rows: list[list[Any]]


def _amounts() -> dict[str, Any]:
    return {
        "n": Count("id"),
        "claimed": Coalesce(Sum("claimed_total"), 0),
        "approved": Coalesce(Sum("approved_total", filter=Q(status__in=APPROVED)), 0),
    }


def claim_report(claims: QuerySet[Claim], *, year: int, month: int | None = None, today: dt.date) -> list[Section]:
    scoped = claims.filter(discharge_date__year=year).order_by()
    if month:
        scoped = scoped.filter(discharge_date__month=month)
    sections = []
    recap = (
        scoped.annotate(m=ExtractMonth("discharge_date"))
        .values("provider__code", "provider__name", "m")
        .annotate(**_amounts())
        .order_by("provider__name", "m")
    )
    sections.append(
        Section(
            gettext("Rekap per PPK dan bulan"),
            [
                gettext("PPK"),
                gettext("Bulan"),
                gettext("Jumlah klaim"),
                gettext("Diajukan (Rp)"),
                gettext("Disetujui (Rp)"),
            ],
            [
                [
                    f"{r['provider__name']} ({r['provider__code']})",
                    f"{r['m']:02d}/{year}",
                    r["n"],
                    r["claimed"],
                    r["approved"],
                ]
                for r in recap
            ],
        )
    )
    kinds = scoped.values("service_kind").annotate(**_amounts()).order_by("service_kind")
    sections.append(
        Section(
            gettext("Per jenis pelayanan"),
            [gettext("Jenis pelayanan"), gettext("Jumlah klaim"), gettext("Diajukan (Rp)"), gettext("Disetujui (Rp)")],
            [
                [gettext(SERVICE_KIND_LABELS[ServiceKind(r["service_kind"])]), r["n"], r["claimed"], r["approved"]]
                for r in kinds
            ],
        )
    )
    top = scoped.values("primary_diagnosis").annotate(**_amounts()).order_by("-n", "primary_diagnosis")[:10]
    sections.append(
        Section(
            gettext("10 diagnosis terbanyak"),
            [
                "ICD-10",
                gettext("Diagnosis"),
                gettext("Jumlah klaim"),
                gettext("Diajukan (Rp)"),
                gettext("Disetujui (Rp)"),
            ],
            [
                [r["primary_diagnosis"], icd.describe(r["primary_diagnosis"])[:60], r["n"], r["claimed"], r["approved"]]
                for r in top
            ],
        )
    )
    by_status = dict(
        (r["status"], r)
        for r in scoped.values("status").annotate(n=Count("id"), claimed=Coalesce(Sum("claimed_total"), 0))
    )
    status_rows = [
        [gettext(CLAIM_STATE_LABELS[state]), by_status[state.value]["n"], by_status[state.value]["claimed"]]
        for state in ClaimState
        if state.value in by_status
    ]
    totals = scoped.aggregate(**_amounts())
    # "Jumlah" alone is the quantity of a claim line elsewhere; here it is the total row.
    status_rows.append([pgettext("baris total laporan", "Jumlah"), totals["n"], totals["claimed"]])
    sections.append(
        Section(
            gettext("Diajukan vs disetujui (disetujui: Rp %(amount)s)")
            % {"amount": f"{totals['approved']:,}".replace(",", ".")},
            [gettext("Status"), gettext("Jumlah klaim"), gettext("Diajukan (Rp)")],
            status_rows,
        )
    )
    sections.append(
        Section(
            gettext("Umur klaim menunggu verifikasi"),
            [gettext("Umur"), gettext("Jumlah klaim")],
            [[gettext(label), count] for label, count in ageing(claims, today)],
        )
    )
    return sections


def report_xlsx(title: str, sections: Sequence[Section]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for index, section in enumerate(sections, start=1):
        sheet = workbook.create_sheet(title=f"{index}. {section.title}"[:31].replace("/", "-"))
        sheet.append([title])
        sheet.append([section.title])
        sheet.append(list(section.header))
        for row in section.rows:
            sheet.append([_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    return safe_cell(value) if isinstance(value, str) else value


def report_pdf(title: str, sections: Sequence[Section]) -> bytes:
    return table_pdf(title, [(section.title, section.header, section.rows) for section in sections])


def ageing(claims: QuerySet[Claim], today: dt.date) -> list[tuple[str, int]]:
    """Claims waiting for verification per age bucket (rules.claims.AGEING_BUCKETS), counted
    in the database: a claim submitted on local day D is ``today - D`` days old."""
    pending = claims.filter(status=ClaimState.SUBMITTED.value).order_by()

    def start_of(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    counts: dict[str, Any] = {}
    for index, (low, high, _label) in enumerate(AGEING_BUCKETS):
        # age in [low, high] days  <=>  submitted on a local day in [today - high, today - low]
        condition = Q(submitted_at__lt=start_of(today - dt.timedelta(days=low - 1)))
        if high is not None:
            condition &= Q(submitted_at__gte=start_of(today - dt.timedelta(days=high)))
        counts[f"b{index}"] = Count("id", filter=condition)
    row = pending.aggregate(**counts)
    return [(label, row[f"b{index}"]) for index, (_low, _high, label) in enumerate(AGEING_BUCKETS)]
