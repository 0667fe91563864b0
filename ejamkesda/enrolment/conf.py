"""Settings of the enrolment and complaints apps, from the environment (documented in README).

* ``ENROLMENT_MAX_UPLOAD_MB`` (default 5): largest document accepted per file.
* ``ENROLMENT_VALIDITY_MONTHS`` (default 12): default validity of a Jamkesda membership
  created by an approved application (the verifier may change the dates). The seeds do not
  fix this period; set it to what the regency's Jamkesda regulation says.
* ``PUBLIC_FORM_RATE`` (default ``10/h``): submissions per client address of the public
  application and complaint forms.
* ``PUBLIC_TRACK_RATE`` (default ``30/h``): tracking-code look-ups per client address.
"""

from __future__ import annotations

import os


def max_upload_bytes() -> int:
    return int(os.environ.get("ENROLMENT_MAX_UPLOAD_MB", "5")) * 1024 * 1024


def validity_months() -> int:
    return int(os.environ.get("ENROLMENT_VALIDITY_MONTHS", "12"))


def form_rate() -> str:
    return os.environ.get("PUBLIC_FORM_RATE", "10/h")


def track_rate() -> str:
    return os.environ.get("PUBLIC_TRACK_RATE", "30/h")
