"""Public aggregates (coverage figures, no token) and import status (jobs, scoped).

Coverage = active JKN members ÷ population (docs/aturan.md; ratios from
``ejamkesda.rules.coverage``, figures from the coverage app's monthly periods). Instruksi Bupati Tegal 379/2022
point 23j: data for health-policy decisions, public in aggregate only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ejamkesda.api.schemas import ErrorOut
from ejamkesda.rules.coverage import coverage

router = Router()
E = ErrorOut


class AreaCoverageOut(Schema):
    region_code: str
    name: str
    level: int = Field(..., description="2 kabupaten/kota, 3 kecamatan")
    population: int
    registered: int
    active: int
    registered_percent: str | None = Field(None, description="Persen terdaftar JKN (desimal, 2 angka)")
    active_percent: str | None = Field(None, description="Persen peserta JKN aktif dari penduduk")
    uhc_reached: bool
    uhc_priority: bool


class PublicCoverageOut(Schema):
    period: str | None = Field(None, description="Bulan data (YYYY-MM); kosong bila belum ada data")
    areas: list[AreaCoverageOut]


@router.get(
    "/public/coverage",
    auth=None,
    response={200: PublicCoverageOut, 400: E},
    tags=["publik"],
    summary="Angka cakupan JKN (UHC) kabupaten dan kecamatan — tanpa token",
)
def public_coverage(request: HttpRequest) -> Any:
    from ejamkesda.coverage.selectors import child_stats, latest_period, region_names

    period = latest_period()
    if period is None:
        return {"period": None, "areas": []}
    regency = settings.REGENCY_CODE
    stats = list(period.stats.filter(region_code=regency)) + child_stats(period, regency)
    names = region_names([s.region_code for s in stats])
    areas = []
    for stat in stats:
        figures = coverage(stat.population, stat.registered, stat.active)
        areas.append(
            {
                "region_code": stat.region_code,
                "name": names.get(stat.region_code, stat.region_code),
                "level": stat.level,
                "population": figures.population,
                "registered": figures.registered,
                "active": figures.active,
                "registered_percent": str(figures.registered_percent)
                if figures.registered_percent is not None
                else None,
                "active_percent": str(figures.active_percent) if figures.active_percent is not None else None,
                "uhc_reached": figures.uhc_reached,
                "uhc_priority": figures.uhc_priority,
            }
        )
    return {"period": f"{period.month:%Y-%m}", "areas": areas}


class JobOut(Schema):
    id: int
    kind: str
    status: str
    dry_run: bool
    original_name: str
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    progress: float
    rows_read: int
    rows_valid: int
    rows_rejected: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    error_count: int
    message: str


class JobPageOut(Schema):
    count: int
    results: list[JobOut]


class JobFilter(Schema):
    kind: str | None = Field(None, min_length=1, max_length=40)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


def _job(job: Any) -> dict[str, Any]:
    return {name: getattr(job, name) for name in JobOut.model_fields}


@router.get(
    "/jobs",
    response={200: JobPageOut, 400: E, 401: E, 403: E, 422: E},
    tags=["impor"],
    summary="Status impor (pekerjaan)",
)
def jobs(request: HttpRequest, filters: Query[JobFilter]) -> Any:
    from ejamkesda.api import access
    from ejamkesda.core.policy import JOB_ROLES  # the web import pages' roles

    access.require_role(request.auth, JOB_ROLES)  # type: ignore[attr-defined]
    qs = access.jobs_for(request.auth).order_by("-created_at", "-id")  # type: ignore[attr-defined]
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return {"count": qs.count(), "results": [_job(j) for j in qs[filters.offset : filters.offset + filters.limit]]}


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, 400: E, 401: E, 403: E, 404: E, 422: E},
    tags=["impor"],
    summary="Status satu impor",
)
def job_detail(request: HttpRequest, job_id: int) -> Any:
    from ejamkesda.api import access
    from ejamkesda.core.policy import JOB_ROLES

    access.require_role(request.auth, JOB_ROLES)  # type: ignore[attr-defined]
    return _job(access.get_for(access.jobs_for(request.auth), job_id))  # type: ignore[attr-defined]
