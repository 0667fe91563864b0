"""Reads of the coverage domain, scoped by the user's role and agency.

OPD operators see only their own agency's sector lists (another agency's list is a 404);
person lists of villages, PBI lists and proposals are for UPT roles (and, for PBI, the
operators of Dinas Sosial, Instruksi Bupati Tegal 379/2022 KEDUA angka 6).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from ejamkesda.core.roles import REGION_BOUND_ROLES, UPT_ROLES, Role
from ejamkesda.coverage.conf import SOCIAL_AGENCY_CODE
from ejamkesda.coverage.models import (
    CoveragePeriod,
    CoverageStat,
    FollowUp,
    MembershipRecord,
    PopulationRecord,
    SectorEntry,
    SectorList,
    Snapshot,
)
from ejamkesda.participants.models import MembershipStatus, Segment
from ejamkesda.regions.models import Region

NOT_ACTIVE_STATUSES = (
    MembershipStatus.INACTIVE,
    MembershipStatus.ARREARS,
    MembershipStatus.SUSPENDED,
)


def is_upt(user: Any) -> bool:
    return bool(user.is_superuser or user.role in UPT_ROLES)


def can_see_pbi(user: Any) -> bool:
    if is_upt(user):
        return True
    return bool(user.role == Role.OPD_OPERATOR and user.agency_id and user.agency.code == SOCIAL_AGENCY_CODE)


def latest_period() -> CoveragePeriod | None:
    return CoveragePeriod.objects.order_by("-month").first()


def period_or_latest(month_id: str | None) -> CoveragePeriod | None:
    if month_id:
        period = CoveragePeriod.objects.filter(pk=month_id).first() if str(month_id).isdigit() else None
        if period is None:
            raise Http404
        return period
    return latest_period()


def region_names(codes: list[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def child_stats(period: CoveragePeriod, parent_code: str) -> list[CoverageStat]:
    level = parent_code.count(".") + 2
    return list(period.stats.filter(level=level, region_code__startswith=parent_code + "."))


def area_history(code: str) -> list[CoverageStat]:
    return list(CoverageStat.objects.filter(region_code=code).select_related("period").order_by("period__month"))


def sector_lists_visible_to(user: Any) -> QuerySet[SectorList]:
    lists = SectorList.objects.select_related("agency")
    if user.is_superuser or user.role in UPT_ROLES or user.role == Role.VIEWER:
        return lists
    if user.role == Role.OPD_OPERATOR and user.agency_id:
        return lists.filter(agency_id=user.agency_id)
    return lists.none()


def sector_list_for(user: Any, pk: int) -> SectorList:
    found = sector_lists_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _status_subquery(membership: Snapshot, field: str = "nik") -> Subquery:
    # One status to show per person; alphabetical order puts "aktif" first.
    records = MembershipRecord.objects.filter(snapshot=membership, nik=OuterRef(field))
    return Subquery(records.order_by("status").values("status")[:1])


def residents_without_active_jkn(period: CoveragePeriod, village_code: str) -> QuerySet[PopulationRecord]:
    """Instruksi Bupati Tegal 379/2022 KEDUA angka 20 huruf a: residents of a village who are not active JKN members."""
    active = MembershipRecord.objects.filter(
        snapshot_id=period.membership_id, nik=OuterRef("nik"), status=MembershipStatus.ACTIVE
    )
    return (
        PopulationRecord.objects.filter(snapshot_id=period.population_id, village_code=village_code)
        .exclude(Exists(active))
        .annotate(jkn_status=_status_subquery(period.membership))
    )


def sector_entries_without_active_jkn(period: CoveragePeriod, sector_list: SectorList) -> QuerySet[SectorEntry]:
    """Instruksi Bupati Tegal 379/2022 KEDUA angka 3–19 and 22: people on an agency's list without active JKN. A
    row counts as covered by a card carrying its own NIK or belonging to the resident it
    was linked to (exact NIK or pemadanan)."""
    from ejamkesda.coverage.services.compute import latest_sector_snapshot, sector_membership

    snapshot = latest_sector_snapshot(sector_list, period.month)
    if snapshot is None:
        return SectorEntry.objects.none()
    covered = sector_membership(period.membership_id, active_only=True)
    records = MembershipRecord.objects.filter(snapshot_id=period.membership_id).order_by("status")
    return (
        SectorEntry.objects.filter(snapshot=snapshot)
        .exclude(covered)
        .annotate(
            jkn_status=Coalesce(
                Subquery(records.exclude(nik="").filter(nik=OuterRef("nik")).values("status")[:1]),
                Subquery(
                    records.exclude(resident_nik="").filter(resident_nik=OuterRef("resident_nik")).values("status")[:1]
                ),
            ),
            person_key=Coalesce(NullIf("nik", Value("")), NullIf("resident_nik", Value(""))),
        )
    )


def inactive_members(period: CoveragePeriod, village_code: str = "") -> QuerySet[MembershipRecord]:
    """Residents whose membership is inactive, in arrears or suspended."""
    records = MembershipRecord.objects.filter(snapshot_id=period.membership_id, status__in=NOT_ACTIVE_STATUSES).exclude(
        village_code=""
    )
    active = MembershipRecord.objects.filter(
        snapshot_id=period.membership_id, nik=OuterRef("nik"), status=MembershipStatus.ACTIVE
    )
    records = records.exclude(Exists(active))
    if village_code:
        records = records.filter(village_code=village_code)
    return records.order_by("village_code", "name", "id")


def follow_up_map(scope: str, niks: list[str]) -> dict[str, FollowUp]:
    return {item.nik: item for item in FollowUp.objects.filter(scope=scope, nik__in=niks)}


def previous_period(period: CoveragePeriod) -> CoveragePeriod | None:
    return CoveragePeriod.objects.filter(month__lt=period.month).order_by("-month").first()


# Instruksi Bupati Tegal 379/2022 KEDUA 6d: the village list is of PBI JK recipients; the
# residents the regency pays for (PBPU/BP Pemda) are a separate, labelled list.
LIST_SEGMENTS: dict[str, tuple[str, ...]] = {"pbi": (Segment.PBI_APBN,), "pemda": (Segment.PBPU_BP_PEMDA,)}


def pbi_members(period: CoveragePeriod, village_code: str, kind: str = "pbi") -> QuerySet[MembershipRecord]:
    """Instruksi Bupati Tegal 379/2022 KEDUA angka 6 huruf d: PBI JK members of a village with full name and
    address (``kind="pemda"``: the PBPU/BP Pemda members, listed apart)."""
    person = PopulationRecord.objects.filter(snapshot_id=period.population_id, nik=OuterRef("resident_nik"))
    return (
        MembershipRecord.objects.filter(
            snapshot_id=period.membership_id, village_code=village_code, segment__in=LIST_SEGMENTS[kind]
        )
        .annotate(
            address=Subquery(person.values("address")[:1]),
            rt=Subquery(person.values("rt")[:1]),
            rw=Subquery(person.values("rw")[:1]),
            full_name=Subquery(person.values("name")[:1]),
        )
        .order_by("name", "id")
    )


def pbi_changes(
    period: CoveragePeriod, village_code: str, kind: str = "pbi"
) -> tuple[list[MembershipRecord], list[MembershipRecord], CoveragePeriod | None]:
    """(added, removed, previous period) of a village's PBI list against the previous month."""
    before = previous_period(period)
    current = list(pbi_members(period, village_code, kind))
    if before is None:
        return [], [], None
    previous = list(pbi_members(before, village_code, kind))
    current_keys = {record.resident_nik for record in current}
    previous_keys = {record.resident_nik for record in previous}
    added = [record for record in current if record.resident_nik not in previous_keys]
    removed = [record for record in previous if record.resident_nik not in current_keys]
    return added, removed, before


def snapshot_jobs(snapshot: Snapshot, user: Any) -> list[Any]:
    """The import jobs that filled ``snapshot`` (newest first), as far as ``user`` may see them."""
    from ejamkesda.coverage.importing import KIND_KEYS
    from ejamkesda.jobs.selectors import jobs_visible_to

    jobs = jobs_visible_to(user).filter(kind=KIND_KEYS[snapshot.kind], options__as_of=snapshot.as_of.isoformat())
    if snapshot.sector_list_id:
        jobs = jobs.filter(options__sector_list_id=snapshot.sector_list_id)
    return list(jobs[:10])


def village_codes_for(user: Any) -> list[str] | None:
    """Villages whose lists ``user`` may open: ``None`` = every village (UPT, Dinas Sosial);
    a village officer: their village; a district officer: the villages of their district
    (Instruksi Bupati Tegal 379/2022 KEDUA 6d and 20); anyone else: none."""
    if can_see_pbi(user):
        return None
    if user.role not in REGION_BOUND_ROLES or not user.region_id:
        return []
    if user.role == Role.VILLAGE_OFFICER:
        return [user.region_id]
    return list(Region.objects.filter(parent_id=user.region_id, level=4).values_list("code", flat=True))


def village_for(user: Any, code: str) -> Region:
    """The village ``code`` if ``user`` may see its lists, else 404 (another village does not exist for them)."""
    allowed = village_codes_for(user)
    if allowed is not None and code not in allowed:
        raise Http404
    village = Region.objects.filter(code=code, level=4).select_related("parent").first()
    if village is None:
        raise Http404
    return village
