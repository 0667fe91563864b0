"""REST endpoints: eligibility, token identity, participants (UPT), providers.

Views stay thin: they check the role, fetch through ``access`` (the one authorisation
place) or a selector, and serialise.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ejamkesda.api import access
from ejamkesda.api.eligibility import eligibility_audit, eligibility_check
from ejamkesda.api.errors import InvalidInput
from ejamkesda.api.limits import person_lookup_count
from ejamkesda.api.rest import json_response
from ejamkesda.api.schemas import (
    CoverageOut,
    EligibilityIn,
    EligibilityOut,
    ErrorOut,
    MeOut,
    ParticipantDetailOut,
    ParticipantOut,
    ParticipantPageOut,
    ParticipantSearchIn,
    ProviderOut,
    ProviderPageOut,
)
from ejamkesda.audit.services import audit_record
from ejamkesda.core.policy import PERSON_SEARCH_ROLES
from ejamkesda.participants.models import Person, name_key
from ejamkesda.rules.nik import InvalidNik, parse_nik

router = Router()

E = ErrorOut
ERRORS_AUTH = {400: E, 401: E, 403: E, 422: E}
ERRORS_OBJECT = {400: E, 401: E, 403: E, 404: E, 422: E}


def _check_nik(nik: str, field: str = "nik") -> None:
    try:
        parse_nik(nik)
    except InvalidNik as exc:
        raise InvalidInput(
            f"NIK tidak valid: {exc}.",
            code="nik_tidak_valid",
            details=[{"field": f"body.{field}", "message": str(exc)}],
        ) from None


@router.post(
    "/eligibility",
    response={200: EligibilityOut, **ERRORS_AUTH},
    tags=["kepesertaan"],
    summary="Cek kepesertaan (eligibilitas) pada suatu tanggal",
)
def eligibility(request: HttpRequest, payload: EligibilityIn) -> Any:
    """Apakah NIK terjamin pada tanggal itu, oleh program, segmen, dan kelas apa, dan dari sumber mana."""
    user = request.auth  # type: ignore[attr-defined]
    access.require_role(user, access.ELIGIBILITY_ROLES)
    _check_nik(payload.nik)
    on = payload.date or timezone.localdate()
    answer = eligibility_check(nik=payload.nik, on=on)
    eligibility_audit(user=user, answer=answer, channel="API")
    primary = answer.primary
    return json_response(
        EligibilityOut(
            date=on,
            found=answer.found,
            covered=answer.covered,
            programme=primary.programme if primary else None,
            segment=primary.segment if primary else None,
            care_class=primary.care_class if primary else None,
            valid_to=primary.valid_to if primary else None,
            source=answer.source,
            coverages=[CoverageOut(**vars(c)) for c in answer.coverages],
            warnings=answer.warnings,
        )
    )


@router.get("/me", response={200: MeOut, 400: E, 401: E}, tags=["token"], summary="Pemilik token dan cakupan datanya")
def me(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    provider_code = None
    if user.provider_id:
        provider_code = access.provider_own(user).code
    return {
        "username": user.username,
        "role": user.role or ("superuser" if user.is_superuser else ""),
        "provider_id": user.provider_id,
        "provider_code": provider_code,
        "agency_id": user.agency_id,
    }


def _participant(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "nik": person.nik,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "village_code": person.village_id,
        "deceased": person.deceased,
    }


@router.post(
    "/participants/search",
    response={200: ParticipantPageOut, **ERRORS_AUTH},
    tags=["peserta"],
    summary="Cari peserta (UPT) menurut NIK, KK, atau awal nama",
)
def participants_search(request: HttpRequest, payload: ParticipantSearchIn) -> Any:
    """Untuk staf UPT. Pencarian memakai POST agar NIK tidak pernah masuk URL."""
    user = request.auth  # type: ignore[attr-defined]
    access.require_role(user, PERSON_SEARCH_ROLES)
    if not (payload.nik or payload.kk_number or payload.name or payload.village_code):
        raise InvalidInput("Isi salah satu: nik, kk_number, name, atau village_code.", code="kriteria_kosong")
    people = access.persons_for(user)
    if payload.nik:
        people = people.filter(nik=payload.nik)
    if payload.kk_number:
        people = people.filter(kk_number=payload.kk_number)
    if payload.name:
        key = name_key(payload.name)
        if connection.vendor == "postgresql":
            people = people.filter(name_key__startswith=key)
        else:
            people = people.filter(name_key__gte=key, name_key__lt=key + "\uffff")
    if payload.village_code:
        people = people.filter(village_id=payload.village_code)
    people = people.order_by("name_key", "id")
    count = people.count()
    page = list(people[payload.offset : payload.offset + payload.limit])
    audit_record(
        action="view",
        object_type="participants.Person",
        summary=f"Pencarian peserta API: {count} hasil",
        actor=user,
        changes={"ids": [p.pk for p in page]},
    )
    if payload.nik:
        person_lookup_count(identity=request.api_token)  # type: ignore[attr-defined]
    return {"count": count, "results": [_participant(p) for p in page]}


@router.get(
    "/participants/{participant_id}",
    response={200: ParticipantDetailOut, **ERRORS_OBJECT},
    tags=["peserta"],
    summary="Rincian peserta dan kepesertaannya",
)
def participant_detail(request: HttpRequest, participant_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = access.person_for(user, participant_id)
    audit_record(action="view", obj=person, summary="Rincian peserta dilihat melalui API", actor=user)
    data = _participant(person)
    data.update(
        kk_number=person.kk_number,
        birth_place=person.birth_place,
        address=person.address,
        rt=person.rt,
        rw=person.rw,
        memberships=list(
            person.memberships.order_by("-valid_from", "-id").values(
                "id",
                "programme",
                "segment",
                "card_number",
                "care_class",
                "status",
                "valid_from",
                "valid_to",
                "first_level_provider_code",
                "source",
                "source_date",
            )
        ),
    )
    return data


class ProviderFilter(Schema):
    kind: str | None = Field(None, min_length=1, max_length=20)
    level: str | None = Field(None, min_length=1, max_length=5)
    q: str | None = Field(None, min_length=1, max_length=100, description="Bagian nama PPK")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


def _provider(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "level": p.level,
        "address": p.address,
        "district_code": p.district_id,
        "village_code": p.village_id,
        "phone": p.phone,
        "active": p.active,
    }


@router.get("/providers", response={200: ProviderPageOut, **ERRORS_AUTH}, tags=["ppk"], summary="Daftar PPK")
def providers(request: HttpRequest, filters: Query[ProviderFilter]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    qs = access.providers_for(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    qs = qs.order_by("name", "id")
    return {"count": qs.count(), "results": [_provider(p) for p in qs[filters.offset : filters.offset + filters.limit]]}


@router.get(
    "/providers/{provider_id}", response={200: ProviderOut, **ERRORS_OBJECT}, tags=["ppk"], summary="Rincian PPK"
)
def provider_detail(request: HttpRequest, provider_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return _provider(access.get_for(access.providers_for(user), provider_id))


__all__ = ["ParticipantOut", "router"]
