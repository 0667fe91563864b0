"""Probable duplicates inside one sector list (docs/pemadanan.md: "duplicates inside one list are
reported"): the same person twice with another NIK, a missing NIK or a spelling variant.

Exact duplicates (the same NIK twice) are already refused row by row at import. The rest
are found by the matching engine (``ejamkesda.matching.find_duplicates``) and by the
conservative rule of ``services.matching`` (same normalised name and birth date, or day and
month swapped), which also covers lists too small for the engine to learn from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from ejamkesda.coverage import conf
from ejamkesda.coverage.models import SectorDuplicate, SectorEntry, Snapshot
from ejamkesda.coverage.services.matching import CONTRACT, swapped_date

ENGINE_MIN_ROWS = 2
# More rows than this sharing one normalised name and birth date are not "probably the same
# person" but a placeholder date or a name without letters; they are left out rather than
# paired with each other (n² pairs).
MAX_GROUP = 10


def _rule_pairs(entries: list[tuple[int, str, dt.date | None]]) -> dict[tuple[int, int], tuple[Decimal, str]]:
    from ejamkesda.matching import normalize_name

    groups: dict[tuple[str, dt.date], list[tuple[int, bool]]] = {}
    for pk, name, born in entries:
        if born is None:
            continue
        key = normalize_name(name)
        groups.setdefault((key, born), []).append((pk, False))
        swapped = swapped_date(born)
        if swapped:
            groups.setdefault((key, swapped), []).append((pk, True))
    pairs: dict[tuple[int, int], tuple[Decimal, str]] = {}
    for members in groups.values():
        if len(members) > MAX_GROUP:
            continue
        for index, (first, swap_a) in enumerate(members):
            for second, swap_b in members[index + 1 :]:
                if first == second:
                    continue
                swap = swap_a or swap_b
                pair = (min(first, second), max(first, second))
                score = Decimal("0.80") if swap else Decimal("0.92")
                reason = "nama sama; " + ("tanggal lahir tertukar hari/bulan" if swap else "tanggal lahir sama")
                if pair not in pairs or pairs[pair][0] < score:
                    pairs[pair] = (score, reason)
    return pairs


def _engine_pairs(snapshot: Snapshot) -> dict[tuple[int, int], tuple[Decimal, str]]:
    import polars as pl

    from ejamkesda.matching import find_duplicates

    fields = ("pk", "reported_nik", "name", "sex", "birth_date", "birth_place", "village_code")
    rows = list(SectorEntry.objects.filter(snapshot=snapshot).values_list(*fields))
    if len(rows) < ENGINE_MIN_ROWS:
        return {}
    frame = pl.DataFrame(
        {
            "id": [str(r[0]) for r in rows],
            "nik": [r[1] or None for r in rows],
            "nama": [r[2] for r in rows],
            "jenis_kelamin": [r[3] or None for r in rows],
            "tgl_lahir": [r[4].isoformat() if r[4] else None for r in rows],
            "tempat_lahir": [r[5] or None for r in rows],
            "alamat": [None] * len(rows),
            "rt": [None] * len(rows),
            "rw": [None] * len(rows),
            "kode_desa": [r[6].replace(".", "") if r[6] else None for r in rows],
        },
        schema={name: pl.String for name in CONTRACT},
    )
    found = find_duplicates(frame, threshold=float(conf.MATCH_ACCEPT))
    pairs = {}
    for row in found.iter_rows(named=True):
        a, b = int(row["id_a"]), int(row["id_b"])
        pairs[(min(a, b), max(a, b))] = (Decimal(str(round(row["score"], 4))), str(row["reasons"])[:300])
    return pairs


def sector_duplicates_find(*, snapshot: Snapshot) -> int:
    """Replace the snapshot's report of probable duplicates; returns how many pairs."""
    entries = list(SectorEntry.objects.filter(snapshot=snapshot).values_list("pk", "name", "birth_date"))
    pairs = _rule_pairs(entries)
    if conf.MATCHER == "engine":
        for pair, found in _engine_pairs(snapshot).items():
            if pair not in pairs or pairs[pair][0] < found[0]:
                pairs[pair] = found
    with transaction.atomic():
        SectorDuplicate.objects.filter(snapshot=snapshot).delete()
        SectorDuplicate.objects.bulk_create(
            [
                SectorDuplicate(snapshot=snapshot, entry_a_id=a, entry_b_id=b, score=score, reasons=reasons)
                for (a, b), (score, reasons) in sorted(pairs.items())
            ]
        )
    return len(pairs)
