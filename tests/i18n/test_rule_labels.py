"""Labels that live in the pure-Python rules are in a catalogue and shown in English."""

from __future__ import annotations

import pytest
from django.utils import translation

from ejamkesda.core.rule_labels import RULE_LABELS
from ejamkesda.rules import claims

# Every user-facing label mapping in ejamkesda/rules/ that the apps translate at run time.
RULE_MAPPINGS = {
    "claims.SERVICE_KIND_LABELS": claims.SERVICE_KIND_LABELS,
    "claims.CLAIM_STATE_LABELS": claims.CLAIM_STATE_LABELS,
    "claims.REJECT_REASONS": claims.REJECT_REASONS,
    "claims.ATTACHMENT_KINDS": claims.ATTACHMENT_KINDS,
}


@pytest.mark.parametrize("name", RULE_MAPPINGS)
def test_rule_labels_are_marked_for_translation(name):
    missing = [label for label in RULE_MAPPINGS[name].values() if label not in RULE_LABELS]
    assert missing == [], f"add these to ejamkesda/core/rule_labels.py and translate them: {missing}"


@pytest.mark.parametrize("label", RULE_LABELS)
def test_rule_label_has_english_text(label):
    with translation.override("en"):
        english = translation.gettext(label)
    assert english != label


def test_claim_status_choice_is_english():
    from ejamkesda.services.models import CLAIM_STATE_CHOICES

    labels = dict(CLAIM_STATE_CHOICES)
    with translation.override("en"):
        assert str(labels["dikembalikan"]) == "Returned for correction"
    with translation.override("id"):
        assert str(labels["dikembalikan"]) == "Dikembalikan untuk perbaikan"
