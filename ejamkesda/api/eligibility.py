"""Eligibility: is this NIK covered on this date, by what, and who says so.

Sources, in order (docs/integrasi-api.md; Instruksi Bupati Tegal 379/2022 point 23h/j — data exchange with BPJS):

1. local data: the person's memberships — Jamkesda (``jamkesda_lokal``) and the latest
   imported JKN data (``jkn_impor``). One indexed query (unique NIK → memberships).
2. when the BPJS bridge is configured and the local data shows no active JKN membership,
   a live VClaim look-up (``bpjs_langsung``). A BPJS outage never blocks the answer: the
   local answer is returned with a warning.

JKN is reported before Jamkesda when both are active (JKN pays first). The answer holds
no name, address or birth date: a provider needs only whether and how the person is covered.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import OperationalError, connection, transaction

from ejamkesda.api import conf
from ejamkesda.audit.buffer import AuditBuffer
from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_values
from ejamkesda.bpjs import conf as bpjs_conf
from ejamkesda.bpjs.client import BpjsClient, BpjsError, BpjsNotFound
from ejamkesda.participants.models import Membership, MembershipStatus, Person, Programme, Segment
from ejamkesda.rules.coverage import REASON_DECEASED, coverage_on

logger = logging.getLogger(__name__)

SOURCE_LOCAL_JAMKESDA = "jamkesda_lokal"
SOURCE_IMPORTED_JKN = "jkn_impor"
SOURCE_BPJS = "bpjs_langsung"
SOURCE_NONE = "tidak_ada"


@dataclass
class Coverage:
    programme: str
    segment: str
    care_class: int | None
    status: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str
    source_date: dt.date | None


@dataclass
class EligibilityAnswer:
    on: dt.date
    found: bool
    covered: bool
    person_id: int | None = None
    primary: Coverage | None = None
    coverages: list[Coverage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.primary.source if self.primary else SOURCE_NONE


class _Row(NamedTuple):
    """One fetched row: the person and one membership (empty when the person has none)."""

    person_id: int
    deceased_on: dt.date | None
    pk: int | None  # the membership's id
    programme: str | None
    segment: str | None
    care_class: int | None
    status: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source_date: dt.date | None


_MEMBERSHIP_COLUMNS = ("id", *_Row._fields[3:])


@functools.cache
def _rows_sql() -> str:
    person, membership = Person._meta, Membership._meta
    columns = ", ".join(f"m.{membership.get_field(name).column}" for name in _MEMBERSHIP_COLUMNS)  # type: ignore[union-attr]
    return (
        f"SELECT p.id, p.{person.get_field('deceased_on').column}, {columns} "  # noqa: S608 - names from models
        f"FROM {person.db_table} p LEFT JOIN {membership.db_table} m ON m.person_id = p.id "
        f"WHERE p.{person.get_field('nik').column} = %s"
    )


def _rows_for(nik: str) -> list[_Row]:
    """The person and their memberships in one indexed query (unique NIK → membership FK index).

    Hand-written SQL on the hot path: the ORM would spend longer compiling the query than
    the database spends answering it. Table and column names come from the models. On
    PostgreSQL it runs as a prepared statement (parsed and planned once per connection:
    a quarter of the database's work per check) unless DB_PREPARED_STATEMENTS=0.
    """
    sql = _rows_sql()
    if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None:
        rows = _fetch_prepared(sql, [nik])
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [nik])
            rows = cursor.fetchall()
    return [_Row._make(row) for row in rows]


def _fetch_prepared(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run ``sql`` as a server-side prepared statement on Django's own connection.

    Django's cursors bind parameters on the client, so none of their statements can be
    prepared; this opens a psycopg server-binding cursor on the same connection, inside
    Django's error handling (a failed query marks the connection for replacement exactly as
    a Django cursor would). Instead of Django's per-request health check (one more round
    trip), the query itself is the check: a read outside a transaction that fails on a
    connection that is gone is retried once on a new connection.
    """
    import psycopg

    for attempt in (1, 2):
        connection.ensure_connection()
        try:
            with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
                cursor.execute(sql, params, prepare=True)
                return cursor.fetchall()
        except OperationalError:
            if attempt == 2 or connection.in_atomic_block or connection.is_usable():
                raise
            connection.close()
    raise AssertionError("unreachable")


def eligibility_check(*, nik: str, on: dt.date, use_bpjs: bool = True) -> EligibilityAnswer:
    rows = _rows_for(nik)
    if not rows:
        answer = EligibilityAnswer(on=on, found=False, covered=False)
    else:
        answer = EligibilityAnswer(on=on, found=True, covered=False, person_id=rows[0].person_id)
        # The one coverage rule, applied to the fetched rows (a person without memberships
        # comes back as one row whose membership columns are empty).
        decision = coverage_on(
            [row for row in rows if row.programme],
            on,
            deceased_on=rows[0].deceased_on,
        )
        if decision.reason == REASON_DECEASED:
            answer.warnings.append("Peserta tercatat meninggal sebelum tanggal ini.")
            return answer
        for row in decision.covering:
            programme = row.programme or ""
            answer.coverages.append(
                Coverage(
                    programme=programme,
                    segment=row.segment or "",
                    care_class=row.care_class,
                    status=row.status or "",
                    valid_from=row.valid_from,
                    valid_to=row.valid_to,
                    source=SOURCE_IMPORTED_JKN if programme == Programme.JKN else SOURCE_LOCAL_JAMKESDA,
                    source_date=row.source_date,
                )
            )
    has_jkn = any(c.programme == Programme.JKN for c in answer.coverages)
    if use_bpjs and not has_jkn:
        settings = bpjs_conf.load()
        if settings.configured and settings.vclaim_url:
            _ask_bpjs(answer, nik, on, settings)
    if answer.coverages:
        answer.covered = True
        answer.primary = answer.coverages[0]
    return answer


AUDIT_BUFFER = (
    AuditBuffer(
        batch_size=conf.AUDIT_BATCH_SIZE, flush_seconds=conf.AUDIT_FLUSH_SECONDS, max_pending=conf.AUDIT_MAX_PENDING
    )
    if conf.AUDIT_BATCH_SIZE > 0
    else None
)


def eligibility_audit(*, user: Any, answer: Any, channel: str) -> None:
    """One audit entry per eligibility check (a view of a person's data, docs/arsitektur.md), no NIK in it.

    Written in batches by ``AUDIT_BUFFER`` (loss bound in ejamkesda/audit/buffer.py), or at
    once when batching is off.
    """
    if not conf.AUDIT_ELIGIBILITY:
        return
    values = audit_values(
        action="view",
        object_type="participants.Person",
        object_id=answer.person_id or "",
        summary=f"Cek kepesertaan {channel} tgl {answer.on:%Y-%m-%d}: {'terjamin' if answer.covered else 'tidak'}",
        actor=user,
    )
    if AUDIT_BUFFER is not None:
        AUDIT_BUFFER.add(values)
        return
    with transaction.atomic():
        if conf.AUDIT_ASYNC_COMMIT and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        AuditLog.objects.create(**values)


def _ask_bpjs(answer: EligibilityAnswer, nik: str, on: dt.date, settings: bpjs_conf.BpjsSettings) -> None:
    try:
        participant = BpjsClient(settings).vclaim_by_nik(nik, on)
    except BpjsNotFound:
        return
    except BpjsError as exc:
        logger.warning("BPJS eligibility look-up failed: %s", exc)
        answer.warnings.append(f"BPJS tidak dapat dihubungi; jawaban dari data lokal saja. {exc}")
        return
    if participant.active:
        answer.found = True
        # BPJS JKN is the first payer: put it before a local Jamkesda membership.
        answer.coverages.insert(
            0,
            Coverage(
                programme=Programme.JKN,
                segment=segment_from_bpjs(participant.segment_text),
                care_class=participant.care_class,
                status=MembershipStatus.ACTIVE,
                valid_from=participant.valid_from,
                valid_to=participant.valid_to,
                source=SOURCE_BPJS,
                source_date=on,
            ),
        )


def segment_from_bpjs(text: str) -> str:
    """BPJS's jenisPeserta text → our segment code (docs/glosarium.md); unknown text is kept."""
    upper = text.upper()
    if "PBI" in upper and "APBD" not in upper:
        return Segment.PBI_APBN
    if "APBD" in upper or "PEMDA" in upper:
        return Segment.PBPU_BP_PEMDA
    if "BUKAN PENERIMA UPAH" in upper or "PBPU" in upper:
        return Segment.PBPU
    if "PENERIMA UPAH" in upper or "PPU" in upper or "PNS" in upper:
        return Segment.PPU
    if "BUKAN PEKERJA" in upper:
        return Segment.BP
    return text[:20]
