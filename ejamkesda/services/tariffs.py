"""Writes and lookups for tariff tables (docs/layanan-ppk-dan-verifikasi.md), versioned by effective-from date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ejamkesda.rules.tariffs import TableVersion, normalise_code, parse_tariff_rows, table_in_force
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.models import TariffItem, TariffTable


class TariffImportError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors[:5]))
        self.errors = errors


def tariff_table_import(
    *,
    actor: Any,
    name: str,
    effective_from: dt.date,
    rows: Iterable[Sequence[object]],
    source_name: str = "",
) -> TariffTable:
    """Import a tariff table. All rows valid → one new version; any error → nothing written.

    Re-importing for the same effective-from date creates the next version, which wins for
    new claims; claims keep the table they were priced with.
    """
    parsed, errors = parse_tariff_rows(rows)
    if not errors and not parsed:
        errors = [_("tidak ada baris tarif")]
    if errors:
        raise TariffImportError(errors)
    with transaction.atomic():
        # Lock the existing versions of this date so two imports do not take one number.
        list(TariffTable.objects.select_for_update().filter(effective_from=effective_from).values_list("id"))
        latest = TariffTable.objects.filter(effective_from=effective_from).aggregate(v=Max("version"))["v"] or 0
        table = TariffTable.objects.create(
            name=name, effective_from=effective_from, version=latest + 1, source_name=source_name, created_by=actor
        )
        TariffItem.objects.bulk_create(
            [TariffItem(table=table, code=row.code, description=row.description, price=row.price) for row in parsed],
            batch_size=1000,
        )
        audit_event(
            event="tariff.import",
            obj=table,
            actor=actor,
            summary=f"Tabel tarif {name} berlaku {effective_from:%d-%m-%Y} versi {table.version}: {len(parsed)} kode",
            changes={"rows": len(parsed), "version": table.version, "source": source_name},
        )
    return table


def tariff_table_on(on: dt.date) -> TariffTable | None:
    """The table in force on a date (rules.tariffs.table_in_force over the stored versions)."""
    versions = [
        TableVersion(id=pk, effective_from=effective_from, version=version)
        for pk, effective_from, version in TariffTable.objects.filter(effective_from__lte=on).values_list(
            "id", "effective_from", "version"
        )
    ]
    chosen = table_in_force(versions, on)
    return TariffTable.objects.get(pk=chosen.id) if chosen else None


def tariff_prices(table: TariffTable, codes: Iterable[str]) -> dict[str, TariffItem]:
    wanted = {normalise_code(code) for code in codes}
    return {item.code: item for item in TariffItem.objects.filter(table=table, code__in=wanted)}
