"""The SJP letter: no text under the QR code, local times, card number, one language."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib

import pytest
from django.utils import translation

from ejamkesda.services.models import Sjp
from ejamkesda.services.pdf import QR_SIZE, sjp_letter_pdf
from tests.services.factories import approved_sjp

pytestmark = pytest.mark.django_db

A4_WIDTH = 595.2755905511812


def _texts(pdf: bytes) -> list[tuple[float, float, str]]:
    """(x, y, text) of every string drawn, read from the (deflated) page streams."""
    streams = b""
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            streams += zlib.decompress(raw)
        except zlib.error:
            try:
                streams += zlib.decompress(base64.a85decode(raw.strip(), adobe=True))
            except (ValueError, zlib.error):
                streams += raw
    found = re.findall(rb"BT 1 0 0 1 ([\d.]+) ([\d.]+) Tm \((.*?)\) Tj", streams)
    return [(float(x), float(y), text.decode("latin-1")) for x, y, text in found]


def _letter(sjp: Sjp, language: str = "id") -> list[tuple[float, float, str]]:
    with translation.override(language):
        return _texts(sjp_letter_pdf(sjp, verify_url="https://contoh.go.id/v/abc"))


@pytest.fixture
def sjp(settings):
    settings.TIME_ZONE = "Asia/Makassar"
    sjp = approved_sjp()
    sjp.diagnosis_code = "A01.0"  # "Typhoid fever" plus a long note below keeps the column busy
    sjp.decided_at = dt.datetime(2026, 3, 2, 7, 45, tzinfo=dt.UTC)
    sjp.save()
    membership = sjp.membership
    membership.card_number = "JKD-6409-0001234"
    membership.save()
    return Sjp.objects.select_related("person", "provider", "membership").get(pk=sjp.pk)


def test_no_text_runs_under_the_qr_code(sjp):
    texts = _letter(sjp)
    qr_left = A4_WIDTH - 20 * 2.834645669 - QR_SIZE
    caption = [(x, y) for x, y, text in texts if abs(x - qr_left) < 1]  # the QR caption's lines
    assert caption
    caption_bottom = min(y for _x, y in caption)
    for x, y, text in texts:
        if abs(x - qr_left) < 1 or text.startswith("Verifikasi"):
            continue
        # Rows never reach the QR column; anything else is well below the caption.
        width_estimate = len(text) * 10 * 0.6
        assert x + width_estimate < qr_left or y < caption_bottom - 10, text


def test_times_in_the_regency_time_zone_and_card_number_printed(sjp):
    strings = [text for _x, _y, text in _letter(sjp)]
    assert "02-03-2026 15:45 WITA" in strings  # 07:45 UTC
    assert "JKD-6409-0001234" in strings


def test_one_language_per_letter(sjp):
    english = " ".join(text for _x, _y, text in _letter(sjp, "en"))
    indonesian = " ".join(text for _x, _y, text in _letter(sjp, "id"))
    assert "Card number" in english and "Nomor kartu" not in english
    assert "Outpatient" in english and "Rawat jalan" not in english
    assert "Nomor kartu" in indonesian and "Rawat jalan" in indonesian
