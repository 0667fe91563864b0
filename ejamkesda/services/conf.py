"""Settings of the services app (SJP, referrals, claims), read from the environment.

None of these numbers comes from a seed regulation; they are the regency's own
operating choices and are documented in docs/layanan-ppk-dan-verifikasi.md.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# Emergency care may be requested after the fact within this many hours (issue 4 §2).
SJP_EMERGENCY_WINDOW_HOURS = _int("SJP_EMERGENCY_WINDOW_HOURS", 72)
# Service-level targets in calendar days: submitted → decided, approved → paid.
CLAIM_VERIFICATION_SLA_DAYS = _int("CLAIM_VERIFICATION_SLA_DAYS", 15)
CLAIM_PAYMENT_SLA_DAYS = _int("CLAIM_PAYMENT_SLA_DAYS", 30)
# Largest accepted claim attachment and bulk/tariff upload.
CLAIM_ATTACHMENT_MAX_MB = _int("CLAIM_ATTACHMENT_MAX_MB", 5)
SERVICES_UPLOAD_MAX_MB = _int("SERVICES_UPLOAD_MAX_MB", 20)
