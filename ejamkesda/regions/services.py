"""Loading and looking up regions."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from lokal import wilayah as lokal_wilayah

from ejamkesda.regions.models import Region


def _iter_all_regions() -> Iterator[lokal_wilayah.Wilayah]:
    provinces = lokal_wilayah.list_wilayah()
    stack = list(reversed(provinces))
    while stack:
        region = stack.pop()
        yield region
        if region.level < 4:
            stack.extend(reversed(lokal_wilayah.list_wilayah(region.code)))


def regions_load(*, batch_size: int = 5000) -> int:
    """Insert every region not yet present (idempotent). Returns how many were added."""
    existing = set(Region.objects.values_list("code", flat=True))
    pending: list[Region] = []
    added = 0
    with transaction.atomic():
        for item in _iter_all_regions():
            if item.code in existing:
                continue
            parent = item.code.rsplit(".", 1)[0] if item.level > 1 else None
            pending.append(
                Region(
                    code=item.code,
                    name=item.name,
                    level=item.level,
                    kind=item.type,
                    parent_id=parent,
                    postal_code=item.postal_code or "",
                )
            )
            if len(pending) >= batch_size:
                Region.objects.bulk_create(pending)
                added += len(pending)
                pending = []
        Region.objects.bulk_create(pending)
        added += len(pending)
    return added


def region_code_normalize(code: str) -> str:
    """'6409012001' or '64.09.01.2001' → '64.09.01.2001'."""
    return lokal_wilayah.normalize_wilayah_code(code)
