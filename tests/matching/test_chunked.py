"""The memory-bounded paths of the engine (docs/pemadanan.md: ≤ 1.5 GB at 1M × 1M) give the same
results as the one-shot path: pairs compared in chunks, lists prepared column by column."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from ejamkesda.matching import engine, features, match_frames, run_matching
from ejamkesda.matching.blocking import candidate_pairs
from ejamkesda.matching.io import conform
from ejamkesda.matching.prepare import prepare, prepare_lists

from .factories import corrupted, frame, population


def _lists() -> tuple[pl.DataFrame, pl.DataFrame]:
    register = population(400)
    return frame(register), frame(corrupted(register[:360], seed=5))


def test_pairs_compared_in_chunks_give_the_same_matches(monkeypatch):
    left, right = _lists()
    monkeypatch.setattr(engine, "RANDOM_PAIRS", 3000)  # fewer chunks of random pairs: a fast test
    monkeypatch.setattr(features, "CHUNK", 10**9)
    one_shot = run_matching(left, right, threshold=0.5, review_threshold=0.0, keep_pairs=True)
    monkeypatch.setattr(features, "CHUNK", 13)  # hundreds of chunks
    chunked = run_matching(left, right, threshold=0.5, review_threshold=0.0, keep_pairs=True)
    assert one_shot.scored is not None and chunked.scored is not None
    assert chunked.scored.height > 20 * features.CHUNK
    assert_frame_equal(one_shot.matches, chunked.matches)
    # the blocking's distinct pairs come in no set order
    assert_frame_equal(one_shot.scored.sort("li", "ri"), chunked.scored.sort("li", "ri"))
    # the generated set is matched well (the strangers are left out)
    truth = {f"B{i}": f"A{i}" for i in range(360)}
    accepted = one_shot.matches.filter(pl.col("status") == "diterima")
    right_links = sum(truth[r] == left_id for r, left_id in accepted.select("right_id", "left_id").iter_rows())
    assert right_links >= 0.9 * 360
    assert right_links >= accepted.height - 3


def test_lists_prepared_together_equal_lists_prepared_apart():
    left, right = _lists()
    frames = [conform(left), conform(right)]
    together = prepare_lists(frames)
    assert frames == []  # the raw text is handed over, so it can be freed column by column
    for joint, raw in zip(together, (left, right), strict=True):
        apart = prepare(conform(raw))
        # Enums of lists prepared apart have other categories: compare the values as text
        text = [c for c, dtype in apart.schema.items() if isinstance(dtype, pl.Enum)]
        assert_frame_equal(
            joint.with_columns(pl.col(text).cast(pl.String)), apart.with_columns(pl.col(text).cast(pl.String))
        )
    # the two lists share their Enums, so equality and joins work on the codes
    assert all(together[0][c].dtype == together[1][c].dtype for c in together[0].columns)


def test_match_frames_is_deterministic():
    left, right = _lists()
    assert_frame_equal(match_frames(left, right), match_frames(left, right))


def test_blocking_is_the_same_for_lists_prepared_apart():
    # blocking keys hash Enum values by their text: lists prepared apart (other codes) block alike
    left, right = _lists()
    together = candidate_pairs(*prepare_lists([conform(left), conform(right)]))
    apart = candidate_pairs(prepare(conform(left)), prepare(conform(right)))
    assert together.height > 0
    assert_frame_equal(together.sort("li", "ri"), apart.sort("li", "ri"))
