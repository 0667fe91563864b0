"""Key pages of several apps render in English once English is chosen with the language switch."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ejamkesda.core.roles import Role
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def choose(client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302


def english_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    assert '<html lang="en">' in text
    # The frame of every page (base.html, project catalogue).
    assert "Skip to content" in text and "Lewati ke konten" not in text
    return text


# (url name, role or None for the public, English text expected, Indonesian source that must be gone)
PAGES = [
    ("portal:home", None, "Check membership", "Cek kepesertaan"),
    ("accounts:login", None, "Staff login", "Masuk petugas"),
    ("complaints:file", None, "Submit a complaint", "Kirim pengaduan"),
    ("enrolment:apply", None, "Apply for Jamkesda membership", "Ajukan kepesertaan Jamkesda"),
    ("coverage:public", None, "National health insurance (JKN) coverage", "Cakupan Jaminan Kesehatan Nasional"),
    ("core:dashboard", Role.UPT_ADMIN, "Staff home", "Beranda petugas"),
    ("participants:search", Role.UPT_VERIFIER, "Search participants", "Cari peserta"),
    ("audit:list", Role.UPT_ADMIN, "Audit log", "Log audit"),
    ("accounts:users", Role.UPT_ADMIN, "Add user", "Tambah pengguna"),
    ("jobs:list", Role.UPT_ADMIN, "Data import", "Impor data"),
    ("enrolment:desk", Role.UPT_VERIFIER, "Membership application verification desk", "Meja verifikasi"),
    ("complaints:desk", Role.UPT_VERIFIER, "Complaints desk", "Meja pengaduan"),
    ("notifications:inbox", Role.PPK_OPERATOR, "Inbox", "Kotak masuk"),
    ("services:sjp_list", Role.PPK_OPERATOR, "Service guarantee letters (SJP)", "Surat Jaminan Pelayanan"),
    ("services:claim_list", Role.UPT_VERIFIER, "Claim status", "Status klaim"),
    ("funds:index", Role.TREASURER, "Service fees (jasa pelayanan)", "Belum ada pembagian"),
    ("coverage:dashboard", Role.UPT_ADMIN, "Health insurance coverage (UHC)", "Cakupan Jaminan Kesehatan (UHC)"),
]


@pytest.mark.parametrize(("url_name", "role", "english", "indonesian"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_in_english(client, login, url_name, role, english, indonesian):
    if role is not None:
        login(role)
    choose(client, "en")
    text = english_page(client, reverse(url_name))
    assert english in text
    assert indonesian not in text


@pytest.mark.parametrize(("url_name", "role", "english", "indonesian"), PAGES[:6], ids=[p[0] for p in PAGES[:6]])
def test_same_pages_stay_indonesian_by_default(client, login, url_name, role, english, indonesian):
    if role is not None:
        login(role)
    text = client.get(reverse(url_name), headers={"accept-language": "en"}).content.decode()
    assert '<html lang="id">' in text
    assert indonesian in text
    assert english not in text


def test_staff_menu_is_english(client, login):
    login(Role.UPT_ADMIN)
    choose(client, "en")
    text = english_page(client, reverse("core:dashboard"))
    for label in ("Participants", "Audit log", "Users"):
        assert f">{label}<" in text, label
    assert "Log out" in text
    assert ">Peserta<" not in text


def test_model_labels_and_choices_are_english_on_a_person_record(client, login):
    """Model verbose names and choices (Python-side strings) are translated too."""
    login(Role.UPT_VERIFIER)
    person = PersonFactory(sex="P")
    MembershipFactory(person=person)
    choose(client, "en")
    text = english_page(client, reverse("participants:detail", args=[person.pk]))
    for label in ("Place and date of birth", "Membership", "Change history", "Female"):
        assert label in text, label
    assert "Perempuan" not in text and "Riwayat perubahan" not in text


def test_form_errors_are_english(client):
    choose(client, "en")
    response = client.post(reverse("complaints:file"), {"category": "", "description": ""})
    text = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in text
    assert "Bidang ini tidak boleh kosong" not in text


def test_switching_back_to_indonesian(client):
    choose(client, "en")
    assert "Check membership" in client.get(reverse("portal:home")).content.decode()
    choose(client, "id")
    text = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="id">' in text
    assert "Cek kepesertaan" in text
