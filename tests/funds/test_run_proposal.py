"""The new-run form proposes the profile of the provider's kind, or its own last choice, and
for Kapuas Hulu the previous calendar year (Perbup Kapuas Hulu 9/2015 Pasal 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ejamkesda.core.roles import Role
from ejamkesda.funds import run_services, services
from ejamkesda.funds.models import RegulationProfile
from ejamkesda.funds.proposals import run_proposal
from ejamkesda.providers.models import Provider
from tests.factories import ProviderFactory
from tests.funds.factories import AttendanceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def shipped():
    services.profiles_ensure_shipped()


def test_puskesmas_gets_a_puskesmas_profile_and_last_month():
    proposal = run_proposal(provider=ProviderFactory(kind=Provider.Kind.PUSKESMAS), today=TODAY)
    assert proposal.profile.code == "tanah-datar-29-2017"
    assert (proposal.period_from, proposal.period_to) == (dt.date(2026, 2, 1), dt.date(2026, 2, 1))


def test_hospital_gets_kapuas_hulu_and_the_previous_calendar_year():
    hospital = ProviderFactory(kind=Provider.Kind.HOSPITAL, level=Provider.Level.FKRTL)
    proposal = run_proposal(provider=hospital, today=TODAY)
    assert proposal.profile.code == "kapuas-hulu-9-2015" and "Pasal 20" in proposal.reason
    assert (proposal.period_from, proposal.period_to) == (dt.date(2025, 1, 1), dt.date(2025, 12, 1))


def test_the_providers_own_last_choice_wins():
    provider = ProviderFactory(kind=Provider.Kind.PUSKESMAS)
    AttendanceFactory(staff=StaffMemberFactory(provider=provider), period=dt.date(2025, 1, 1))
    permenkes = RegulationProfile.objects.get(code="permenkes-21-2016")
    run_services.run_create(
        provider=provider, period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 1, 1), profile=permenkes,
        pool_amount=1000, actor=None,
    )  # fmt: skip
    assert run_proposal(provider=provider, today=TODAY).profile == permenkes


def test_form_shows_the_proposal(client, login):
    hospital = ProviderFactory(kind=Provider.Kind.HOSPITAL, level=Provider.Level.FKRTL)
    login(Role.TREASURER, provider=hospital)
    page = client.get(reverse("funds:run_create")).content.decode()
    kapuas = RegulationProfile.objects.get(code="kapuas-hulu-9-2015")
    last_year = dt.date.today().year - 1
    assert f'value="{last_year}-01"' in page and f'value="{last_year}-12"' in page
    assert f'<option value="{kapuas.pk}" selected' in page
    assert "Pasal 20" in page


def test_profile_pages_show_the_multi_month_rule_and_the_named_ambiguities(client, login):
    login(Role.VIEWER)
    kapuas = client.get(
        reverse("funds:profile_detail", args=[RegulationProfile.objects.get(code="kapuas-hulu-9-2015").pk])
    ).content.decode()
    assert "bulan per bulan" in kapuas and "tahun sebelumnya" in kapuas and "Pasal 20" in kapuas
    tanah_datar = client.get(
        reverse("funds:profile_detail", args=[RegulationProfile.objects.get(code="tanah-datar-29-2017").pk])
    ).content.decode()
    assert "nonkapitasi_tenaga" in tanah_datar and "masa_kerja_batas_tahun" in tanah_datar
    assert "kepada tenaga kesehatan" in tanah_datar and "lima tahun lebih satu hari" in tanah_datar
