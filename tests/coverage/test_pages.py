"""Every coverage page renders for its roles, without inline scripts or styles (CSP)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from ejamkesda.core.navigation import menu_for
from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import InstructionTask, PremiumBill, SnapshotKind
from tests.coverage.factories import (
    VILLAGE_A,
    SectorEntryFactory,
    SectorListFactory,
    SnapshotFactory,
    build_month,
    nik,
    regions,
)

pytestmark = pytest.mark.django_db


def test_all_pages_render_csp_clean(client, login):
    regions()
    build_month(dt.date(2026, 9, 1), residents=[(nik(1), VILLAGE_A)], members=[(nik(1), "pbi_apbn", "aktif")])
    period = build_month(
        residents=[(nik(1), VILLAGE_A), (nik(2), VILLAGE_A)], members=[(nik(1), "pbpu_bp_pemda", "aktif")]
    )
    sector_list = SectorListFactory()
    snapshot = SnapshotFactory(kind=SnapshotKind.SECTOR, sector_list=sector_list, as_of=period.month)
    SectorEntryFactory(snapshot=snapshot, nik=nik(2))
    call_command("seed_instruction_tasks", file="ppu_contoh_demo")
    bill = PremiumBill.objects.create(month=period.month, billed_amount=42000, billed_count=1)
    login(Role.UPT_ADMIN)
    urls = [
        reverse("coverage:dashboard"),
        reverse("coverage:public"),
        reverse("coverage:area", args=["64.09.01"]),
        reverse("coverage:area", args=[VILLAGE_A]),
        reverse("coverage:village_residents", args=[VILLAGE_A]),
        reverse("coverage:inactive"),
        reverse("coverage:imports"),
        reverse("coverage:snapshot", args=[snapshot.pk]),
        reverse("coverage:sector_lists"),
        reverse("coverage:sector_list", args=[sector_list.pk]),
        reverse("coverage:sector_people", args=[sector_list.pk]),
        reverse("coverage:review_queue"),
        reverse("coverage:pbi_index"),
        reverse("coverage:pbi_village", args=[VILLAGE_A]),
        reverse("coverage:proposals"),
        reverse("coverage:premium"),
        reverse("coverage:bill_add"),
        reverse("coverage:bill", args=[bill.pk]),
        reverse("coverage:tasks"),
        reverse("coverage:task", args=[InstructionTask.objects.first().pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        main = response.content.decode().split("<main", 1)[1]
        assert "style=" not in main and "<script" not in main, url


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.UPT_ADMIN, {"coverage:dashboard", "coverage:imports", "coverage:review_queue"}, set()),
        (Role.UPT_VERIFIER, {"coverage:dashboard", "coverage:pbi_index"}, {"coverage:imports"}),
        (Role.OPD_OPERATOR, {"coverage:sector_lists", "coverage:tasks"}, {"coverage:pbi_index", "coverage:premium"}),
        (Role.VIEWER, {"coverage:dashboard", "coverage:premium", "coverage:tasks"}, {"coverage:review_queue"}),
    ],
)
def test_menu_per_role(login, role, expected, absent):
    user = login(role)
    urls = {item["url"] for item in menu_for(user)}
    assert {reverse(name) for name in expected} <= urls
    assert not ({reverse(name) for name in absent} & urls)
