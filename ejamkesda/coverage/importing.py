"""Coverage imports through the shared job machinery (``ejamkesda.jobs``): upload →
background job → progress → error report, the same flow as the participant import.

One importer class per snapshot kind, registered from ``CoverageConfig.ready`` as the
job kinds ``coverage_population``, ``coverage_membership``, ``coverage_welfare`` and
``coverage_sector``. Job options: ``as_of`` (ISO date) and, for sector lists,
``sector_list_id``.

* ``clean_row`` validates a row with the builders of ``coverage.importers``; a NIK is never
  quoted in the error report.
* ``write_batch`` (inside the runner's atomic batch) opens the dated snapshot, compares the
  batch with what the snapshot already holds and writes only new or changed rows: a re-run
  creates nothing and counts every row as unchanged. A dry run is rolled back whole.
* ``finish`` (real runs only) marks the snapshot done with its counts and, for a sector
  list, records the probable duplicates inside the list (``services.duplicates``).
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ejamkesda.audit.services import audit_record
from ejamkesda.core.logging import redact_nik
from ejamkesda.coverage import selectors
from ejamkesda.coverage.conf import MAX_ERRORS_KEPT
from ejamkesda.coverage.importers import ALIASES, SPECS, Context, RowInvalid, regency_villages
from ejamkesda.coverage.models import SectorList, Snapshot, SnapshotKind
from ejamkesda.jobs.importing import Column, ImportFileError, RowError
from ejamkesda.jobs.importing import RowInvalid as JobRowInvalid
from ejamkesda.jobs.importing.base import BatchResult
from ejamkesda.jobs.importing.headers import HeaderMap

logger = logging.getLogger(__name__)
KIND_KEYS: dict[str, str] = {
    SnapshotKind.POPULATION: "coverage_population",
    SnapshotKind.MEMBERSHIP: "coverage_membership",
    SnapshotKind.WELFARE: "coverage_welfare",
    SnapshotKind.SECTOR: "coverage_sector",
}
NIK_COLUMNS = {"nik", "no_kk"}


REQUIRED: dict[str, set[str]] = {
    SnapshotKind.POPULATION: {"nik", "nama"},
    SnapshotKind.MEMBERSHIP: {"no_kartu", "nama"},
    SnapshotKind.WELFARE: {"nik"},
    SnapshotKind.SECTOR: {"nama"},
}


def columns_of(kind: str) -> tuple[Column, ...]:
    return tuple(
        Column(key, tuple(alias for alias in ALIASES.get(key, ()) if alias != key), required=key in REQUIRED[kind])
        for key in SPECS[kind].columns
    )


class SnapshotImporter:
    """Imports one file into the snapshot (kind, ``as_of``[, sector list])."""

    kind: str = ""

    def __init__(
        self,
        *,
        as_of: str,
        source: str = "",
        actor: Any = None,
        sector_list_id: int | None = None,
        **_ignored: Any,
    ) -> None:
        self.spec = SPECS[self.kind]
        self.columns = columns_of(self.kind)
        self.as_of = dt.date.fromisoformat(as_of)
        self.source = source[:200]
        self.actor = actor
        self.sector_list: SectorList | None = None
        if self.kind == SnapshotKind.SECTOR:
            found = (
                SectorList.objects.filter(pk=sector_list_id).select_related("agency").first()
                if sector_list_id
                else None
            )
            allowed = found is not None and (
                actor is None or selectors.sector_lists_visible_to(actor).filter(pk=found.pk).exists()
            )
            if not allowed:
                raise ImportFileError("Daftar sektor tidak ditemukan atau bukan milik OPD Anda.")
            self.sector_list = found
        self.context = Context()
        self.seen: set[str] = set()
        self.rows_read = 0
        self.errors: list[dict[str, Any]] = []
        self.error_count = 0

    # --- the runner's protocol -----------------------------------------------------
    def start(self, header_map: HeaderMap) -> None:
        if self.kind == SnapshotKind.POPULATION:
            self.context = Context(villages=regency_villages())

    def clean_row(self, row_number: int, values: dict[str, Any]) -> Any:
        self.rows_read += 1
        try:
            key, record = self.spec.build(values, self.context)
            if key in self.seen:
                column = "no_kartu" if self.kind == SnapshotKind.MEMBERSHIP else "nik"
                raise RowInvalid(column, f"{column} sudah ada di baris sebelumnya dalam berkas ini (duplikat)")
        except RowInvalid as error:
            self._note_error(row_number, error)
            shown = "" if error.column in NIK_COLUMNS else str(values.get(error.column) or "")[:100]
            raise JobRowInvalid([RowError(row_number, error.column, shown, error.message)]) from None
        self.seen.add(key)
        return record

    def write_batch(self, records: list[Any]) -> BatchResult:
        snapshot = self.snapshot(importing=True)
        key, fields = self.spec.key, self.spec.fields
        model = self.spec.model
        existing = {
            row[0]: row[1:]
            for row in model._default_manager.filter(
                snapshot=snapshot, **{f"{key}__in": [getattr(r, key) for r in records]}
            ).values_list(key, *fields)
        }
        result = BatchResult()
        changed = []
        for record in records:
            record.snapshot = snapshot
            before = existing.get(getattr(record, key))
            if before is None:
                result.created += 1
            elif before == tuple(getattr(record, name) for name in fields):
                result.unchanged += 1
                continue
            else:
                result.updated += 1
            changed.append(record)
        if changed:
            model._default_manager.bulk_create(
                changed, update_conflicts=True, unique_fields=["snapshot", key], update_fields=list(fields)
            )
        return result

    def finish(self) -> None:
        snapshot = self.snapshot()
        saved = self.spec.model._default_manager.filter(snapshot=snapshot).count()
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=Snapshot.Status.DONE,
            rows_read=self.rows_read,
            rows_saved=saved,
            error_count=self.error_count,
            errors=self.errors,
            finished_at=timezone.now(),
            message=f"{self.rows_read} baris dibaca, {self.rows_read - self.error_count} valid, "
            f"{self.error_count} galat",
        )
        audit_record(
            action="update",
            obj=snapshot,
            summary=f"Impor {snapshot.get_kind_display()} {self.as_of:%d-%m-%Y}: {saved} baris",
            actor=self.actor if getattr(self.actor, "is_authenticated", False) else None,
        )
        if self.kind == SnapshotKind.SECTOR:
            from ejamkesda.coverage.services.duplicates import sector_duplicates_find

            try:
                sector_duplicates_find(snapshot=snapshot)
            except Exception:  # the list is imported; duplicates are a report, found again next time
                logger.error("duplikat daftar sektor %s:\n%s", snapshot.pk, redact_nik(traceback.format_exc()))

    def abort(self, *, message: str) -> None:
        """The job failed: a snapshot this import opened is marked failed, not left "Diproses"
        (batches already written stay; a re-run of the file completes it idempotently)."""
        Snapshot.objects.filter(
            kind=self.kind, as_of=self.as_of, sector_list=self.sector_list, status=Snapshot.Status.RUNNING
        ).update(status=Snapshot.Status.FAILED, message=message[:300], finished_at=timezone.now())

    # --- helpers ---------------------------------------------------------------------
    def snapshot(self, *, importing: bool = False) -> Snapshot:
        """The dated snapshot, opened on first use (and marked as being imported while rows
        are written: the computation refuses a snapshot in that state)."""
        snapshot, _created = Snapshot.objects.get_or_create(
            kind=self.kind,
            as_of=self.as_of,
            sector_list=self.sector_list,
            defaults={"created_by": self.actor if getattr(self.actor, "is_authenticated", False) else None},
        )
        if importing and snapshot.status != Snapshot.Status.RUNNING:
            Snapshot.objects.filter(pk=snapshot.pk).update(status=Snapshot.Status.RUNNING, source_name=self.source)
            snapshot.status = Snapshot.Status.RUNNING
        return snapshot

    def _note_error(self, row_number: int, error: RowInvalid) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"row": row_number, "column": error.column, "message": error.message})


class PopulationImporter(SnapshotImporter):
    kind = SnapshotKind.POPULATION


class MembershipImporter(SnapshotImporter):
    kind = SnapshotKind.MEMBERSHIP


class WelfareImporter(SnapshotImporter):
    kind = SnapshotKind.WELFARE


class SectorImporter(SnapshotImporter):
    kind = SnapshotKind.SECTOR


IMPORTERS: dict[str, type[SnapshotImporter]] = {
    SnapshotKind.POPULATION: PopulationImporter,
    SnapshotKind.MEMBERSHIP: MembershipImporter,
    SnapshotKind.WELFARE: WelfareImporter,
    SnapshotKind.SECTOR: SectorImporter,
}


def import_rows(
    *,
    kind: str,
    as_of: dt.date,
    rows: Iterable[tuple[int, dict[str, Any]]],
    sector_list: SectorList | None = None,
    batch_size: int = 2000,
) -> SnapshotImporter:
    """Rows already read (``(row_number, {column: value})``) through the same importer, in
    atomic batches — for tests, demo data and benchmarks; files go through ``jobs``."""
    importer = IMPORTERS[kind](as_of=as_of.isoformat(), sector_list_id=sector_list.pk if sector_list else None)
    importer.start(HeaderMap(positions={}))
    batch: list[Any] = []
    for number, row in rows:
        try:
            batch.append(importer.clean_row(number, row))
        except JobRowInvalid:
            continue
        if len(batch) >= batch_size:
            with transaction.atomic():
                importer.write_batch(batch)
            batch = []
    with transaction.atomic():
        if batch:
            importer.write_batch(batch)
        importer.finish()
    return importer
