"""The matching engine (pemadanan, Instruksi Bupati Tegal 379/2022 on matching
agency data with BPJS membership; method and figures in docs/pemadanan.md).

Pipeline: prepare (normalise) → exact NIK pairs → candidate pairs by blocking for the right
records not settled by their NIK → comparison levels → Fellegi–Sunter model (u on random
pairs, m and λ by EM) → score 0–1 of every pair → the best left record of each right record.
Pairs scoring at least ``threshold`` are accepted; those between ``review_threshold`` and
``threshold`` go to review.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from .blocking import candidate_pairs, nik_pairs
from .features import FEATURE_NAMES, NIK_EXACT, NIK_TYPO, compare, reasons_expr
from .io import conform
from .model import FSModel, estimate_m, estimate_u, fit
from .prepare import nik_matrix, prepare, prepare_lists

# The engine's own defaults; a deployment sets its own through EJAMKESDA_MATCH_THRESHOLD and
# EJAMKESDA_MATCH_REVIEW_THRESHOLD (settings.py, used by manage.py match_files).
DEFAULT_THRESHOLD = 0.5
DEFAULT_REVIEW_THRESHOLD = 0.2
RANDOM_PAIRS = 120_000
MIN_LABELLED = 500  # pairs needed to count m instead of estimating it by EM
STATUS_ACCEPTED = "diterima"
STATUS_REVIEW = "tinjau"
METHOD_NIK = "nik"
METHOD_NIK_TYPO = "nik_salah_ketik"
METHOD_PROBABILISTIC = "probabilistik"
METHOD_DECISION = "keputusan_petugas"  # confirmed by a UPT user earlier

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class MatchResult:
    matches: pl.DataFrame  # right_id, left_id, score, method, reasons, status (one row per right record)
    model: FSModel
    stats: dict[str, float] = field(default_factory=dict)
    scored: pl.DataFrame | None = None  # every scored candidate pair (li, ri, levels…, score)


# A pair whose names disagree and whose NIKs are not the same is at most sent to review:
# relatives share the address and twins also the birth date, and NIKs of people born on
# neighbouring days in one district are often one digit apart — dependences the
# independence assumption of Fellegi–Sunter does not see.
NAME_GUARD_CAP = 0.25


def _score(frame: pl.DataFrame, model: FSModel) -> pl.DataFrame:
    # term frequency: the same name is strong evidence for a rare name, weak for "RINA"
    # (u of an exact name = how often that name occurs, not the average over all names)
    u_exact = float(model.u["nama"][-1])
    weight = model.match_weight(frame)
    same_name = frame["nama"].to_numpy() == 4
    weight[same_name] += np.log(u_exact) - np.log(frame["name_tf"].to_numpy()[same_name])
    posterior = pl.lit(pl.Series(1.0 / (1.0 + np.exp(-weight)), dtype=pl.Float64))
    names_differ = (pl.col("nama") <= 1) & (pl.col("nama") >= 0)
    # the same NIK with another name and another birth date: the NIK of a relative
    weak_name = names_differ & ((pl.col("nik") != NIK_EXACT) | ~pl.col("tgl_lahir").is_in([3, 4]))
    return frame.with_columns(
        score=pl.when(weak_name).then(pl.min_horizontal(posterior, pl.lit(NAME_GUARD_CAP))).otherwise(posterior)
    )


def score_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    same_list: bool = False,
    progress: Progress = _quiet,
    seed: int = 0,
) -> tuple[pl.DataFrame, FSModel, dict[str, float]]:
    """Score the candidate pairs of two *prepared* frames. Returns (pairs, model, stats)."""
    stats: dict[str, float] = {}
    digits = (nik_matrix(left["nik"]), nik_matrix(right["nik"]))

    t = time.perf_counter()
    p1 = nik_pairs(left, right)
    if same_list:
        p1 = p1.filter(pl.col("li") != pl.col("ri"))
    c1 = compare(left, right, p1["li"].to_numpy(), p1["ri"].to_numpy(), digits)
    settled = c1.filter((pl.col("nik") == NIK_EXACT) & (pl.col("nama") >= 3) & pl.col("tgl_lahir").is_in([-1, 3, 4]))[
        "ri"
    ].unique()
    stats["pairs_nik"] = c1.height
    stats["settled_by_nik"] = len(settled)
    progress(
        f"NIK sama: {c1.height:,} pasangan, {len(settled):,} baris kanan selesai ({time.perf_counter() - t:.1f} dtk)"
    )

    t = time.perf_counter()
    rest = right.filter(~pl.col("idx").is_in(settled.implode()))
    p2 = candidate_pairs(left, rest)
    unsettled = rest.height
    del rest
    if same_list:
        p2 = p2.filter(pl.col("li") != pl.col("ri"))
    p2 = p2.join(p1, on=["li", "ri"], how="anti")
    c2 = compare(left, right, p2["li"].to_numpy(), p2["ri"].to_numpy(), digits)
    stats["pairs_blocking"] = c2.height
    progress(
        f"Blocking: {unsettled:,} baris kanan tanpa NIK yang cocok → {c2.height:,} pasangan kandidat "
        f"({time.perf_counter() - t:.1f} dtk)"
    )

    t = time.perf_counter()
    rng = np.random.default_rng(seed)
    n_random = min(RANDOM_PAIRS, left.height * right.height)
    rl = rng.integers(0, left.height, n_random, dtype=np.uint32) if left.height else np.zeros(0, np.uint32)
    rr = rng.integers(0, right.height, n_random, dtype=np.uint32) if right.height else np.zeros(0, np.uint32)
    if same_list:
        keep = rl != rr
        rl, rr = rl[keep], rr[keep]
    u = estimate_u(compare(left, right, rl, rr, digits))
    candidates = pl.concat([c1, c2])
    # how often each left record's name occurs in the left list (null names: 1 / n)
    share = pl.when(pl.col("compact").is_not_null()).then(pl.len().over("compact")).otherwise(1) / max(left.height, 1)
    tf = left.select(share.cast(pl.Float64).alias("name_tf")).to_series()
    candidates = candidates.with_columns(name_tf=tf.gather(candidates["li"]))
    del tf
    # m of every feature but the NIK: counted on the pairs with the same NIK (almost all true
    # matches, and their other errors are independent of the NIK being right); m of the NIK
    # and λ: EM on all candidate pairs.
    nik_same = candidates.filter(pl.col("nik") == NIK_EXACT)
    fixed = {k: v for k, v in estimate_m(nik_same).items() if k != "nik"} if nik_same.height >= MIN_LABELLED else {}
    # m of the NIK: counted on the pairs that agree on everything else (same name, birth
    # date and village) — EM would otherwise learn from its own false matches
    agree = candidates.filter((pl.col("nama") >= 3) & (pl.col("tgl_lahir") == 4) & (pl.col("alamat") >= 2))
    if agree.filter(pl.col("nik") >= 0).height >= MIN_LABELLED:
        fixed["nik"] = estimate_m(agree)["nik"]
    model = fit(candidates, u, fixed_m=fixed)
    all_pairs = max(left.height * right.height - (left.height if same_list else 0), 1)
    model.pair_prior = float(np.clip(model.prior * candidates.height / all_pairs, 1e-12, 0.5))
    progress(
        f"Model Fellegi–Sunter: λ={model.prior:.4f}, {model.iterations} iterasi EM ({time.perf_counter() - t:.1f} dtk)"
    )
    return _score(candidates, model), model, stats


def _method_expr() -> pl.Expr:
    return (
        pl.when(pl.col("decided"))
        .then(pl.lit(METHOD_DECISION))
        .when(pl.col("nik") == NIK_EXACT)
        .then(pl.lit(METHOD_NIK))
        .when(pl.col("nik") == NIK_TYPO)
        .then(pl.lit(METHOD_NIK_TYPO))
        .otherwise(pl.lit(METHOD_PROBABILISTIC))
    )


def best_matches(
    scored: pl.DataFrame,
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    threshold: float,
    review_threshold: float,
) -> pl.DataFrame:
    """The best left record of each right record, if it scores at least ``review_threshold``."""
    if "decided" not in scored.columns:
        scored = scored.with_columns(decided=pl.lit(False))
    kept = scored.filter(pl.col("score") >= review_threshold).select("li", "ri", "score", "decided", *FEATURE_NAMES)
    best = kept.sort(["ri", "score", "li"], descending=[False, True, False]).filter(pl.col("ri").is_first_distinct())
    # candidates scoring almost as well as the best (twins, a register with duplicates)
    near = (
        kept.select("ri", "score")
        .join(best.select("ri", pl.col("score").alias("top")), on="ri")
        .filter(pl.col("score") >= pl.col("top") - 0.05)
        .group_by("ri")
        .len("contenders")
    )
    ranked = best.join(near, on="ri", how="left").sort("ri")
    ambiguous = pl.when(pl.col("contenders") > 1).then(
        pl.format("ambigu: {} kandidat dengan skor hampir sama", pl.col("contenders"))
    )
    # the reasons depend only on the levels and the number of contenders: each text is built
    # once per pattern (a few thousand), not once per row
    pattern = [*FEATURE_NAMES, "contenders"]
    text = pl.concat_str([reasons_expr(), ambiguous], separator="; ", ignore_nulls=True)
    reasons = ranked.select(pattern).unique().with_columns(reasons=text)
    out = ranked.join(reasons, on=pattern, how="left", nulls_equal=True, maintain_order="left")
    out = out.with_columns(
        method=_method_expr(),
        status=pl.when(pl.col("score") >= threshold).then(pl.lit(STATUS_ACCEPTED)).otherwise(pl.lit(STATUS_REVIEW)),
        right_id=right["id"].gather(out["ri"]),
        left_id=left["id"].gather(out["li"]),
    )
    return out.select("right_id", "left_id", pl.col("score").round(4), "method", "reasons", "status", *FEATURE_NAMES)


def run_matching(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    review_threshold: float | None = None,
    progress: Progress = _quiet,
    keep_pairs: bool = False,
    decisions: pl.DataFrame | None = None,
) -> MatchResult:
    """Match contract frames ``right`` against ``left``; see :func:`match_frames`."""
    review = DEFAULT_REVIEW_THRESHOLD if review_threshold is None else review_threshold
    review = min(review, threshold)
    t0 = time.perf_counter()
    frames = [conform(left, name="left"), conform(right, name="right")]
    del left, right  # prepare_lists frees the raw text column by column (if the caller kept no reference)
    lp, rp = prepare_lists(frames)
    progress(f"Normalisasi: {lp.height:,} × {rp.height:,} baris ({time.perf_counter() - t0:.1f} dtk)")
    scored, model, stats = score_pairs(lp, rp, progress=progress)
    if decisions is not None and decisions.height:
        scored = apply_decisions(scored, lp, rp, decisions, model)
    t1 = time.perf_counter()
    matches = best_matches(scored, lp, rp, threshold=threshold, review_threshold=review)
    progress(f"Keputusan: {matches.height:,} baris kanan berpasangan ({time.perf_counter() - t1:.1f} dtk)")
    stats["seconds"] = time.perf_counter() - t0
    stats["accepted"] = int((matches["status"] == STATUS_ACCEPTED).sum())
    stats["review"] = int((matches["status"] == STATUS_REVIEW).sum())
    stats["right_rows"] = rp.height
    stats["left_rows"] = lp.height
    # several right records whose best match is the same left record: probably duplicates
    accepted = matches.filter(pl.col("status") == STATUS_ACCEPTED)
    stats["right_sharing_left"] = int(accepted.height - accepted["left_id"].n_unique()) if accepted.height else 0
    return MatchResult(matches=matches, model=model, stats=stats, scored=scored if keep_pairs else None)


def apply_decisions(
    scored: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame, decisions: pl.DataFrame, model: FSModel
) -> pl.DataFrame:
    """Reuse the review decisions of UPT users (``right_id, left_id, accepted``): a rejected
    pair is never proposed again, a confirmed pair scores 1 with method "keputusan_petugas"."""
    ids = decisions.select(
        pl.col("right_id").cast(pl.String), pl.col("left_id").cast(pl.String), pl.col("accepted").cast(pl.Boolean)
    )
    ids = ids.join(right.select(pl.col("id").alias("right_id"), pl.col("idx").alias("ri")), on="right_id")
    ids = ids.join(left.select(pl.col("id").alias("left_id"), pl.col("idx").alias("li")), on="left_id")
    scored = scored.with_columns(decided=pl.lit(False)).join(ids.select("li", "ri"), on=["li", "ri"], how="anti")
    confirmed = ids.filter(pl.col("accepted"))
    if confirmed.height:
        digits = (nik_matrix(left["nik"]), nik_matrix(right["nik"]))
        pairs = compare(left, right, confirmed["li"].to_numpy(), confirmed["ri"].to_numpy(), digits)
        pairs = pairs.with_columns(name_tf=pl.lit(1.0), score=pl.lit(1.0), decided=pl.lit(True))
        scored = pl.concat([scored, pairs.select(scored.columns)], how="vertical_relaxed")
    return scored


def match_frames(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    review_threshold: float | None = None,
    progress: Progress = _quiet,
    decisions: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """For each row of ``right`` whose best match in ``left`` scores ≥ ``review_threshold``:
    ``right_id, left_id, score (0–1), method, reasons, status`` ("diterima" when score ≥
    ``threshold``, else "tinjau" = review queue) and the level of each feature. Both frames
    follow the CSV contract (:data:`ejamkesda.matching.io.COLUMNS`). ``decisions``: earlier
    review decisions (``right_id, left_id, accepted``), reused — see :func:`apply_decisions`."""
    return run_matching(
        left, right, threshold=threshold, review_threshold=review_threshold, progress=progress, decisions=decisions
    ).matches


def find_duplicates(
    frame: pl.DataFrame, *, threshold: float = DEFAULT_THRESHOLD, progress: Progress = _quiet
) -> pl.DataFrame:
    """Pairs of rows of one list that are probably the same person: ``id_a, id_b, score, reasons``."""
    prepared = prepare(conform(frame, name="data"))
    scored, _, _ = score_pairs(prepared, prepared, same_list=True, progress=progress)
    pairs = scored.filter((pl.col("score") >= threshold) & (pl.col("li") < pl.col("ri")))
    ids = prepared.select("idx", "id")
    pairs = pairs.join(ids.rename({"idx": "li", "id": "id_a"}), on="li").join(
        ids.rename({"idx": "ri", "id": "id_b"}), on="ri"
    )
    return pairs.sort("li", "ri").select("id_a", "id_b", pl.col("score").round(4), reasons_expr().alias("reasons"))
