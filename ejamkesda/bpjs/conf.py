"""BPJS Kesehatan bridge settings, from the environment (docs/integrasi-api.md lists them).

Nothing is sent to BPJS unless ``BPJS_CONS_ID`` and ``BPJS_SECRET`` are set (Perbup PPU 29/2016
Pasal 11: the data stays on the regency's server unless configured otherwise; Instruksi Bupati Tegal 379/2022
point 23h/j: data exchange with BPJS).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


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
    env = os.environ.get
    return BpjsSettings(
        cons_id=env("BPJS_CONS_ID", ""),
        secret=env("BPJS_SECRET", ""),
        user_key_vclaim=env("BPJS_USER_KEY_VCLAIM", env("BPJS_USER_KEY", "")),
        user_key_pcare=env("BPJS_USER_KEY_PCARE", env("BPJS_USER_KEY", "")),
        vclaim_url=env("BPJS_VCLAIM_URL", "").rstrip("/"),
        pcare_url=env("BPJS_PCARE_URL", "").rstrip("/"),
        pcare_username=env("BPJS_PCARE_USERNAME", ""),
        pcare_password=env("BPJS_PCARE_PASSWORD", ""),
        pcare_app_code=env("BPJS_PCARE_APP_CODE", "095"),
        timeout=float(env("BPJS_TIMEOUT_SECONDS", "5")),
        retries=int(env("BPJS_RETRIES", "2")),
        backoff=float(env("BPJS_BACKOFF_SECONDS", "0.3")),
        breaker_threshold=int(env("BPJS_BREAKER_FAILURES", "5")),
        breaker_cooldown=float(env("BPJS_BREAKER_COOLDOWN_SECONDS", "60")),
        cache_seconds=int(env("BPJS_CACHE_SECONDS", "300")),
    )
