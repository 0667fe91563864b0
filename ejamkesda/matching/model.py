"""Fellegi–Sunter model: m and u probabilities per feature level, estimated on the data.

* u (probability of a level among non-matches) is counted on random pairs of records —
  almost all random pairs are non-matches;
* m (probability of a level among matches) and λ (share of matches among candidate pairs)
  are estimated by expectation–maximisation on the candidate pairs, grouped into distinct
  comparison patterns (a few thousand), so EM costs milliseconds even for millions of pairs.

The match weight of a pair is log(λ/(1-λ)) + Σ log(m/u); the score is the posterior
probability 1/(1+e^-weight), always in [0, 1]. Missing values and neutral levels weigh 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from .features import FEATURES

# Starting values of m for the top level of each feature (the rest share what is left).
_M_START_TOP = 0.9
_FLOOR = 1e-6


@dataclass
class FSModel:
    m: dict[str, np.ndarray] = field(default_factory=dict)
    u: dict[str, np.ndarray] = field(default_factory=dict)
    prior: float = 0.01  # λ: share of matches among the candidate pairs (EM)
    # share of matches among *all* pairs (what the u probabilities, counted on random pairs,
    # are consistent with); the score uses this one, so it does not depend on how many
    # junk pairs the blocking let through
    pair_prior: float | None = None
    iterations: int = 0

    def weights(self) -> dict[str, np.ndarray]:
        """log(m/u) per level; neutral levels 0."""
        out = {}
        for feature in FEATURES:
            w = np.log(np.maximum(self.m[feature.name], _FLOOR) / np.maximum(self.u[feature.name], _FLOOR))
            for k in feature.neutral:
                w[k] = 0.0
            out[feature.name] = w
        return out

    def match_weight(self, levels: pl.DataFrame) -> np.ndarray:
        """Total match weight of each row of a comparison frame (one float64 array, summed in
        place: a few bytes a pair whatever the number of features)."""
        p = self.prior if self.pair_prior is None else self.pair_prior
        total = np.full(levels.height, float(np.log(p / (1 - p))))
        for name, w in self.weights().items():
            table = np.append(w, 0.0)  # index -1 → MISSING → 0
            total += table[levels[name].to_numpy()]
        return total

    def describe(self) -> list[str]:
        lines = [f"λ = {self.prior:.4f} ({self.iterations} iterasi EM), prior pasangan = {self.pair_prior or 0:.3g}"]
        for feature in FEATURES:
            w = self.weights()[feature.name]
            cells = ", ".join(
                f"{label} m={self.m[feature.name][i]:.3f} u={self.u[feature.name][i]:.5f} w={w[i]:+.2f}"
                for i, label in enumerate(feature.levels)
            )
            lines.append(f"{feature.name}: {cells}")
        return lines


def _level_frequencies(levels: pl.DataFrame, weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
    out = {}
    for feature in FEATURES:
        x = levels[feature.name].to_numpy()
        k = len(feature.levels)
        w = np.ones(len(x)) if weights is None else weights
        counts = np.bincount(np.where(x >= 0, x, k), weights=w, minlength=k + 1)[:k]
        for neutral in feature.neutral:
            counts[neutral] = 0
        total = counts.sum()
        out[feature.name] = (counts + 0.5) / (total + 0.5 * k) if total > 0 else np.full(k, 1.0 / k)
    return out


def estimate_u(random_levels: pl.DataFrame) -> dict[str, np.ndarray]:
    """u from the levels of random pairs (add-½ smoothing: a level never seen stays rare)."""
    return _level_frequencies(random_levels)


def _start_m() -> dict[str, np.ndarray]:
    out = {}
    for feature in FEATURES:
        k = len(feature.levels)
        m = np.full(k, (1 - _M_START_TOP) / max(k - 1, 1))
        m[-1] = _M_START_TOP
        for neutral in feature.neutral:
            m[neutral] = 0
        out[feature.name] = m / m.sum()
    return out


def estimate_m(labelled: pl.DataFrame) -> dict[str, np.ndarray]:
    """m from pairs known to be matches (e.g. pairs with the same NIK)."""
    return _level_frequencies(labelled)


def fit(
    candidates: pl.DataFrame,
    u: dict[str, np.ndarray],
    *,
    fixed_m: dict[str, np.ndarray] | None = None,
    max_iter: int = 60,
    tol: float = 1e-6,
) -> FSModel:
    """EM for m and λ on candidate pairs (u fixed; the m of features in ``fixed_m`` too)."""
    fixed_m = fixed_m or {}
    names = [f.name for f in FEATURES]
    # one integer per comparison pattern (each level -1…6 in 3 bits): a cheap group-by
    code = pl.sum_horizontal([(pl.col(n).cast(pl.Int32) + 1) * (8**k) for k, n in enumerate(names)])
    patterns = candidates.group_by(code.alias("code")).len()
    counts = patterns["len"].to_numpy().astype(np.float64)
    codes = patterns["code"].to_numpy()
    x = {n: ((codes // 8**k) % 8 - 1).astype(np.int8) for k, n in enumerate(names)}
    model = FSModel(m={**_start_m(), **fixed_m}, u=u, prior=0.1)
    if counts.sum() == 0:  # nothing to learn from
        return model
    for it in range(1, max_iter + 1):
        weights = model.weights()
        logit = np.full(len(counts), np.log(model.prior / (1 - model.prior)))
        for n in names:
            w = np.append(weights[n], 0.0)  # index -1 → MISSING → 0
            logit += w[x[n]]
        post = 1.0 / (1.0 + np.exp(-logit))
        resp = post * counts
        new_prior = float(np.clip(resp.sum() / counts.sum(), 1e-6, 1 - 1e-6))
        new_m = dict(fixed_m)
        for feature in FEATURES:
            if feature.name in fixed_m:
                continue
            k = len(feature.levels)
            xs = x[feature.name]
            sums = np.bincount(np.where(xs >= 0, xs, k), weights=resp, minlength=k + 1)[:k]
            for neutral in feature.neutral:
                sums[neutral] = 0
            new_m[feature.name] = (sums + 1e-3) / (sums.sum() + 1e-3 * k)
        delta = max(float(np.abs(new_m[n] - model.m[n]).max()) for n in names)
        delta = max(delta, abs(new_prior - model.prior))
        model.m, model.prior, model.iterations = new_m, new_prior, it
        if delta < tol:
            break
    return model
