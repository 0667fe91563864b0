"""A note the system writes on a claim's timeline reads in the reader's language; a typed note stays as typed."""

from __future__ import annotations

from django.utils import translation

from ejamkesda.services.models import PAYMENT_BATCH_NOTE, ClaimEvent


def test_payment_batch_note_follows_the_language():
    event = ClaimEvent(note=f"{PAYMENT_BATCH_NOTE}4")
    with translation.override("en"):
        assert event.note_label == "Payment batch #4"
    with translation.override("id"):
        assert event.note_label == "Batch pembayaran #4"


def test_a_typed_note_is_shown_as_typed():
    for typed in ("Lengkapi resume medis", "Batch pembayaran #empat", ""):
        assert ClaimEvent(note=typed).note_label == typed
