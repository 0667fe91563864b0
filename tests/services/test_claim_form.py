"""The claim form reports every problem in one pass and never leads into a second claim."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ejamkesda.services.models import Claim
from tests.auth import login_verified
from tests.services.factories import approved_sjp, pdf_upload, submitted_claim, tariff_table

pytestmark = pytest.mark.django_db


def _post(sjp, **lines):
    data = {
        "idempotency_key": "k-" + str(sjp.pk),
        "admission_date": sjp.service_from.isoformat(),
        "discharge_date": sjp.service_from.isoformat(),
        "primary_diagnosis": "A09",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
    }
    data.update(lines)
    return data


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_unknown_code_and_missing_bill_and_zero_quantity_in_one_pass(client):
    tariff_table()
    sjp = approved_sjp()
    login_verified(client, sjp.requested_by)
    response = client.post(
        reverse("services:claim_new", args=[sjp.pk]),
        _post(
            sjp,
            **{"lines-0-code": "XX99", "lines-0-quantity": "1"},
            **{"lines-1-code": "RJ01", "lines-1-quantity": "0"},
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert "XX99" in summary  # the unknown code, reported with the other errors
    assert 'href="#id_attachment_rincian_biaya"' in summary  # itemised bill required, linked
    assert 'href="#id_lines-1-quantity"' in summary
    assert summary.count("id_lines-1-quantity") == 1  # quantity 0: one message, not two
    assert "Isi jumlah" not in html
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert not Claim.objects.exists()


def test_bill_is_marked_required_and_codes_come_from_the_table(client):
    tariff_table(prices={"RJ01": 50_000, "LAB01": 75_000})
    sjp = approved_sjp()
    login_verified(client, sjp.requested_by)
    html = client.get(reverse("services:claim_new", args=[sjp.pk])).content.decode()
    bill = re.search(r"<input[^>]*id=\"id_attachment_rincian_biaya\"[^>]*>", html).group(0)
    assert "required" in bill
    other = re.search(r"<input[^>]*id=\"id_attachment_lainnya\"[^>]*>", html).group(0)
    assert "required" not in other
    assert '<datalist id="tariff-options">' in html
    assert '<option value="LAB01">' in html and '<option value="RJ01">' in html
    assert 'list="tariff-options"' in html


def test_no_make_claim_button_when_the_sjp_has_a_claim(client):
    sjp = approved_sjp()
    login_verified(client, sjp.requested_by)
    new_url = reverse("services:claim_new", args=[sjp.pk])
    assert new_url in client.get(reverse("services:sjp_detail", args=[sjp.pk])).content.decode()
    claim = submitted_claim(sjp=sjp)
    page = client.get(reverse("services:sjp_detail", args=[sjp.pk])).content.decode()
    assert new_url not in page
    assert reverse("services:claim_detail", args=[claim.pk]) in page
    # The claim page refuses cleanly: back to the existing claim, nothing created.
    response = client.post(new_url, _post(sjp, **{"lines-0-code": "RJ01", "lines-0-quantity": "1"}))
    assert response.status_code == 302 and response.url == reverse("services:claim_detail", args=[claim.pk])
    assert Claim.objects.count() == 1


def test_a_complete_form_still_submits(client):
    tariff_table()
    sjp = approved_sjp()
    login_verified(client, sjp.requested_by)
    data = _post(sjp, **{"lines-0-code": "rj01", "lines-0-quantity": "2"})
    data["attachment_rincian_biaya"] = pdf_upload()
    response = client.post(reverse("services:claim_new", args=[sjp.pk]), data)
    assert response.status_code == 302
    assert Claim.objects.get().claimed_total == 100_000
