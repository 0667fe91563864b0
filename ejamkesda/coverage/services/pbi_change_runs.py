"""The monthly PBI JK change run and Dinas Sosial's decisions (Instruksi Bupati Tegal
379/2022 KEDUA 6a "menetapkan perubahan data PBI JK dengan berbasis DTKS", 6b, 6c).

* ``pbi_change_start`` creates a waiting run for a month (one per month at a time: a
  partial unique constraint decides); ``pbi_change_enqueue`` hands it to the background
  worker; ``pbi_change_run`` computes it set-based (``services.pbi_frames``) and replaces
  the month's undecided proposals in one transaction.
* A proposal whose person already has a decision with the same data (same fingerprint) is
  not proposed again; a changed situation is a new proposal.
* ``pbi_change_decide``: accept, or reject with a reason; audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.core.logging import redact_nik
from ejamkesda.coverage import conf
from ejamkesda.coverage.models import PbiChange, PbiChangeKind, PbiChangeRun, Snapshot, SnapshotKind
from ejamkesda.coverage.services import pbi_frames as frames
from ejamkesda.coverage.services.compute import resolve_snapshots
from ejamkesda.rules.pbi import pair_changes
from ejamkesda.rules.premium import month_start

logger = logging.getLogger(__name__)


class PbiChangeBusy(Exception):
    pass


def latest_welfare(month: dt.date) -> Snapshot | None:
    return (
        Snapshot.objects.filter(kind=SnapshotKind.WELFARE, status=Snapshot.Status.DONE, as_of__lte=_month_end(month))
        .order_by("-as_of", "-id")
        .first()
    )


def _month_end(month: dt.date) -> dt.date:
    from ejamkesda.rules.premium import add_months

    return add_months(month_start(month), 1) - dt.timedelta(days=1)


def pbi_change_start(*, month: dt.date, actor: Any = None) -> PbiChangeRun:
    """A waiting run for ``month`` from the latest register, population and BPJS data
    (``ValueError`` without data, ``PbiChangeBusy`` when one is under way)."""
    month = month_start(month)
    welfare = latest_welfare(month)
    if welfare is None:
        raise ValueError(_("Belum ada impor DTKS/DTSEN yang selesai."))
    population, membership = resolve_snapshots(month)
    user = actor if getattr(actor, "is_authenticated", False) else None
    stale = PbiChangeRun.objects.filter(month=month, status__in=PbiChangeRun.ACTIVE).first()
    if stale is not None and stale.is_stale:
        PbiChangeRun.objects.filter(pk=stale.pk).update(
            status=PbiChangeRun.Status.FAILED, message=_("Terhenti tanpa kabar; tidak ada usulan yang berubah.")
        )
    try:
        with transaction.atomic():
            run = PbiChangeRun.objects.create(
                month=month, welfare=welfare, population=population, membership=membership, created_by=user
            )
            audit_record(action="create", obj=run, summary=f"Mulai hitung perubahan PBI {month:%m-%Y}", actor=user)
    except IntegrityError:
        raise PbiChangeBusy(_("Perubahan PBI bulan ini sedang dihitung; tunggu sampai selesai.")) from None
    return run


def pbi_change_enqueue(*, run: PbiChangeRun) -> None:
    from ejamkesda.coverage.tasks import pbi_change_task

    pbi_change_task.enqueue(run.pk)


def _claim(run_id: int) -> PbiChangeRun | None:
    with transaction.atomic():
        run = PbiChangeRun.objects.select_for_update().get(pk=run_id)
        if run.status != PbiChangeRun.Status.PENDING:
            return None
        run.status, run.started_at, run.step = PbiChangeRun.Status.RUNNING, timezone.now(), _("Membaca data")
        run.save(update_fields=["status", "started_at", "step"])
        return run


def pbi_change_run(*, run_id: int, today: dt.date | None = None) -> PbiChangeRun:
    """Run a waiting run to the end (``FAILED`` with a message on a problem)."""
    run = _claim(run_id)
    if run is None:
        return PbiChangeRun.objects.get(pk=run_id)
    status, message, summary = PbiChangeRun.Status.DONE, "", {}
    try:
        summary = _compute_and_store(run, today or timezone.localdate())
    except Exception:
        logger.error("perubahan PBI #%s gagal:\n%s", run.pk, redact_nik(traceback.format_exc()))
        status, message = PbiChangeRun.Status.FAILED, _("Terjadi kesalahan sistem; usulan sebelumnya tetap utuh.")
    PbiChangeRun.objects.filter(pk=run.pk).update(
        status=status, message=message, summary=summary, finished_at=timezone.now(), step=""
    )
    run.refresh_from_db()
    audit_record(action="update", obj=run, actor=run.created_by, summary=f"Perubahan PBI {run.get_status_display()}")
    return run


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def _compute_and_store(run: PbiChangeRun, today: dt.date) -> dict[str, Any]:
    active, pbi = frames.membership_frames(run.membership_id)
    computed = frames.change_frames(
        welfare=frames.welfare_frame(run.welfare_id),
        population=frames.population_frame(run.population_id),
        active=active,
        pbi=pbi,
        deceased=frames.deceased_frame(),
        in_care=frames.in_care_frame(today - dt.timedelta(days=settings.COVERAGE_PBI_CARE_DAYS)),
        deciles=conf.PBI_PROPOSAL_DECILES,
    )
    del active, pbi
    decided = frames.decided_frame(run.month)
    kept = {"rejected": 0, "accepted": 0}
    prepared: dict[str, list[dict[str, Any]]] = {}
    for name, frame in (("add", computed.additions), ("remove", computed.removals)):
        rows = []
        for row in _rows(frame):
            row["facts"] = frames.facts_of(row)
            row["fingerprint"] = frames.fingerprint(row["reason"], row["facts"])
            rows.append(row)
        keyed = pl.DataFrame(
            {"nik": [r["nik"] for r in rows], "fingerprint": [r["fingerprint"] for r in rows]},
            schema={"nik": pl.String, "fingerprint": pl.String},
        ).with_row_index("i")
        hits = keyed.join(decided, on=["nik", "fingerprint"], how="inner")
        skip = set(hits["i"].to_list())
        for status in hits["decided"].to_list():
            kept[status] = kept.get(status, 0) + 1
        prepared[name] = [row for index, row in enumerate(rows) if index not in skip]
    quota = settings.COVERAGE_PBI_QUOTA
    pairing = pair_changes(
        removals=list(range(len(prepared["remove"]))),
        additions=list(range(len(prepared["add"]))),
        current=computed.current,
        quota=quota,
    )
    over = set(pairing.over_quota)
    paired_removals = {removal for removal, _addition in pairing.replacements}
    additions = [
        _change(run, row, PbiChangeKind.ADD, within_quota=index not in over)
        for index, row in enumerate(prepared["add"])
    ]
    removals = [
        _change(run, row, PbiChangeKind.REPLACE if index in paired_removals else PbiChangeKind.REMOVE)
        for index, row in enumerate(prepared["remove"])
    ]
    pairs = [(removals[r]["nik"], removals[r]["kind"], additions[a]["nik"]) for r, a in pairing.replacements]
    with transaction.atomic():
        stored = _store(run, additions + removals, pairs)
        summary = {
            "current": computed.current,
            "quota": quota,
            "without_nik": computed.without_nik,
            "added": sum(1 for c in additions if c["within_quota"]) - len(pairs),
            "over_quota": len(over),
            "removed": sum(1 for c in removals if c["kind"] == PbiChangeKind.REMOVE),
            "replaced": len(pairs),
            "in_care": sum(1 for c in removals if c["in_care"]),
            "kept_rejected": kept.get("rejected", 0),
            "kept_accepted": kept.get("accepted", 0),
            "by_reason": _by_reason(additions + removals),
            "members_after": pairing.members_after(computed.current),
            "stored": stored,
        }
        audit_record(
            action="generate",
            object_type="coverage.PbiChange",
            object_id=str(run.pk),
            summary=f"Usulan perubahan PBI {run.month:%m-%Y}: {len(additions)} tambah, {len(removals)} hapus/ganti",
            actor=run.created_by,
        )
    return summary


_COLUMNS = (
    "run_id",
    "month",
    "kind",
    "reason",
    "nik",
    "kk_number",
    "name",
    "card_number",
    "village_code",
    "decile",
    "facts",
    "fingerprint",
    "within_quota",
    "in_care",
    "care_note",
    "status",
    "decision_reason",
)


def _store(run: PbiChangeRun, changes: list[dict[str, Any]], pairs: list[tuple[str, str, str]]) -> int:
    """Replace the month's open proposals with ``changes`` (plain SQL, tens of thousands of
    rows in seconds) and link each replacement to its addition. Decided rows stay; a person
    already decided this month for the same kind is not proposed again."""
    open_rows = PbiChange.objects.filter(month=run.month, status=PbiChange.Status.PROPOSED)
    PbiChange.objects.filter(paired_with__in=open_rows.values("pk")).update(paired_with=None)
    open_rows.delete()  # one DELETE: nothing cascades (paired_with is DO_NOTHING, cleared above)
    taken = set(PbiChange.objects.filter(month=run.month).values_list("nik", "kind"))
    ops, quote = connection.ops, connection.ops.quote_name
    encoder = PbiChange._meta.get_field("facts").encoder
    rows = [
        tuple(ops.adapt_json_value(change[c], encoder) if c == "facts" else change[c] for c in _COLUMNS)
        for change in changes
        if (change["nik"], change["kind"]) not in taken
    ]
    table = quote(PbiChange._meta.db_table)
    insert = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in _COLUMNS)}) "  # noqa: S608 (names from the model)
        f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(insert, rows[start : start + 5000])
        ids = {
            (nik, kind): pk
            for pk, nik, kind in PbiChange.objects.filter(month=run.month, status=PbiChange.Status.PROPOSED)
            .order_by()
            .values_list("pk", "nik", "kind")
            .iterator(chunk_size=20000)
        }
        links = [
            (ids[(added, PbiChangeKind.ADD)], ids[(removed, kind)])
            for removed, kind, added in pairs
            if (removed, kind) in ids and (added, PbiChangeKind.ADD) in ids
        ]
        update = f"UPDATE {table} SET {quote('paired_with_id')} = %s WHERE {quote('id')} = %s"  # noqa: S608
        cursor.executemany(update, links)
    return len(rows)


def _by_reason(changes: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change["reason"]] = counts.get(change["reason"], 0) + 1
    return counts


def _change(run: PbiChangeRun, row: dict[str, Any], kind: str, *, within_quota: bool = True) -> dict[str, Any]:
    """The column values of one proposal (inserted with plain SQL by ``_store``)."""
    care = int(row.get("care_count") or 0)
    return {
        "run_id": run.pk,
        "month": run.month,
        "kind": str(kind),
        "reason": row["reason"],
        "nik": row["nik"],
        "kk_number": (row.get("kk_number") or "")[:16],
        "name": (row.get("name") or "")[:150],
        "card_number": (row.get("card_number") or "")[:20],
        "village_code": (row.get("village_code") or "")[:13],
        "decile": row.get("decile"),
        "facts": row["facts"],
        "fingerprint": row["fingerprint"],
        "within_quota": within_quota,
        "in_care": care > 0,
        "care_note": _care_note(care, row.get("care_last")) if care else "",
        "status": str(PbiChange.Status.PROPOSED),
        "decision_reason": "",
    }


def _care_note(count: int, last: dt.date | None) -> str:
    return (
        _("Periksa sebelum dihapus: %(count)d SJP/klaim sejak %(days)d hari terakhir, terakhir %(date)s")
        % {"count": count, "days": settings.COVERAGE_PBI_CARE_DAYS, "date": f"{last:%d-%m-%Y}" if last else "-"}
    )[:300]


def pbi_change_decide(*, change: PbiChange, accept: bool, reason: str, actor: Any) -> PbiChange:
    """Dinas Sosial accepts or rejects one proposal (a rejection needs a reason; a removal of
    someone in care needs a note of the check). One decision per proposal."""
    reason = reason.strip()
    with transaction.atomic():
        locked = PbiChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != PbiChange.Status.PROPOSED:
            raise ValidationError(_("Usulan ini sudah diputuskan."))
        if not accept and not reason:
            raise ValidationError(_("Alasan penolakan wajib diisi."))
        if accept and locked.in_care and not reason:
            raise ValidationError(_("Orang ini sedang dalam perawatan: tuliskan hasil pemeriksaan sebelum menyetujui."))
        locked.status = PbiChange.Status.ACCEPTED if accept else PbiChange.Status.REJECTED
        locked.decision_reason = reason[:300]
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        audit_record(
            action="update",
            obj=locked,
            summary=f"Perubahan PBI {locked.kind} {locked.status}",
            changes={"status": [PbiChange.Status.PROPOSED, locked.status], "reason": reason[:300]},
            actor=actor,
        )
    return locked
