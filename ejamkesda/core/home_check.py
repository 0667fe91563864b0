"""The coverage check on the PPK operator's home: covered or not, by which programme, until when.

The same look-up as the REST API's ``/eligibility`` (``ejamkesda.api.eligibility``: the one
coverage rule of ``ejamkesda.rules.coverage`` over the person's memberships), refused to
roles outside ``policy.ELIGIBILITY_ROLES``, rate-limited per signed-in user
(``STAFF_CHECK_RATE_PER_USER``) and audited like every other look-up. The NIK arrives by
POST only and is written to no log and no URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from ejamkesda.core import policy
from ejamkesda.participants.models import Programme, Segment
from ejamkesda.rules.nik import InvalidNik, parse_nik

RATE_GROUP = "staff-coverage-check"
PROGRAMME_LABELS = dict(Programme.choices)
SEGMENT_LABELS = dict(Segment.choices)


class CoverageCheckForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK pasien"),
        min_length=16,
        max_length=16,
        help_text=_("16 angka dari KTP atau Kartu Keluarga."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "16", "spellcheck": "false"}
        ),
    )

    def clean_nik(self) -> str:
        value = str(self.cleaned_data["nik"]).strip()
        try:
            parse_nik(value)
        except InvalidNik as exc:
            raise forms.ValidationError(str(exc)) from None
        return value


@dataclass(frozen=True)
class CheckResult:
    on: dt.date
    found: bool
    covered: bool
    programme: str = ""
    segment: str = ""
    care_class: int | None = None
    valid_to: dt.date | None = None
    warnings: tuple[str, ...] = ()


def _rate(group: str, request: HttpRequest) -> str:
    return str(settings.STAFF_CHECK_RATE_PER_USER)


def check_limited(request: HttpRequest) -> bool:
    """One more check by this user; True once past ``STAFF_CHECK_RATE_PER_USER``."""
    return is_ratelimited(request, group=RATE_GROUP, key="user", rate=_rate, method="POST", increment=True)


def coverage_check(*, user: Any, nik: str) -> CheckResult:
    """Today's coverage for ``nik`` (403 for a role that may not ask), audited without the NIK."""
    from ejamkesda.api.eligibility import eligibility_audit, eligibility_check

    policy.require_role(user, policy.ELIGIBILITY_ROLES)
    answer = eligibility_check(nik=nik, on=timezone.localdate())
    eligibility_audit(user=user, answer=answer, channel="web")
    primary = answer.primary
    return CheckResult(
        on=answer.on,
        found=answer.found,
        covered=answer.covered,
        programme=str(PROGRAMME_LABELS.get(primary.programme, primary.programme)) if primary else "",
        segment=str(SEGMENT_LABELS.get(primary.segment, primary.segment)) if primary and primary.segment else "",
        care_class=primary.care_class if primary else None,
        valid_to=primary.valid_to if primary else None,
        warnings=tuple(answer.warnings),
    )
