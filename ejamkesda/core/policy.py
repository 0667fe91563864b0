"""Who may read or change what: ONE access policy for the web pages, the REST API and FHIR.

Every channel asks the same functions, so a role that is refused on one channel is refused
on the others for the same object (docs/tinjauan-keamanan.md, "Kebijakan akses"):

* a role that may not read a kind of object at all is refused with 403 (``PermissionDenied``);
* a role that may read that kind, but not this object, gets 404 (``Http404``) — the object
  is not even confirmed to exist.

The web raises these directly; the REST API (``ejamkesda.api.rest``) and FHIR
(``ejamkesda.api.fhir.views.fhir_view``) translate them into their own error bodies.

Person-level records (NIK, KK, address, card numbers — UU 27/2022 Pelindungan Data
Pribadi Pasal 4 ayat 2: health data are specific personal data):

* UPT admin and verifier: the whole regency (the UPT runs the register, Perbup PPU
  29/2016 Pasal 7);
* PPK operator: only the people registered at that provider (first-level provider on a
  membership), referred from or to it, or served there (an SJP or a claim at that
  provider — the eligibility answer comes first, then the SJP);
* treasurer, OPD operator, viewer: no person records through any channel — except the
  follow-up list of inactive JKN members (name, card number, status), which the OPD
  operators follow up (``INACTIVE_LIST_ROLES``).

Checking coverage by NIK (eligibility: covered or not, by which programme, until when)
is not a person record; UPT and PPK operators may ask it (``ELIGIBILITY_ROLES``).

Medical attachments of a claim (``resume_medis``, ``surat_rujukan``, ``lainnya``) only
to the provider that uploaded them and to the UPT; a treasurer of that provider sees the
cost breakdown (``rincian_biaya``) it pays against, nothing medical.

Letters (SJP), referrals, claims and payment batches keep their provider scoping in the
services app's ``*_visible_to`` selectors; the roles that may read each kind are here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from ejamkesda.core.roles import UPT_ROLES, Role
from ejamkesda.participants.models import Membership, Person
from ejamkesda.providers.models import Provider
from ejamkesda.services.models import Claim, ClaimAttachment, Referral, Sjp

# --- roles per kind of object (the gate before any object scoping) ---------------------
PERSON_READER_ROLES = frozenset({*UPT_ROLES, Role.PPK_OPERATOR})
PERSON_SEARCH_ROLES = frozenset(UPT_ROLES)
ELIGIBILITY_ROLES = frozenset({*UPT_ROLES, Role.PPK_OPERATOR})
SJP_ROLES = (Role.PPK_OPERATOR, Role.UPT_VERIFIER, Role.UPT_ADMIN)
REFERRAL_ROLES = (Role.PPK_OPERATOR, Role.UPT_VERIFIER, Role.UPT_ADMIN)
CLAIM_ROLES = (Role.PPK_OPERATOR, Role.TREASURER, Role.UPT_VERIFIER, Role.UPT_ADMIN)
PAYMENT_ROLES = (Role.PPK_OPERATOR, Role.TREASURER, Role.UPT_ADMIN, Role.UPT_VERIFIER)
# Putting verified claims into a payment batch is the verifier's next step after the
# decision; marking a batch paid stays with the admin (separation of duties).
PAYMENT_BATCH_CREATOR_ROLES = frozenset(UPT_ROLES)
PAYMENT_MARK_PAID_ROLES = frozenset({Role.UPT_ADMIN})
# Residents with an inactive or suspended JKN membership (Instruksi Bupati Tegal 379/2022
# KEDUA angka 3-19): the UPT and the OPD operators who follow them up read this list and
# record each follow-up. The list holds names and card numbers, no NIK on screen.
INACTIVE_LIST_ROLES = frozenset({*UPT_ROLES, Role.OPD_OPERATOR})
DECISION_ROLES = frozenset(UPT_ROLES)
JOB_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.OPD_OPERATOR, Role.PPK_OPERATOR)
PROVIDER_WRITER_ROLES = frozenset({Role.PPK_OPERATOR})

# Claim attachment kinds that hold medical information (rules/claims.py ATTACHMENT_KINDS).
NON_MEDICAL_ATTACHMENT_KINDS = frozenset({"rincian_biaya"})


def is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def has_role(user: Any, roles: Iterable[str]) -> bool:
    """An active user holding one of ``roles`` (superusers hold every role)."""
    return is_active_user(user) and bool(user.is_superuser or user.role in set(roles))


def is_regency_wide(user: Any) -> bool:
    """UPT staff (and superusers): every person and provider object of the regency."""
    return has_role(user, UPT_ROLES)


def require_role(user: Any, roles: Iterable[str]) -> None:
    """403 (``PermissionDenied``) unless the user holds one of ``roles``."""
    if not has_role(user, roles):
        raise PermissionDenied


def get_scoped(queryset: QuerySet[Any], pk: Any) -> Any:
    """One object of a scoped queryset, else 404 (``Http404``) — also for a malformed id."""
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, OverflowError):
        raise Http404 from None
    except queryset.model.DoesNotExist:
        raise Http404 from None


def object_get(user: Any, roles: Iterable[str], visible: Callable[[Any], QuerySet[Any]], pk: Any) -> Model:
    """The access decision for one object: the role gate (403), then the scope (404)."""
    require_role(user, roles)
    obj: Model = get_scoped(visible(user), pk)
    return obj


# --- persons ----------------------------------------------------------------------------
def _provider_code(provider_id: int) -> str:
    return Provider.objects.filter(pk=provider_id).values_list("code", flat=True).first() or ""


def _served_at(provider_id: int, code: str) -> Q:
    """People with a tie to the provider; each test is an index lookup on ``person_id``."""
    person = OuterRef("pk")
    ties = [
        Exists(Sjp.objects.filter(person_id=person, provider_id=provider_id)),
        Exists(Referral.objects.filter(person_id=person, from_provider_id=provider_id)),
        Exists(Referral.objects.filter(person_id=person, to_provider_id=provider_id)),
        Exists(Claim.objects.filter(person_id=person, provider_id=provider_id)),
    ]
    if code:
        ties.append(Exists(Membership.objects.filter(person_id=person, first_level_provider_code=code)))
    combined = Q()
    for tie in ties:
        combined |= Q(tie)
    return combined


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Every person whose record the user may read (see the module docstring)."""
    if is_regency_wide(user):
        return Person.objects.all()
    if has_role(user, {Role.PPK_OPERATOR}) and user.provider_id:
        return Person.objects.filter(_served_at(user.provider_id, _provider_code(user.provider_id)))
    return Person.objects.none()


def can_view_person(user: Any, person: Person) -> bool:
    return has_role(user, PERSON_READER_ROLES) and persons_visible_to(user).filter(pk=person.pk).exists()


def person_get(user: Any, pk: Any, refine: Callable[[QuerySet[Person]], QuerySet[Person]] | None = None) -> Person:
    """The person record ``pk`` for this user: 403 for a role without person access, 404
    outside the user's scope. ``refine`` adds select/prefetch to the scoped query."""
    require_role(user, PERSON_READER_ROLES)
    scoped = persons_visible_to(user)
    person: Person = get_scoped(refine(scoped) if refine else scoped, pk)
    return person


def can_search_persons(user: Any) -> bool:
    """Searching the register by NIK, KK or name: UPT only (a PPK checks eligibility)."""
    return has_role(user, PERSON_SEARCH_ROLES)


def can_check_eligibility(user: Any) -> bool:
    return has_role(user, ELIGIBILITY_ROLES)


# --- letters, referrals, claims, payment batches (provider scoping in services.selectors)
def sjps_visible_to(user: Any) -> QuerySet[Sjp]:
    from ejamkesda.services.selectors import sjps_visible_to as scoped

    return scoped(user) if has_role(user, SJP_ROLES) else Sjp.objects.none()


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    from ejamkesda.services.selectors import referrals_visible_to as scoped

    return scoped(user) if has_role(user, REFERRAL_ROLES) else Referral.objects.none()


def claims_visible_to(user: Any) -> QuerySet[Claim]:
    from ejamkesda.services.selectors import claims_visible_to as scoped

    return scoped(user) if has_role(user, CLAIM_ROLES) else Claim.objects.none()


# --- claim attachments ------------------------------------------------------------------
def _uploaded_here(user: Any, claim: Claim) -> bool:
    return bool(user.role == Role.PPK_OPERATOR and user.provider_id and user.provider_id == claim.provider_id)


def claim_attachments_visible_to(user: Any, claim: Claim) -> QuerySet[ClaimAttachment]:
    """The attachments of a claim the user may open (the claim itself already in scope)."""
    attachments = ClaimAttachment.objects.filter(claim=claim)
    if is_regency_wide(user) or (has_role(user, {Role.PPK_OPERATOR}) and _uploaded_here(user, claim)):
        return attachments
    if has_role(user, CLAIM_ROLES) and claim.provider_id == getattr(user, "provider_id", None):
        return attachments.filter(kind__in=NON_MEDICAL_ATTACHMENT_KINDS)
    return attachments.none()


def can_view_claim_attachment(user: Any, attachment: ClaimAttachment) -> bool:
    return claim_attachments_visible_to(user, attachment.claim).filter(pk=attachment.pk).exists()


def claim_attachment_get(user: Any, claim_pk: Any, attachment_pk: Any) -> tuple[Claim, ClaimAttachment]:
    """The claim (403 by role, 404 out of scope) and one attachment the user may open (404)."""
    claim: Any = object_get(user, CLAIM_ROLES, claims_visible_to, claim_pk)
    attachment: ClaimAttachment = get_scoped(claim_attachments_visible_to(user, claim), attachment_pk)
    return claim, attachment
