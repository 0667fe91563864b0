"""What each API token may call: its scopes, and the scope and rate group of every route.

A token carries one or more scopes (docs/integrasi-api.md "Token, cakupan, dan batas laju"):

* ``kepesertaan`` — read eligibility and person data (REST eligibility and participants,
  FHIR Patient, Coverage, CoverageEligibilityRequest, Organization);
* ``layanan`` — write services: SJP, referrals, claims (REST and FHIR Claim);
* ``keputusan_upt`` — UPT decisions and their downloads (approve/reject SJP and claims).

``ROUTES`` below is the ONE table that gives every API and FHIR view its scope and rate
group, keyed by the view's module and name. A view missing from it is refused for every
token (fail closed) and fails ``tests/api/test_token_scopes.py``. ``ANY`` means any valid
token (``/me``, the provider directory, import status); ``PUBLIC`` means no token at all;
``a|b`` means either scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ejamkesda.core.roles import Role


class Scope(models.TextChoices):
    ELIGIBILITY = "kepesertaan", _("Baca kepesertaan dan data peserta")
    SERVICES = "layanan", _("Tulis layanan (SJP, rujukan, klaim)")
    UPT = "keputusan_upt", _("Keputusan UPT (setujui/tolak SJP dan klaim)")


ANY = "*"
PUBLIC = "publik"

# Rate groups (settings.API_RATE_LIMITS): a SIMRS checks eligibility at every
# registration, so that group is generous; a look-up that returns a name and birth date
# (person) is far stricter.
ELIGIBILITY, PERSON, WRITE, READ = "eligibility", "person", "write", "read"

_REST = "ejamkesda.api.routes"
_SERVICES = "ejamkesda.api.routes_services"
_UPT = "ejamkesda.api.routes_upt"
_PUBLIC = "ejamkesda.api.routes_public"
_FHIR = "ejamkesda.api.fhir.views"
_FHIR_CLAIMS = "ejamkesda.api.fhir.claims"

S, U, E = Scope.SERVICES.value, Scope.UPT.value, Scope.ELIGIBILITY.value
# Reads of SJP, referrals and claims: the provider that wrote them, or the UPT that decides.
SU = f"{S}|{U}"

# view → (scope, rate group)
ROUTES: dict[str, tuple[str, str]] = {
    f"{_REST}.eligibility": (E, ELIGIBILITY),
    f"{_REST}.me": (ANY, READ),
    f"{_REST}.participants_search": (E, PERSON),
    f"{_REST}.participant_detail": (E, PERSON),
    f"{_REST}.providers": (ANY, READ),
    f"{_REST}.provider_detail": (ANY, READ),
    f"{_SERVICES}.sjp_create": (S, WRITE),
    f"{_SERVICES}.sjp_list": (SU, READ),
    f"{_SERVICES}.sjp_detail": (SU, READ),
    f"{_SERVICES}.referral_create": (S, WRITE),
    f"{_SERVICES}.referral_list": (SU, READ),
    f"{_SERVICES}.referral_detail": (SU, READ),
    f"{_SERVICES}.claim_create": (S, WRITE),
    f"{_SERVICES}.claim_resubmit": (S, WRITE),
    f"{_SERVICES}.claim_list": (SU, READ),
    f"{_SERVICES}.claim_detail": (SU, READ),
    f"{_UPT}.claim_attachment_download": (SU, READ),
    f"{_UPT}.sjp_letter_download": (SU, READ),
    f"{_UPT}.sjp_approve_api": (U, WRITE),
    f"{_UPT}.sjp_reject_api": (U, WRITE),
    f"{_UPT}.claim_approve_api": (U, WRITE),
    f"{_UPT}.claim_return_api": (U, WRITE),
    f"{_UPT}.claim_reject_api": (U, WRITE),
    f"{_PUBLIC}.public_coverage": (PUBLIC, READ),
    f"{_PUBLIC}.jobs": (ANY, READ),
    f"{_PUBLIC}.job_detail": (ANY, READ),
    f"{_FHIR}.metadata": (PUBLIC, READ),
    f"{_FHIR}.patient_read": (E, PERSON),
    f"{_FHIR}.patient_search": (E, PERSON),
    f"{_FHIR}.coverage_search": (E, PERSON),
    f"{_FHIR}.organization_read": (ANY, READ),
    f"{_FHIR}.organization_search": (ANY, READ),
    f"{_FHIR}.coverage_eligibility_request": (E, ELIGIBILITY),
    f"{_FHIR_CLAIMS}.claim_create": (S, WRITE),
    f"{_FHIR_CLAIMS}.claim_response_read": (SU, READ),
}


def route_of(view: Any) -> tuple[str, str] | None:
    """The declared (scope, rate group) of a view function, or None (undeclared: refused)."""
    return ROUTES.get(f"{view.__module__}.{view.__name__}")


# Scopes a new token gets by default, and existing tokens got when scopes were introduced.
ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    Role.UPT_ADMIN: (E, S, U),
    Role.UPT_VERIFIER: (E, U),
    Role.PPK_OPERATOR: (E, S),
    Role.TREASURER: (S,),
}


def default_scopes(user: Any) -> list[str]:
    if getattr(user, "is_superuser", False):
        return [E, S, U]
    return list(ROLE_SCOPES.get(getattr(user, "role", ""), (E,)))


def normalise(scopes: Iterable[str]) -> str:
    """Stored form: known scopes, sorted, space-separated (as OAuth 2 writes them)."""
    known = set(Scope.values)
    return " ".join(sorted({s for s in scopes if s in known}))
