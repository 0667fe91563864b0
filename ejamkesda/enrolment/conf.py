"""Settings of the enrolment and complaints apps, read from ``django.conf.settings`` at call
time (documented in README).

* ``ENROLMENT_MAX_UPLOAD_MB`` (default 5): largest document accepted per file.
* ``ENROLMENT_VALIDITY_MONTHS`` (default 12): default validity of a Jamkesda membership
  created by an approved application (the verifier may change the dates). The regulations do
  not fix this period; set it to what the regency's Jamkesda regulation says.
* ``ENROLMENT_HOLD_MINUTES`` (default 60): how long a good document of a public application
  that came back with errors is held for the retry (``enrolment/held.py``).
* ``PUBLIC_FORM_RATE`` (default ``10/h``): submissions per client address of the public
  application and complaint forms.
* ``PUBLIC_TRACK_RATE`` (default ``30/h``): tracking-code look-ups per client address.
"""

from __future__ import annotations

from django.conf import settings


def max_upload_bytes() -> int:
    return int(settings.ENROLMENT_MAX_UPLOAD_MB) * 1024 * 1024


def validity_months() -> int:
    return int(settings.ENROLMENT_VALIDITY_MONTHS)


def form_rate() -> str:
    return str(settings.PUBLIC_FORM_RATE)


def track_rate() -> str:
    return str(settings.PUBLIC_TRACK_RATE)


def hold_minutes() -> int:
    return int(settings.ENROLMENT_HOLD_MINUTES)
