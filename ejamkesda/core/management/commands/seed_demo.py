"""A synthetic regency for demonstration and manual testing (README.md).

Deterministic for a given --seed. Creates demo accounts, so it must never run on a
production install (refused when EJAMKESDA_ENV=production unless --allow-production).
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from faker import Faker

from ejamkesda.accounts.factors import demo_totp_device
from ejamkesda.accounts.models import Agency, User
from ejamkesda.core.demo import DemoContext
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import (
    Membership,
    MembershipStatus,
    Person,
    Programme,
    Segment,
    name_key,
)
from ejamkesda.providers.models import Provider
from ejamkesda.regions.models import Region
from ejamkesda.regions.services import regions_load

DEMO_PASSWORD = "demo-jamkesda-2026"  # noqa: S105 (demo data only, documented in README)
DEMO_USERS = [
    ("demo_admin", Role.UPT_ADMIN, "Admin UPT Jamkesda"),
    # A second UPT admin: who gathers a payment batch may not also mark it paid.
    ("demo_keuangan", Role.UPT_ADMIN, "Kepala Keuangan UPT"),
    ("demo_verifikator", Role.UPT_VERIFIER, "Verifikator UPT"),
    ("demo_ppk", Role.PPK_OPERATOR, "Operator Puskesmas"),
    ("demo_ppk_rs", Role.PPK_OPERATOR, "Operator Rumah Sakit"),
    ("demo_bendahara", Role.TREASURER, "Bendahara Puskesmas"),
    ("demo_opd", Role.OPD_OPERATOR, "Operator Dinas Sosial"),
    ("demo_pimpinan", Role.VIEWER, "Kepala Dinas Kesehatan"),
    ("demo_pengadaan", Role.PROCUREMENT_OFFICER, "Pejabat Pengadaan Dinkes"),
    ("demo_desa", Role.VILLAGE_OFFICER, "Operator Desa"),
    ("demo_camat", Role.DISTRICT_OFFICER, "Petugas Kecamatan"),
]
# Agencies addressed by Instruksi Bupati Tegal 379/2022, as a typical set.
DEMO_AGENCIES = [
    ("DINKES", "Dinas Kesehatan"),
    ("DINSOS", "Dinas Sosial"),
    ("DISDIK", "Dinas Pendidikan dan Kebudayaan"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM"),
    ("DISNAKER", "Dinas Tenaga Kerja"),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa"),
    ("DISPERTAN", "Dinas Pertanian"),
    ("DKP", "Dinas Kelautan dan Perikanan"),
    ("DISKOP", "Dinas Koperasi dan UKM"),
    ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
]
SEGMENT_WEIGHTS = [
    (Segment.PBI_APBN, 38),
    (Segment.PBPU_BP_PEMDA, 22),
    (Segment.PPU, 18),
    (Segment.PBPU, 10),
    (Segment.BP, 3),
]


class Command(BaseCommand):
    help = "Mengisi data demo: wilayah, PPK, OPD, penduduk, kepesertaan, dan akun demo setiap peran."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="Lewati bila sudah ada data penduduk.")
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError("Data demo tidak boleh dibuat pada instalasi produksi.")
        if not Region.objects.exists():
            self.stdout.write(f"Memuat wilayah: {regions_load()} wilayah.")
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("Data sudah ada; data demo tidak dibuat ulang.")
            return
        rng = random.Random(options["seed"])
        faker = Faker("id_ID")
        faker.seed_instance(options["seed"])
        context = DemoContext(rng=rng, faker=faker, regency_code=settings.REGENCY_CODE, log=self.stdout.write)
        districts = list(Region.objects.filter(parent_id=settings.REGENCY_CODE, level=3).order_by("code"))
        if not districts:
            raise CommandError(f"Kode kabupaten/kota {settings.REGENCY_CODE} (REGENCY_CODE) tidak dikenal.")
        with transaction.atomic():
            context.agencies = self._agencies()
            context.providers = self._providers(districts, rng)
            context.users = self._users(context)
            context.person_ids = self._people(districts, options["people"], rng, faker)
        self.stdout.write(f"{len(context.person_ids)} penduduk, {len(context.providers)} PPK dibuat.")
        for app in apps.get_app_configs():
            if not app.name.startswith("ejamkesda.") or app.name == "ejamkesda.core":
                continue
            try:
                module = importlib.import_module(f"{app.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(context)
            self.stdout.write(f"Data demo {app.label} dibuat.")
        self.stdout.write(self.style.SUCCESS("Data demo siap."))

    def _agencies(self) -> list[Agency]:
        return [Agency.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in DEMO_AGENCIES]

    def _providers(self, districts: list[Region], rng: random.Random) -> list[Provider]:
        providers = []
        for index, district in enumerate(districts, start=1):
            village = Region.objects.filter(parent=district).order_by("code").first()
            short = district.name.replace("Kecamatan ", "")
            providers.append(
                Provider.objects.create(
                    code=f"1703{index:04d}",
                    name=f"Puskesmas {short}",
                    kind=Provider.Kind.PUSKESMAS,
                    level=Provider.Level.FKTP,
                    address=f"Jl. Kesehatan No. {index}",
                    village=village,
                    phone=f"0542-{rng.randint(100000, 999999)}",
                    agreement_number=f"PKS/{index:03d}/UPT-JKD/2026",
                    agreement_from=dt.date(2026, 1, 1),
                    agreement_to=dt.date(2026, 12, 31),
                )
            )
            providers.append(
                Provider.objects.create(
                    code=f"0064K{index:03d}",
                    name=f"Klinik Pratama Sehat {short}",
                    kind=Provider.Kind.CLINIC,
                    level=Provider.Level.FKTP,
                    address=f"Jl. Poros No. {10 + index}",
                    village=village,
                )
            )
        first_village = Region.objects.filter(parent=districts[0]).order_by("code").first()
        providers.append(
            Provider.objects.create(
                code="0064R001",
                name="RSUD Ratu Aji Putri Botung",
                kind=Provider.Kind.HOSPITAL,
                level=Provider.Level.FKRTL,
                address="Jl. Provinsi Km 9",
                village=first_village,
                agreement_number="PKS/RS/001/2026",
                agreement_from=dt.date(2026, 1, 1),
                agreement_to=dt.date(2026, 12, 31),
            )
        )
        return providers

    def _users(self, context: DemoContext) -> dict[str, User]:
        puskesmas = context.providers[0]
        hospital = context.providers[-1]
        dinsos = next(agency for agency in context.agencies if agency.code == "DINSOS")
        users = {}
        for username, role, full_name in DEMO_USERS:
            first, _sep, last = full_name.partition(" ")
            user = User(username=username, role=role, first_name=first, last_name=last)
            if role in (Role.PPK_OPERATOR, Role.TREASURER):
                user.provider = hospital if username == "demo_ppk_rs" else puskesmas
            if role == Role.OPD_OPERATOR:
                user.agency = dinsos
            if role == Role.PROCUREMENT_OFFICER:  # Perbup Kapuas Hulu 9/2015 Pasal 9
                user.agency = next(agency for agency in context.agencies if agency.code == "DINKES")

            if role in (Role.VILLAGE_OFFICER, Role.DISTRICT_OFFICER):
                village = puskesmas.village or Region.objects.filter(level=4).order_by("code").first()
                user.region = village if role == Role.VILLAGE_OFFICER or village is None else village.parent
            user.set_password(DEMO_PASSWORD)
            user.save()
            if not settings.PRODUCTION:  # demo sign-in needs a code: demo_logins prints the secret
                demo_totp_device(user=user)
            users[username] = user
        return users

    def _people(self, districts: list[Region], count: int, rng: random.Random, faker: Faker) -> list[int]:
        villages = {d.code: list(Region.objects.filter(parent=d).order_by("code")) for d in districts}
        serials: dict[str, int] = {}
        today = dt.date.today()
        people: list[Person] = []
        plans: list[tuple[int, str, Segment | None]] = []
        while len(people) < count:
            district = rng.choice(districts)
            village = rng.choice(villages[district.code]) if villages[district.code] else None
            kk = f"{district.plain_code}{rng.randint(10**9, 10**10 - 1)}"
            family_name = faker.last_name()
            address = faker.street_address()
            rt, rw = f"{rng.randint(1, 20):03d}", f"{rng.randint(1, 8):03d}"
            for member in range(min(rng.randint(1, 5), count - len(people))):
                sex = "L" if (member == 0 or rng.random() < 0.5) else "P"
                if member == 0:
                    age = rng.randint(25, 70)
                elif member == 1:
                    age = rng.randint(22, 65)
                else:
                    age = rng.randint(0, 20)
                birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
                day = birth.day + (40 if sex == "P" else 0)
                stem = f"{district.plain_code}{day:02d}{birth:%m%y}"
                serials[stem] = serials.get(stem, 0) + 1
                first = faker.first_name_male() if sex == "L" else faker.first_name_female()
                name = f"{first} {family_name}"
                people.append(
                    Person(
                        nik=f"{stem}{serials[stem]:04d}",
                        kk_number=kk,
                        name=name,
                        name_key=name_key(name),
                        sex=sex,
                        birth_place=rng.choice(["Penajam", "Balikpapan", "Samarinda", "Tanah Grogot", "Makassar"]),
                        birth_date=birth,
                        address=address,
                        rt=rt,
                        rw=rw,
                        village=village,
                        phone=faker.phone_number()[:32] if member == 0 else "",
                    )
                )
                roll = rng.random()
                if roll < 0.88:
                    weights = [w for _s, w in SEGMENT_WEIGHTS]
                    plans.append((len(people) - 1, "jkn", rng.choices([s for s, _w in SEGMENT_WEIGHTS], weights)[0]))
                elif roll < 0.93:
                    plans.append((len(people) - 1, "jamkesda", None))
        Person.objects.bulk_create(people, batch_size=1000)
        ids = dict(Person.objects.filter(nik__in=[p.nik for p in people]).values_list("nik", "id"))
        memberships = []
        for index, programme, segment in plans:
            person_id = ids[people[index].nik]
            status = rng.choices(
                [MembershipStatus.ACTIVE, MembershipStatus.INACTIVE, MembershipStatus.ARREARS], [85, 9, 6]
            )[0]
            if programme == "jkn":
                memberships.append(
                    Membership(
                        person_id=person_id,
                        programme=Programme.JKN,
                        segment=segment or "",
                        card_number=f"0001{rng.randint(10**8, 10**9 - 1)}",
                        care_class=3 if segment in (Segment.PBI_APBN, Segment.PBPU_BP_PEMDA) else rng.choice([1, 2, 3]),
                        status=status,
                        valid_from=dt.date(2024, 1, 1),
                        source="Data BPJS (demo)",
                        source_date=dt.date(today.year, today.month, 1),
                    )
                )
            else:
                memberships.append(
                    Membership(
                        person_id=person_id,
                        programme=Programme.JAMKESDA,
                        care_class=3,
                        card_number=f"JKD{rng.randint(10**6, 10**7 - 1)}",
                        status=MembershipStatus.ACTIVE,
                        valid_from=dt.date(today.year, 1, 1),
                        valid_to=dt.date(today.year, 12, 31),
                        source="UPT Jamkesda (demo)",
                        source_date=dt.date(today.year, 1, 1),
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=1000)
        return sorted(ids.values())
