"""Language slips: messages that mix a sentence with a field name, left-overs on English pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected", "wrong"),
    [
        ("id", "Nama pengguna atau kata sandi salah.", "nama pengguna nama pengguna"),
        ("en", "Wrong username or password.", "Nama pengguna"),
    ],
)
def test_wrong_password_reads_once_in_the_chosen_language(client, language, expected, wrong):
    UserFactory(username="petugas")
    client.cookies["django_language"] = language
    response = client.post(reverse("accounts:login"), {"username": "petugas", "password": "salah-sekali"})
    text = response.content.decode()
    assert expected in text
    assert wrong not in text.split("<form", 1)[1].split("</form>")[0].replace('for="id_username">Username', "")


def test_labels_start_with_a_capital_in_both_languages():
    from django import forms
    from django.utils import translation

    from ejamkesda.services.forms import ClaimDecisionForm, SjpDecisionForm

    class Lower(forms.Form):
        admission = forms.DateField(label="tanggal masuk")

    assert Lower()["admission"].label == "Tanggal masuk"
    assert '<label for="id_admission">Tanggal masuk' in str(Lower()["admission"].label_tag())
    for language, decision in (("id", "Keputusan"), ("en", "Decision")):
        with translation.override(language):
            assert SjpDecisionForm()["action"].label == decision
            assert ClaimDecisionForm()["action"].label == decision


def test_rupiah_and_counts_on_pages_follow_the_language(client, login):
    import datetime as dt

    from ejamkesda.core.roles import Role
    from ejamkesda.coverage.models import PremiumBill

    bill = PremiumBill.objects.create(month=dt.date(2026, 9, 1), billed_amount=1450000, billed_count=3000)
    login(Role.UPT_ADMIN)
    indonesian = client.get(reverse("coverage:bill", args=[bill.pk])).content.decode()
    assert "Rp\N{NO-BREAK SPACE}1.450.000" in indonesian and "3.000" in indonesian
    client.cookies["django_language"] = "en"
    english = client.get(reverse("coverage:bill", args=[bill.pk])).content.decode()
    assert "Rp\N{NO-BREAK SPACE}1,450,000" in english and "3,000" in english
    assert "Rp1450000" not in english and "Rp 1450000" not in english
