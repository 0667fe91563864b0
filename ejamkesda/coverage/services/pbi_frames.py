"""Set-based computation of the monthly PBI JK changes (Instruksi Bupati Tegal 379/2022
KEDUA 6a–c) with polars: the register, the population and the BPJS membership are read
once each (plain SQL, in chunks) and joined in memory; no query per person.

``pbi_change_frames`` returns two frames, additions and removals, with the reason and the
data behind each; ``services.pbi_change_runs`` pairs them inside the quota, skips what was
decided before with the same data and stores the proposals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from ejamkesda.coverage.models import MembershipRecord, PbiChange, PopulationRecord, WelfareRecord
from ejamkesda.participants.models import MembershipStatus, Person, Segment
from ejamkesda.rules.pbi import REMOVAL_PRIORITY
from ejamkesda.services.models import Claim, Sjp

CHUNK = 100_000


def _frame(queryset: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Rows of a ``values_list`` queryset as a frame, read with one cursor in chunks (no model
    instances; memory stays bounded)."""
    sql, params = queryset.query.sql_with_params()
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, rechunk=True)


def welfare_frame(snapshot_id: int) -> pl.DataFrame:
    rows = WelfareRecord.objects.filter(snapshot_id=snapshot_id).order_by().values_list("nik", "kk_number", "decile")
    return _frame(rows, {"nik": pl.String, "kk_number": pl.String, "decile": pl.Int16}).unique("nik", keep="first")


def population_frame(snapshot_id: int) -> pl.DataFrame:
    rows = (
        PopulationRecord.objects.filter(snapshot_id=snapshot_id).order_by().values_list("nik", "name", "village_code")
    )
    return _frame(rows, {"nik": pl.String, "name": pl.String, "village_code": pl.String})


def membership_frames(snapshot_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(NIKs with an active card, PBI JK cards with their person's NIK: the linked resident's,
    else the one written on the card)."""
    records = (
        MembershipRecord.objects.filter(snapshot_id=snapshot_id)
        .order_by()
        .annotate(person_nik=Coalesce(NullIf("resident_nik", Value("")), "nik"))
    )
    active = _frame(
        records.filter(status=MembershipStatus.ACTIVE).exclude(person_nik="").values_list("person_nik"),
        {"nik": pl.String},
    ).unique()
    pbi = _frame(
        records.filter(segment=Segment.PBI_APBN).values_list(
            "person_nik", "card_number", "name", "status", "village_code"
        ),
        {"nik": pl.String, "card_number": pl.String, "name": pl.String, "status": pl.String, "village_code": pl.String},
    )
    return active, pbi


def deceased_frame() -> pl.DataFrame:
    return _frame(Person.objects.filter(deceased=True).order_by().values_list("nik"), {"nik": pl.String})


def in_care_frame(since: dt.date) -> pl.DataFrame:
    """NIKs in care: an SJP not rejected or a claim admitted on or after ``since``, or an SJP
    still open (approved, no end date)."""
    schema = {"nik": pl.String, "since": pl.Date}
    sjps = Sjp.objects.exclude(status=Sjp.Status.REJECTED).filter(
        Q(service_from__gte=since) | Q(status=Sjp.Status.APPROVED, service_to__isnull=True)
    )
    claims = Claim.objects.filter(admission_date__gte=since)
    frame = pl.concat(
        [
            _frame(sjps.order_by().values_list("person__nik", "service_from"), schema),
            _frame(claims.order_by().values_list("person__nik", "admission_date"), schema),
        ]
    )
    return frame.group_by("nik").agg(pl.col("since").max().alias("care_last"), pl.len().alias("care_count"))


def decided_frame(month: dt.date) -> pl.DataFrame:
    """Decisions already taken (this month or earlier): nik + fingerprint."""
    rows = PbiChange.objects.filter(month__lte=month).exclude(status=PbiChange.Status.PROPOSED)
    return pl.DataFrame(
        list(rows.values_list("nik", "fingerprint", "status")),
        schema={"nik": pl.String, "fingerprint": pl.String, "decided": pl.String},
        orient="row",
    ).unique(["nik", "fingerprint"], keep="last")


@dataclass
class Frames:
    additions: pl.DataFrame
    removals: pl.DataFrame
    current: int  # distinct NIKs on a PBI JK card
    without_nik: int  # PBI cards that could not be linked to a NIK (not judged)


def change_frames(
    *,
    welfare: pl.DataFrame,
    population: pl.DataFrame,
    active: pl.DataFrame,
    pbi: pl.DataFrame,
    deceased: pl.DataFrame,
    in_care: pl.DataFrame,
    deciles: Iterable[int],
) -> Frames:
    """The proposals before pairing. Additions: in the register at a proposal decile, on
    the population register, without an active card, alive, not already PBI JK. Removals,
    one per NIK on a PBI JK card, with the first reason of ``rules.pbi.removal_reason``."""
    deciles = sorted(set(deciles))
    threshold = max(deciles) if deciles else 0
    without_nik = pbi.filter(pl.col("nik").is_null() | (pl.col("nik") == "")).height
    cards = (
        pbi.filter(pl.col("nik").is_not_null() & (pl.col("nik") != ""))
        .sort("card_number")
        .group_by("nik", maintain_order=True)
        .agg(
            pl.col("card_number").first(),
            pl.col("card_number").alias("cards"),
            pl.col("name").first(),
            pl.col("status").first(),
            pl.col("village_code").first().alias("card_village"),
        )
    )
    people = population.select("nik", pl.col("name").alias("resident_name"), "village_code")
    dead = deceased.select("nik").unique().with_columns(pl.lit(True).alias("died"))
    register = welfare.select("nik", "kk_number", "decile").with_columns(pl.lit(True).alias("in_register"))
    additions = (
        welfare.filter(pl.col("decile").is_in(deciles))
        .join(people, on="nik", how="inner")
        .join(active, on="nik", how="anti")
        .join(dead, on="nik", how="anti")
        .join(cards.select("nik"), on="nik", how="anti")
        .select(
            "nik",
            "kk_number",
            pl.col("resident_name").alias("name"),
            "village_code",
            "decile",
            pl.lit("").alias("card_number"),
            pl.lit("eligible").alias("reason"),
        )
        .sort(["decile", "village_code", "kk_number", "nik"])
    )
    judged = (
        cards.join(people.with_columns(pl.lit(True).alias("in_population")), on="nik", how="left")
        .join(dead, on="nik", how="left")
        .join(register, on="nik", how="left")
        .with_columns(
            pl.col("died").fill_null(False),
            pl.col("in_population").fill_null(False),
            pl.col("in_register").fill_null(False),
            (pl.col("cards").list.len() > 1).alias("duplicate"),
        )
    )
    reason = (
        pl.when(pl.col("died"))
        .then(pl.lit("died"))
        .when(~pl.col("in_population"))
        .then(pl.lit("moved_out"))
        .when(pl.col("duplicate"))
        .then(pl.lit("duplicate"))
        .when(~pl.col("in_register"))
        .then(pl.lit("not_in_register"))
        .when(pl.col("decile") > threshold)
        .then(pl.lit("decile_rose"))
        .otherwise(pl.lit(None))
    )
    priority = {name: index for index, name in enumerate(REMOVAL_PRIORITY)}
    removals = (
        judged.with_columns(reason.alias("reason"))
        .filter(pl.col("reason").is_not_null())
        .join(in_care, on="nik", how="left")
        .with_columns(
            pl.col("care_count").fill_null(0),
            pl.coalesce("village_code", "card_village").fill_null("").alias("village_code"),
            pl.coalesce("resident_name", "name").alias("name"),
            pl.col("kk_number").fill_null(""),
            pl.col("reason").replace_strict(priority, return_dtype=pl.Int8).alias("priority"),
        )
        .sort(["care_count", "priority", "village_code", "nik"])  # people in care are paired last
        .select(
            "nik",
            "kk_number",
            "name",
            "village_code",
            "decile",
            "card_number",
            "cards",
            "status",
            "reason",
            "care_last",
            "care_count",
        )
    )
    return Frames(additions=additions, removals=removals, current=cards.height, without_nik=without_nik)


def fingerprint(reason: str, facts: dict[str, Any]) -> str:
    """Same reason and same data → same digest: a decision on it still stands."""
    keys = sorted(key for key in facts if not key.startswith("_"))
    text = "|".join([reason, *(f"{key}={facts[key]}" for key in keys)])
    return hashlib.sha256(text.encode()).hexdigest()


def facts_of(row: dict[str, Any]) -> dict[str, Any]:
    """The data behind a proposal (keys starting with ``_`` are shown, not compared)."""
    facts: dict[str, Any] = {"decile": row.get("decile"), "kk": row.get("kk_number") or ""}
    if row["reason"] != "eligible":
        facts["cards"] = ",".join(row.get("cards") or [])
        facts["village"] = row.get("village_code") or ""
        facts["_status"] = row.get("status") or ""
        if row.get("care_count"):
            facts["_care_last"] = row["care_last"].isoformat() if row.get("care_last") else ""
            facts["_care_count"] = int(row["care_count"])
    return facts
