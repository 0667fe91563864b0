"""Create a draft distribution run in the database (the same service the web page calls).

manage.py jaspel_run --provider KODE_PPK --from YYYY-MM [--to YYYY-MM] --profile ID
    [--version N] [--source SUMBER] [--service-kind JENIS] [--pool RUPIAH]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.funds import run_services, services
from ejamkesda.funds.models import RegulationProfile
from ejamkesda.providers.models import Provider
from ejamkesda.rules.profile import ProfileError


def _month(text: str) -> dt.date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise CommandError(f"Bulan '{text}' harus berbentuk YYYY-MM.", returncode=2) from None


class Command(BaseCommand):
    help = "Buat draf pembagian jasa pelayanan untuk satu PPK dan rentang bulan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", required=True, help="Kode PPK")
        parser.add_argument("--from", dest="period_from", required=True, help="Bulan awal YYYY-MM")
        parser.add_argument("--to", dest="period_to", help="Bulan akhir YYYY-MM (bawaan: sama dengan awal)")
        parser.add_argument("--profile", required=True, help="Kode profil, mis. kapuas-hulu-9-2015")
        parser.add_argument(
            "--profile-version", dest="profile_version", type=int, help="Versi profil (bawaan: terbaru)"
        )
        parser.add_argument("--source", default="", help="Sumber dana, mis. kapitasi (bawaan: semua)")
        parser.add_argument("--service-kind", default="", help="Jenis layanan non kapitasi")
        parser.add_argument("--pool", type=int, help="Dana jasa pelayanan; bawaan dari penerimaan")

    def handle(self, *args: Any, **options: Any) -> None:
        services.profiles_ensure_shipped()
        provider = Provider.objects.filter(code=options["provider"]).first()
        if provider is None:
            raise CommandError(f"PPK '{options['provider']}' tidak ada.", returncode=2)
        profiles = RegulationProfile.objects.filter(code=options["profile"]).order_by("-version")
        if options["profile_version"]:
            profiles = profiles.filter(version=options["profile_version"])
        profile = profiles.first()
        if profile is None:
            raise CommandError(f"Profil '{options['profile']}' tidak ada.", returncode=2)
        period_from = _month(options["period_from"])
        try:
            run = run_services.run_create(
                provider=provider,
                period_from=period_from,
                period_to=_month(options["period_to"]) if options["period_to"] else period_from,
                profile=profile,
                actor=None,
                source=options["source"],
                service_kind=options["service_kind"],
                pool_amount=options["pool"],
            )
        except (ValidationError, ProfileError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)])), returncode=2) from exc
        total = sum(run.lines.values_list("share", flat=True))
        self.stdout.write(
            f"Draf pembagian #{run.pk} {provider.name} {run.period_label} v{run.version}: "
            f"{run.lines.count()} pegawai, Rp {total:,} dari Rp {run.pool_amount:,}".replace(",", ".")
        )
