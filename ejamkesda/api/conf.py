"""Settings of the API app: a typed view over ``django.conf.settings`` (read at each access,
so ``override_settings`` reaches them; listed in docs/integrasi-api.md).

* ``TOKEN_CACHE_SECONDS``: seconds a verified token stays in the per-process cache (revocation
  takes at most this long to reach other server processes; the revoking process forgets it
  at once).
* ``TOKEN_LAST_USED_INTERVAL``: ``last_used_at`` is written at most once per this many seconds.
* ``AUDIT_ELIGIBILITY``: every eligibility answer is a view of a person's data, so it is audited.
* ``AUDIT_ASYNC_COMMIT``: PostgreSQL commits eligibility audit rows without waiting for the WAL
  flush (only a database-server crash in the following ~0.6 s could lose one).
* ``AUDIT_BATCH_SIZE``, ``AUDIT_FLUSH_SECONDS``, ``AUDIT_MAX_PENDING``: eligibility audit
  entries are written in batches by each server process (``ejamkesda/audit/buffer.py``); only a
  hard crash loses the unwritten ones, at most ``AUDIT_MAX_PENDING``. 0 writes each entry
  during its request (the default for tests).
* ``IDEMPOTENCY_DAYS``: days an Idempotency-Key is remembered.
* ``FHIR_BASE_URL``: base URL printed in FHIR resources (fullUrl); empty = relative references.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

_NAMES = {
    "TOKEN_CACHE_SECONDS": "API_TOKEN_CACHE_SECONDS",
    "TOKEN_LAST_USED_INTERVAL": "API_TOKEN_LAST_USED_SECONDS",
    "AUDIT_ELIGIBILITY": "API_AUDIT_ELIGIBILITY",
    "AUDIT_ASYNC_COMMIT": "API_AUDIT_ASYNC_COMMIT",
    "AUDIT_BATCH_SIZE": "API_AUDIT_BATCH_SIZE",
    "AUDIT_FLUSH_SECONDS": "API_AUDIT_FLUSH_SECONDS",
    "AUDIT_MAX_PENDING": "API_AUDIT_MAX_PENDING",
    "IDEMPOTENCY_DAYS": "API_IDEMPOTENCY_DAYS",
    "FHIR_BASE_URL": "FHIR_BASE_URL",
}

TOKEN_CACHE_SECONDS: float
TOKEN_LAST_USED_INTERVAL: float
AUDIT_ELIGIBILITY: bool
AUDIT_ASYNC_COMMIT: bool
AUDIT_BATCH_SIZE: int
AUDIT_FLUSH_SECONDS: float
AUDIT_MAX_PENDING: int
IDEMPOTENCY_DAYS: int
FHIR_BASE_URL: str


def __getattr__(name: str) -> Any:
    try:
        return getattr(settings, _NAMES[name])
    except KeyError:
        raise AttributeError(name) from None
