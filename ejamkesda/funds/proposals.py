"""What the new-run form proposes for a provider: its own last choice of profile, else a
profile written for its kind (hospital or puskesmas), and the period the profile pays.

Perbup Kapuas Hulu 9/2015 Pasal 20 pays the annual fee for the previous calendar year, so a
profile that says so (``[periode] tahunan = "tahun_sebelumnya"``) proposes January–December
of last year; other profiles propose last month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ejamkesda.funds.models import DistributionRun, RegulationProfile
from ejamkesda.funds.selectors import latest_profiles
from ejamkesda.funds.services import profile_parsed
from ejamkesda.providers.models import Provider
from ejamkesda.rules.profile import ProfileError


@dataclass(frozen=True)
class RunProposal:
    profile: RegulationProfile | None
    period_from: dt.date
    period_to: dt.date
    reason: str


def run_proposal(*, provider: Provider, today: dt.date | None = None) -> RunProposal:
    today = today or dt.date.today()
    latest = {profile.code: profile for profile in latest_profiles()}
    last_run = DistributionRun.objects.filter(provider=provider).select_related("profile").order_by("-id").first()
    profile: RegulationProfile | None = None
    reason = ""
    if last_run is not None:
        profile = latest.get(last_run.profile.code, last_run.profile)
        reason = _("profil yang dipakai pembagian terakhir PPK ini")
    else:
        matches = []
        for candidate in latest.values():
            try:
                kinds = profile_parsed(candidate).provider_kinds
            except ProfileError:
                continue
            if provider.kind in kinds:
                matches.append((len(kinds), candidate.code, candidate))
        if matches:
            profile = min(matches, key=lambda item: item[:2])[2]  # the most specific to the kind
            reason = _("profil untuk jenis PPK %(kind)s") % {"kind": provider.get_kind_display()}
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    period_from = period_to = last_month
    if profile is not None and profile_parsed(profile).annual_previous_year:
        period_from, period_to = dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 1)
        reason += "; " + _("pembagian tahunan atas tahun sebelumnya (Perbup Kapuas Hulu 9/2015 Pasal 20)")
    return RunProposal(profile, period_from, period_to, reason)
