"""Public provider directory, home and information pages (docs/portal-publik.md)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from ejamkesda.core.navigation import public_menu
from ejamkesda.portal.info import INFO_PAGES
from ejamkesda.providers.models import Provider
from tests.factories import ProviderFactory, ensure_region_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts():
    waru = ensure_region_tree("64.09.02.2001").parent
    waru.name = "Waru"
    waru.save()
    penajam = ensure_region_tree("64.09.01.2001").parent
    penajam.name = "Penajam"
    penajam.save()
    elsewhere = ensure_region_tree("64.01.01.2001").parent
    return {"waru": waru, "penajam": penajam, "elsewhere": elsewhere}


def names(response) -> set[str]:
    return {provider.name for provider in response.context["page"]}


def test_directory_search_and_filters(client, districts):
    ProviderFactory(name="Puskesmas Waru", district=districts["waru"], phone="0542 123")
    ProviderFactory(name="Klinik Sehat Waru", kind=Provider.Kind.CLINIC, district=districts["waru"])
    ProviderFactory(name="Puskesmas Penajam", district=districts["penajam"])
    ProviderFactory(
        name="RSUD Ratu Aji Putri Botung",
        kind=Provider.Kind.HOSPITAL,
        level=Provider.Level.FKRTL,
        district=districts["penajam"],
    )
    ProviderFactory(name="Puskesmas Tutup", district=districts["waru"], active=False)

    everything = client.get("/faskes/")
    assert everything.status_code == 200
    assert names(everything) == {
        "Puskesmas Waru",
        "Klinik Sehat Waru",
        "Puskesmas Penajam",
        "RSUD Ratu Aji Putri Botung",
    }
    assert names(client.get("/faskes/", {"q": "waru"})) == {"Puskesmas Waru", "Klinik Sehat Waru"}
    assert names(client.get("/faskes/", {"kecamatan": districts["penajam"].code})) == {
        "Puskesmas Penajam",
        "RSUD Ratu Aji Putri Botung",
    }
    assert names(client.get("/faskes/", {"jenis": "klinik"})) == {"Klinik Sehat Waru"}
    combined = client.get("/faskes/", {"q": "puskesmas", "kecamatan": districts["waru"].code})
    assert names(combined) == {"Puskesmas Waru"}
    text = combined.content.decode()
    assert "Puskesmas Tutup" not in text
    assert 'href="tel:0542123"' in text


def test_district_filter_offers_only_the_deployment_regency(client, districts):
    response = client.get("/faskes/")
    choices = dict(response.context["form"].fields["kecamatan"].choices)
    assert districts["waru"].code in choices
    assert districts["penajam"].code in choices
    assert districts["elsewhere"].code not in choices
    with override_settings(REGENCY_CODE="64.01"):
        choices = dict(client.get("/faskes/").context["form"].fields["kecamatan"].choices)
        assert set(choices) == {"", districts["elsewhere"].code}
    # A district of another regency is rejected, not silently ignored.
    bad = client.get("/faskes/", {"kecamatan": districts["elsewhere"].code})
    assert bad.context["form"].errors


def test_directory_pagination_and_htmx_partial(client):
    for n in range(25):
        ProviderFactory(name=f"Apotek {n:02d}", kind=Provider.Kind.PHARMACY)
    first = client.get("/faskes/")
    assert len(first.context["page"]) == 20
    assert "page=2" in first.content.decode()
    second = client.get("/faskes/", {"page": 2, "jenis": "apotek"})
    assert len(second.context["page"]) == 5
    assert "jenis=apotek&amp;page=1" in second.content.decode()
    partial = client.get("/faskes/", {"q": "Apotek 01"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text
    assert "Apotek 01" in text


def test_directory_detail_shows_contact_and_hides_inactive(client, districts):
    provider = ProviderFactory(
        name="Puskesmas Sepaku",
        address="Jl. Negara km 38",
        phone="0542-7000",
        email="pkm@example.org",
        district=districts["penajam"],
        agreement_number="PKS/RAHASIA/1",
    )
    response = client.get(reverse("portal:directory_detail", args=[provider.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Jl. Negara km 38" in text
    assert "0542-7000" in text
    assert "pkm@example.org" in text
    assert "Penajam" in text
    assert "PKS/RAHASIA/1" not in text
    provider.active = False
    provider.save()
    assert client.get(reverse("portal:directory_detail", args=[provider.pk])).status_code == 404
    assert client.get(reverse("portal:directory_detail", args=[999999])).status_code == 404


def test_home_has_calls_to_action_and_public_menu(client):
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'href="/cek-kepesertaan/"' in text
    assert 'href="/faskes/"' in text
    labels = [item["label"] for item in public_menu()]
    for label in ("Beranda", "Cek kepesertaan", "Cari faskes", "Informasi"):
        assert label in labels
    assert 'href="/informasi/"' in text


@pytest.mark.parametrize("page", INFO_PAGES, ids=lambda p: p.slug)
def test_information_pages(client, page):
    response = client.get(reverse("portal:info_detail", args=[page.slug]))
    assert response.status_code == 200
    assert str(page.title) in response.content.decode()


def test_information_index_and_unknown_page(client):
    text = client.get("/informasi/").content.decode()
    for page in INFO_PAGES:
        assert f'href="/informasi/{page.slug}/"' in text
    assert client.get("/informasi/tidak-ada/").status_code == 404


def test_segment_page_explains_every_segment(client):
    text = client.get("/informasi/segmen-jkn/").content.decode()
    for segment in ("PBI APBN", "PBPU/BP Pemda", "PPU", "PBPU", "BP (Bukan Pekerja)"):
        assert segment in text


@override_settings(LANGUAGE_CODE="id")
def test_portal_is_available_in_english(client):
    client.cookies["django_language"] = "en"
    text = client.get("/").content.decode()
    assert "Check membership" in text
    text = client.get("/informasi/segmen-jkn/").content.decode()
    assert "wage earners" in text.lower()
    with translation.override("en"):
        assert "Home" in [item["label"] for item in public_menu()]


def test_contact_page_uses_configuration(client, settings):
    settings.PORTAL_CONTACT_PHONE = "0542 555 000"
    settings.PORTAL_CONTACT_EMAIL = "upt@example.org"
    text = client.get("/informasi/kontak/").content.decode()
    assert "0542 555 000" in text
    assert "upt@example.org" in text
