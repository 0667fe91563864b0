"""Claim reports: figures, scoping, XLSX and PDF export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ejamkesda.core.roles import Role
from ejamkesda.services.claim_decisions import LineAdjustment, claim_approve, claim_approve_adjusted, claim_reject
from ejamkesda.services.models import Claim
from ejamkesda.services.reports import claim_report
from tests.factories import user_with_role
from tests.services.factories import approved_sjp, ppk_operator, submitted_claim, tariff_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims():
    tariff_table()
    verifier = user_with_role(Role.UPT_VERIFIER)
    operator = ppk_operator()
    approved = claim_approve(claim=submitted_claim(sjp=approved_sjp(operator=operator)), actor=verifier)
    adjusted_source = submitted_claim(sjp=approved_sjp(operator=operator))
    first_line = adjusted_source.lines.first()
    adjusted = claim_approve_adjusted(
        claim=adjusted_source, actor=verifier, adjustments=[LineAdjustment(first_line.pk, 0, "tidak perlu")]
    )
    rejected = claim_reject(
        claim=submitted_claim(sjp=approved_sjp(operator=operator)), actor=verifier, reason_code="duplikat"
    )
    pending = submitted_claim(sjp=approved_sjp())  # another provider, waiting for verification
    return {"operator": operator, "approved": approved, "adjusted": adjusted, "rejected": rejected, "pending": pending}


def test_report_figures(claims):
    today = timezone.localdate()
    sections = {s.title.split(" (")[0]: s for s in claim_report(Claim.objects.all(), year=today.year, today=today)}
    recap = sections["Rekap per PPK dan bulan"].rows
    own = next(row for row in recap if claims["operator"].provider.code in row[0])
    claimed_each = 175_000
    assert own[2] == 3 and own[3] == 3 * claimed_each
    assert own[4] == claims["approved"].approved_total + claims["adjusted"].approved_total
    assert sections["10 diagnosis terbanyak"].rows[0][:3] == ["A09", sections["10 diagnosis terbanyak"].rows[0][1], 4]
    ageing = dict(sections["Umur klaim menunggu verifikasi"].rows)
    assert ageing["0–7 hari"] == 1
    kinds = sections["Per jenis pelayanan"].rows
    assert kinds == [["Rawat jalan", 4, 4 * claimed_each, own[4]]]


def test_operator_report_is_scoped(client, claims):
    client.force_login(claims["operator"])
    body = client.get(reverse("services:reports")).content.decode()
    assert claims["operator"].provider.name in body
    assert claims["pending"].provider.name not in body


def test_exports(client, claims):
    client.force_login(user_with_role(Role.UPT_ADMIN))
    year = timezone.localdate().year
    response = client.get(reverse("services:reports"), {"tahun": year, "format": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 5
    values = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert claims["operator"].provider.name in " ".join(str(v) for v in values if v)
    response = client.get(reverse("services:reports"), {"tahun": year, "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_ageing_buckets_counted_in_the_database_match_the_rule():
    import datetime as dt

    from ejamkesda.rules.claims import ageing_bucket
    from ejamkesda.services.reports import ageing

    tariff_table()
    today = timezone.localdate()
    ages = [0, 7, 8, 14, 15, 30, 31, 90]
    for days in ages:
        claim = submitted_claim()
        local_noon = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time(12)))
        Claim.objects.filter(pk=claim.pk).update(submitted_at=local_noon)
    expected: dict[str, int] = {}
    for days in ages:
        expected[ageing_bucket(days)] = expected.get(ageing_bucket(days), 0) + 1
    assert dict(ageing(Claim.objects.all(), today)) == expected
