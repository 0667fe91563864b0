"""Demo data for jasa pelayanan: a roster, three months of attendance, capitation receipts,
one approved run and one draft, at the demo treasurer's provider."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ejamkesda.core.demo import DemoContext
from ejamkesda.funds import run_services, services
from ejamkesda.funds.models import RegulationProfile

ROSTER = [
    ("tenaga_medis", "S1 Kedokteran", "pns", "III/d", "kepala"),
    ("tenaga_medis", "S1 Kedokteran Gigi", "pns", "III/c", ""),
    ("apoteker_ners", "Profesi Ners", "pns", "III/b", ""),
    ("apoteker_ners", "Apoteker", "pppk", "IX", ""),
    ("nakes_s1_d4", "S1 Kesehatan Masyarakat", "pns", "III/a", "ktu"),
    ("nakes_d3", "D3 Kebidanan", "pns", "II/c", ""),
    ("nakes_d3", "D3 Kebidanan", "kontrak", "", ""),
    ("nakes_d3", "D3 Keperawatan", "kontrak", "", ""),
    ("nakes_d3", "D3 Analis Kesehatan", "pns", "II/d", ""),
    ("non_nakes_d3", "D3 Akuntansi", "pns", "II/c", "bendahara"),
    ("nakes_bawah_d3", "SPK", "pns", "II/b", ""),
    ("non_nakes_bawah_d3", "SMA", "kontrak", "", ""),
]


def seed(context: DemoContext) -> None:
    treasurer = context.users.get("demo_bendahara")
    admin = context.users.get("demo_admin")
    provider = getattr(treasurer, "provider", None)
    if treasurer is None or provider is None:
        context.log("jasa pelayanan: tidak ada bendahara demo, dilewati")
        return
    services.profiles_ensure_shipped()
    profile = RegulationProfile.objects.get(code="tanah-datar-29-2017", version=1)
    rng = context.rng
    for index, (jenis, education, status, golongan, roles) in enumerate(ROSTER, start=1):
        services.staff_save(
            provider=provider,
            actor=treasurer,
            data={
                "employee_no": f"PKM{index:03d}",
                "name": context.faker.name(),
                "jenis_tenaga": jenis,
                "education": education,
                "started_on": dt.date(2025, 1, 1) - dt.timedelta(days=rng.randint(200, 9000)),
                "roles": roles,
                "status": status,
                "golongan": golongan,
                "program_jkn": index == 5,
                "bank_name": "Bank Kaltim",
                "bank_account": f"0{rng.randint(10**9, 10**10 - 1)}",
                "active": True,
            },
        )
    today = dt.date.today().replace(day=1)
    months: list[dt.date] = []
    current = today
    for _ in range(3):
        current = (current - dt.timedelta(days=1)).replace(day=1)
        months.insert(0, current)
    for month in months:
        rows = [
            {
                "row": index,
                "employee_no": f"PKM{index:03d}",
                "hari_hadir": rng.randint(17, 22),
                "hari_izin": rng.choice([0, 0, 0, 1, 2]),
                "menit_terlambat": rng.choice([0, 30, 120, 450, 900]),
                "skp": str(Decimal(rng.randint(60, 100))),
            }
            for index in range(1, len(ROSTER) + 1)
        ]
        services.attendance_save(provider=provider, period=month, rows=rows, actor=treasurer, source="demo")
        services.receipt_record(
            provider=provider,
            period=month,
            source="kapitasi",
            amount=rng.randint(60, 90) * 1_000_000 + rng.randint(0, 999_999),
            profile=profile,
            received_on=month + dt.timedelta(days=9),
            actor=treasurer,
            reference=f"KAP/{month:%Y%m}",
        )
    first = run_services.run_create(
        provider=provider,
        period_from=months[0],
        period_to=months[0],
        profile=profile,
        actor=treasurer,
        source="kapitasi",
    )
    run_services.run_verify(run=first, actor=treasurer)
    if admin is not None:
        run_services.run_approve(run=first, actor=admin)
    run_services.run_create(
        provider=provider,
        period_from=months[1],
        period_to=months[1],
        profile=profile,
        actor=treasurer,
        source="kapitasi",
    )
    context.log(f"jasa pelayanan: {len(ROSTER)} pegawai, {len(months)} bulan, 2 pembagian di {provider.name}")
