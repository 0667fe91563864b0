"""Settings of the API app, from the environment (listed in docs/integrasi-api.md)."""

from __future__ import annotations

import os

# Seconds a verified token stays in the per-process cache (revocation takes at most this long
# to reach other server processes; the process that revokes forgets it at once).
TOKEN_CACHE_SECONDS = float(os.environ.get("API_TOKEN_CACHE_SECONDS", "30"))
# last_used_at is written at most once per this many seconds per token.
TOKEN_LAST_USED_INTERVAL = float(os.environ.get("API_TOKEN_LAST_USED_SECONDS", "60"))
# Every eligibility answer is a view of a person's data → audit log (DESIGN.md §6).
AUDIT_ELIGIBILITY = os.environ.get("API_AUDIT_ELIGIBILITY", "1").strip().lower() in {"1", "true", "yes", "ya", "on"}
# PostgreSQL: commit eligibility audit rows without waiting for the WAL flush
# (synchronous_commit=off for that one transaction). The row is still written; only a
# database-server crash in the following ~0.6 s could lose it. Saves an fsync per check.
AUDIT_ASYNC_COMMIT = os.environ.get("API_AUDIT_ASYNC_COMMIT", "1").strip().lower() in {"1", "true", "yes", "ya", "on"}
# Eligibility audit entries are written in batches by each server process
# (ejamkesda/audit/buffer.py): every API_AUDIT_FLUSH_SECONDS or every API_AUDIT_BATCH_SIZE
# entries, never more than API_AUDIT_MAX_PENDING unwritten (past that the request writes them
# itself). Only a hard crash of a process can lose its unwritten entries: at most
# API_AUDIT_MAX_PENDING, in practice those of the last API_AUDIT_FLUSH_SECONDS.
# API_AUDIT_BATCH_SIZE=0 writes each entry during its request (the default for tests).
AUDIT_BATCH_SIZE = int(
    os.environ.get("API_AUDIT_BATCH_SIZE", "0" if os.environ.get("EJAMKESDA_ENV") == "test" else "100")
)
AUDIT_FLUSH_SECONDS = float(os.environ.get("API_AUDIT_FLUSH_SECONDS", "0.5"))
AUDIT_MAX_PENDING = int(os.environ.get("API_AUDIT_MAX_PENDING", "1000"))
# Days an Idempotency-Key is remembered.
IDEMPOTENCY_DAYS = int(os.environ.get("API_IDEMPOTENCY_DAYS", "7"))
# Base URL printed in FHIR resources (fullUrl); empty = relative references only.
FHIR_BASE_URL = os.environ.get("FHIR_BASE_URL", "")
