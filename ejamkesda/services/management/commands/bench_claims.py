"""Benchmark the claim pages on a large synthetic table (docs/layanan-ppk-dan-verifikasi.md: lists stay fast with a
million claims). Refused in production; meant for a scratch database:

    DATABASE_URL=postgres://.../scratch manage.py bench_claims --claims 1000000

Creates providers, people, letters and N claims with bulk inserts (skipped when the table
already holds N claims), then times the verifier queue, the PPK list, a deep page, a claim
detail and the yearly report through the real views, printing milliseconds and query counts.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ejamkesda.core.roles import Role
from ejamkesda.participants.models import Person
from ejamkesda.providers.models import Provider
from ejamkesda.rules.claims import ClaimState
from ejamkesda.services.models import Claim, Sjp, TariffItem, TariffTable

# A steady state: most claims are paid or rejected; a few percent are still in the workflow.
STATES = [
    (ClaimState.SUBMITTED, 2),
    (ClaimState.RETURNED, 1),
    (ClaimState.APPROVED, 2),
    (ClaimState.ADJUSTED, 1),
    (ClaimState.REJECTED, 3),
    (ClaimState.IN_PAYMENT, 1),
    (ClaimState.PAID, 90),
]
DIAGNOSES = ["A09", "J18.9", "I10", "E11.9", "O80", "K35.8", "N39.0", "J06.9", "A01.0", "S06.0"]


class Command(BaseCommand):
    help = "Tolok ukur halaman klaim pada tabel klaim besar (hanya untuk basis data uji)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=int, default=100_000)
        parser.add_argument("--providers", type=int, default=60)
        parser.add_argument("--people", type=int, default=5_000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Tolok ukur tidak boleh dijalankan pada instalasi produksi.")
        rng = random.Random(7)
        started = time.perf_counter()
        operator, verifier = self._fill(rng, options["claims"], options["providers"], options["people"])
        self.stdout.write(f"Data siap: {Claim.objects.count()} klaim ({time.perf_counter() - started:.0f} s).")
        claim = Claim.objects.filter(provider_id=operator.provider_id).order_by("-id").first()
        assert claim is not None
        year = claim.discharge_date.year
        deep_page = max(Claim.objects.count() // 25 // 2, 1)
        cases: list[tuple[str, Any, str, dict[str, Any]]] = [
            ("verifikator: antrean klaim diajukan", verifier, reverse("services:claim_list"), {"status": "diajukan"}),
            ("verifikator: semua klaim, halaman 1", verifier, reverse("services:claim_list"), {}),
            ("verifikator: semua klaim, halaman tengah", verifier, reverse("services:claim_list"), {"page": deep_page}),
            ("operator PPK: klaim sendiri", operator, reverse("services:claim_list"), {}),
            ("operator PPK: rincian klaim", operator, reverse("services:claim_detail", args=[claim.pk]), {}),
            ("verifikator: antrean SJP", verifier, reverse("services:sjp_list"), {"status": "diajukan"}),
            ("admin: laporan klaim setahun", verifier, reverse("services:reports"), {"tahun": year}),
        ]
        client = Client()
        for label, user, url, params in cases:
            client.force_login(user)
            client.get(url, params)  # warm-up
            times = []
            queries = 0
            for _ in range(options["repeat"]):
                with CaptureQueriesContext(connection) as captured:
                    begin = time.perf_counter()
                    response = client.get(url, params)
                    times.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{label}: HTTP {response.status_code}")
                queries = len(captured.captured_queries)
            self.stdout.write(
                f"{label:45s} median {statistics.median(times):8.1f} ms  maks {max(times):8.1f} ms  {queries} kueri"
            )

    def _fill(self, rng: random.Random, total: int, provider_count: int, people: int) -> tuple[Any, Any]:
        User = get_user_model()
        with transaction.atomic():
            providers = list(Provider.objects.filter(code__startswith="BENCH").order_by("id"))
            if not providers:
                Provider.objects.bulk_create(
                    [
                        Provider(
                            code=f"BENCH{i:04d}",
                            name=f"PPK Uji {i}",
                            kind=Provider.Kind.PUSKESMAS,
                            level=Provider.Level.FKTP,
                        )
                        for i in range(provider_count)
                    ]
                )
                providers = list(Provider.objects.filter(code__startswith="BENCH").order_by("id"))
            operator = User.objects.filter(username="bench_ppk").first() or User.objects.create(
                username="bench_ppk", role=Role.PPK_OPERATOR, provider=providers[0]
            )
            verifier = User.objects.filter(username="bench_verifikator").first() or User.objects.create(
                username="bench_verifikator", role=Role.UPT_VERIFIER
            )
            table = TariffTable.objects.filter(name="Tarif uji tolok ukur").first()
            if table is None:
                table = TariffTable.objects.create(
                    name="Tarif uji tolok ukur", effective_from=dt.date(2000, 1, 1), version=999
                )
                TariffItem.objects.create(table=table, code="RJ01", description="Rawat jalan", price=50_000)
            if not Person.objects.filter(nik__startswith="99").exists():
                Person.objects.bulk_create(
                    [
                        Person(
                            nik=f"99{i:014d}",
                            name=f"Pasien Uji {i}",
                            name_key=f"PASIEN UJI {i}",
                            sex="L",
                            birth_date=dt.date(1980, 1, 1),
                        )
                        for i in range(people)
                    ],
                    batch_size=2000,
                )
            person_ids = list(Person.objects.filter(nik__startswith="99").values_list("id", flat=True))
            if not Sjp.objects.filter(requested_by=operator).exists():
                today = timezone.localdate()
                Sjp.objects.bulk_create(
                    [
                        Sjp(
                            provider=providers[i % len(providers)],
                            person_id=person_id,
                            service_kind="rawat_jalan",
                            diagnosis_code="A09",
                            service_from=today - dt.timedelta(days=700),
                            status=Sjp.Status.APPROVED if i % 10 else Sjp.Status.REQUESTED,
                            number=f"SJP/UJI/{i:07d}" if i % 10 else None,
                            token=f"bench-{i}",
                            requested_by=operator,
                            valid_until=today,
                        )
                        for i, person_id in enumerate(person_ids)
                    ],
                    batch_size=2000,
                )
        existing = Claim.objects.count()
        if connection.vendor == "postgresql" and existing < total:
            self._fill_postgresql(existing, total, operator.pk, table.pk)
            return operator, verifier
        letters = list(Sjp.objects.filter(requested_by=operator).values_list("id", "provider_id", "person_id"))
        now = timezone.now()
        states = [state.value for state, _weight in STATES]
        weights = [weight for _state, weight in STATES]
        batch: list[Claim] = []
        for index in range(existing, total):
            sjp_id, provider_id, person_id = letters[index % len(letters)]
            age = rng.randint(0, 700)
            admission = timezone.localdate(now) - dt.timedelta(days=age)
            status = rng.choices(states, weights)[0]
            claimed = rng.randint(1, 40) * 25_000
            batch.append(
                Claim(
                    provider_id=provider_id,
                    sjp_id=sjp_id,
                    person_id=person_id,
                    service_kind="rawat_jalan",
                    admission_date=admission,
                    discharge_date=admission + dt.timedelta(days=rng.randint(0, 4)),
                    primary_diagnosis=rng.choice(DIAGNOSES),
                    tariff_table=table,
                    status=status,
                    idempotency_key=f"bench-{index}",
                    claimed_total=claimed,
                    approved_total=claimed if status not in ("diajukan", "dikembalikan", "ditolak") else None,
                    created_by=operator,
                    submitted_at=now - dt.timedelta(days=max(age - 5, 0), minutes=rng.randint(0, 1440)),
                )
            )
            if len(batch) == 10_000:
                Claim.objects.bulk_create(batch)
                batch = []
                self.stdout.write(f"  {index + 1} klaim…")
        if batch:
            Claim.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return operator, verifier

    def _fill_postgresql(self, start: int, total: int, operator_id: int, table_id: int) -> None:
        """Generate the claims inside PostgreSQL (generate_series): a million rows in seconds."""
        bounds = []
        total_weight = 0
        for state, weight in STATES[:-1]:
            total_weight += weight
            bounds.append((state.value, total_weight))
        whens = " ".join(f"WHEN (g * 31) %% 100 < {bound} THEN '{state}'" for state, bound in bounds)
        status_case = f"CASE {whens} ELSE '{STATES[-1][0].value}' END"
        diagnoses = "ARRAY[" + ",".join(f"'{code}'" for code in DIAGNOSES) + "]"
        # Only constants of this module are formatted in; values go as parameters.
        sql = f"""
            INSERT INTO services_claim (
                provider_id, sjp_id, person_id, service_kind, admission_date, discharge_date,
                primary_diagnosis, secondary_diagnoses, tariff_table_id, status, version, idempotency_key,
                claimed_total, approved_total, reject_reason, verifier_note, provider_note, created_by_id,
                submitted_at
            )
            WITH l AS (
                SELECT array_agg(id ORDER BY id) AS ids, array_agg(provider_id ORDER BY id) AS providers,
                       array_agg(person_id ORDER BY id) AS people, count(*) AS n
                FROM services_sjp WHERE requested_by_id = %s
            )
            SELECT l.providers[1 + g %% l.n], l.ids[1 + g %% l.n], l.people[1 + g %% l.n], 'rawat_jalan',
                   d.adm, d.adm + (g %% 5)::int,
                   ({diagnoses})[1 + g %% {len(DIAGNOSES)}], '[]'::jsonb, %s, st.status, 1, 'bench-' || g,
                   (1 + g %% 40) * 25000,
                   CASE WHEN st.status IN ('diajukan', 'dikembalikan', 'ditolak') THEN NULL
                        ELSE (1 + g %% 40) * 25000 END,
                   '', '', '', %s,
                   now() - (GREATEST(d.age - 5, 0) * interval '1 day') - ((g %% 1440) * interval '1 minute')
            FROM generate_series(%s::bigint, %s::bigint) AS g
            CROSS JOIN l
            CROSS JOIN LATERAL (SELECT ((g * 7919) %% 700)::int AS age) AS a
            CROSS JOIN LATERAL (SELECT (current_date - a.age)::date AS adm, a.age AS age) AS d
            CROSS JOIN LATERAL (SELECT {status_case} AS status) AS st
        """  # noqa: S608
        step = 200_000
        with connection.cursor() as cursor:
            for low in range(start, total, step):
                high = min(low + step, total) - 1
                cursor.execute(sql, [operator_id, table_id, operator_id, low, high])
                self.stdout.write(f"  {high + 1} klaim…")
            cursor.execute("ANALYZE services_claim")
