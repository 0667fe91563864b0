"""Settings of the services app (SJP, referrals, claims): a typed view over
``django.conf.settings``, read at call time (``override_settings`` works); the environment
variables behind them are read once, in ``ejamkesda/settings.py``.

None of these numbers comes from a regional regulation; they are the regency's own
operating choices and are documented in docs/layanan-ppk-dan-verifikasi.md.

* ``SJP_EMERGENCY_WINDOW_HOURS`` [72]: emergency care may be requested after the fact
  within this many hours.
* ``CLAIM_VERIFICATION_SLA_DAYS`` [15], ``CLAIM_PAYMENT_SLA_DAYS`` [30]: service-level
  targets in calendar days (submitted → decided, approved → paid).
* ``CLAIM_ATTACHMENT_MAX_MB`` [5], ``SERVICES_UPLOAD_MAX_MB`` [20]: largest claim
  attachment and bulk/tariff upload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

_NAMES = frozenset(
    {
        "SJP_EMERGENCY_WINDOW_HOURS",
        "CLAIM_VERIFICATION_SLA_DAYS",
        "CLAIM_PAYMENT_SLA_DAYS",
        "CLAIM_ATTACHMENT_MAX_MB",
        "SERVICES_UPLOAD_MAX_MB",
    }
)

if TYPE_CHECKING:
    SJP_EMERGENCY_WINDOW_HOURS: int
    CLAIM_VERIFICATION_SLA_DAYS: int
    CLAIM_PAYMENT_SLA_DAYS: int
    CLAIM_ATTACHMENT_MAX_MB: int
    SERVICES_UPLOAD_MAX_MB: int
else:

    def __getattr__(name: str) -> Any:
        if name in _NAMES:
            return getattr(settings, name)
        raise AttributeError(name)
