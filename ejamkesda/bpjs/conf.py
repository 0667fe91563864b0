"""BPJS Kesehatan bridge settings: a typed view over ``settings.BPJS``, read in
ejamkesda/settings.py from the environment (docs/integrasi-api.md lists the variables).

Nothing is sent to BPJS unless ``BPJS_CONS_ID`` and ``BPJS_SECRET`` are set (Perbup PPU
29/2016 Pasal 11: the data stays on the regency's server unless configured otherwise;
Instruksi Bupati Tegal 379/2022 KEDUA 23h/j: data exchange with BPJS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class BpjsSettings:
    cons_id: str
    secret: str
    user_key_vclaim: str
    user_key_pcare: str
    vclaim_url: str
    pcare_url: str
    pcare_username: str
    pcare_password: str
    pcare_app_code: str
    timeout: float
    retries: int
    backoff: float
    breaker_threshold: int
    breaker_cooldown: float
    cache_seconds: int

    @property
    def configured(self) -> bool:
        return bool(self.cons_id and self.secret and (self.vclaim_url or self.pcare_url))


def load() -> BpjsSettings:
    """The bridge settings as they stand now (``override_settings(BPJS={...})`` reaches them)."""
    values: dict[str, Any] = settings.BPJS
    return BpjsSettings(**values)
