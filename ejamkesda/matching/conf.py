"""Settings of the matching engine, from the environment (no Django needed).

* ``EJAMKESDA_MATCH_THRESHOLD`` — score from which a pair is accepted (default 0.5);
* ``EJAMKESDA_MATCH_REVIEW_THRESHOLD`` — score from which a pair goes to the review queue
  (default 0.2).
"""

from __future__ import annotations

import os


def _fraction(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = float(raw)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} harus antara 0 dan 1, bukan {raw}")
    return value


MATCH_THRESHOLD = _fraction("EJAMKESDA_MATCH_THRESHOLD", 0.5)
MATCH_REVIEW_THRESHOLD = _fraction("EJAMKESDA_MATCH_REVIEW_THRESHOLD", 0.2)
