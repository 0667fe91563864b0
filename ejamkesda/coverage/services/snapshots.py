"""Snapshots and sector lists. Files are imported by the shared job machinery
(``coverage.importing``); ``snapshot_open`` opens a dated snapshot explicitly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage.models import SectorList, Snapshot, SnapshotKind


def snapshot_open(
    *, kind: str, as_of: dt.date, actor: Any = None, sector_list: SectorList | None = None, source_name: str = ""
) -> Snapshot:
    """The snapshot for (kind, date[, list]); re-uploading the same date reuses it."""
    if (kind == SnapshotKind.SECTOR) != (sector_list is not None):
        raise ValidationError(_("Daftar sektor wajib dipilih untuk data sektor, dan hanya untuk data sektor."))
    with transaction.atomic():
        snapshot, created = Snapshot.objects.select_for_update().get_or_create(
            kind=kind,
            as_of=as_of,
            sector_list=sector_list,
            defaults={"created_by": actor, "source_name": source_name[:200]},
        )
        if not created:
            Snapshot.objects.filter(pk=snapshot.pk).update(status=Snapshot.Status.PENDING)
            snapshot.status = Snapshot.Status.PENDING
        audit_record(
            action="create" if created else "update",
            obj=snapshot,
            summary=f"Impor {snapshot.get_kind_display()} tanggal {as_of:%d-%m-%Y}",
            actor=actor,
        )
    return snapshot


def sector_list_create(*, agency: Any, name: str, sector: str, instruction_point: str = "", actor: Any) -> SectorList:
    """An agency's operator opens a new sector list (Instruksi Bupati Tegal 379/2022 KEDUA angka 3–19, 22).

    The name is unique per agency; two operators creating the same list at once get one
    list and one ``ValidationError`` (the unique constraint decides, not a prior read).
    """
    name = " ".join(name.split())
    try:
        with transaction.atomic():
            sector_list = SectorList.objects.create(
                agency=agency, name=name, sector=sector, instruction_point=instruction_point
            )
            audit_record(action="create", obj=sector_list, summary=f"Daftar sektor baru: {name}", actor=actor)
    except IntegrityError:
        raise ValidationError({"name": _("Nama daftar ini sudah ada.")}) from None
    return sector_list
