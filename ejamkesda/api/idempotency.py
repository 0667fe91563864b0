"""Idempotency-Key for write endpoints.

The same key with the same body returns the stored response and creates nothing twice;
the same key with another body is refused (422 ``kunci_idempotensi_dipakai``). The write
and the stored response commit together in one transaction; of two concurrent requests
with one key, the second hits the unique constraint, is rolled back, and gets the first
one's stored response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from ejamkesda.api.errors import ApiError, InvalidInput
from ejamkesda.api.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def body_hash(body: Any) -> str:
    text = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent_call(
    *, user: Any, key: str | None, endpoint: str, body: Any, call: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any]]:
    """Run ``call`` (→ status, JSON body) at most once per (user, key)."""
    if not key:
        with transaction.atomic():
            return call()
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            "Idempotency-Key paling panjang 200 karakter yang dapat dicetak.", code="kunci_idempotensi_tidak_valid"
        )
    digest = body_hash({"endpoint": endpoint, "body": body})
    stored = _stored(user, key, digest)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            status, response = call()
            if status < 500:
                IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    endpoint=endpoint[:200],
                    body_hash=digest,
                    status_code=status,
                    response=response,
                )
            return status, response
    except IntegrityError:
        stored = _stored(user, key, digest)
        if stored is None:
            raise
        return stored


def _stored(user: Any, key: str, digest: str) -> tuple[int, dict[str, Any]] | None:
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.body_hash != digest:
        raise ApiError(
            "Idempotency-Key ini sudah dipakai untuk permintaan lain. Pakai kunci baru untuk permintaan baru.",
            code="kunci_idempotensi_dipakai",
            status=422,
        )
    return record.status_code, record.response
