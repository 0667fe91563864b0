"""Messages of the service layer reach the user in the chosen language (Bahasa Indonesia first)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ejamkesda.funds.exports import attendance_records
from ejamkesda.rules.claims import AGEING_BUCKETS
from ejamkesda.services import conf
from ejamkesda.services.claim_checks import ClaimError
from ejamkesda.services.claims import attachment_validate
from ejamkesda.services.models import Claim
from ejamkesda.services.reports import AGEING_LABELS, claim_report


def _too_big() -> SimpleUploadedFile:
    return SimpleUploadedFile("resume.pdf", b"%PDF-" + b"0" * (conf.CLAIM_ATTACHMENT_MAX_MB * 1024 * 1024))


def test_service_error_is_indonesian_by_default_and_english_when_chosen():
    with translation.override("id"), pytest.raises(ClaimError) as indonesian:
        attachment_validate(_too_big())
    assert str(indonesian.value) == f"Lampiran resume.pdf lebih dari {conf.CLAIM_ATTACHMENT_MAX_MB} MB."
    with translation.override("en"), pytest.raises(ClaimError) as english:
        attachment_validate(_too_big())
    assert str(english.value) == f"Attachment resume.pdf is larger than {conf.CLAIM_ATTACHMENT_MAX_MB} MB."


def test_funds_validation_error_is_english_when_chosen():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        attendance_records([])
    assert error.value.messages == ["The file is empty."]


def test_ageing_labels_of_the_rules_are_in_the_catalogue():
    assert list(AGEING_LABELS) == [label for _low, _high, label in AGEING_BUCKETS]
    with translation.override("en"):
        assert [translation.gettext(label) for label in AGEING_LABELS] == [
            "0–7 days",
            "8–14 days",
            "15–30 days",
            "> 30 days",
        ]


@pytest.mark.django_db
def test_claim_report_headings_follow_the_language():
    today = dt.date(2026, 3, 15)
    with translation.override("en"):
        sections = claim_report(Claim.objects.all(), year=2026, today=today)
    assert sections[0].title == "Summary per PPK and month"
    assert sections[0].header[2] == "Number of claims"
    assert sections[3].rows[-1][0] == "Total"
    assert [row[0] for row in sections[4].rows] == ["0–7 days", "8–14 days", "15–30 days", "> 30 days"]
    with translation.override("id"):
        sections = claim_report(Claim.objects.all(), year=2026, today=today)
    assert sections[0].title == "Rekap per PPK dan bulan"
    assert sections[3].rows[-1][0] == "Jumlah"
