"""Report data for staff and the public: selection probabilities, fairness figures, composition.

All numbers are plain floats/ints so the web app can render or serialise them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .distribution import Distribution

DEFAULT_BINS = 20


@dataclass(frozen=True)
class HistogramBin:
    low: float
    high: float  # the last bin includes its upper edge
    count: int


@dataclass(frozen=True)
class CompositionRow:
    """One quota value: how the population, the pool and the expected panel compare."""

    feature: str
    value: str
    population_share: float | None  # target from the quota file, if given
    pool_count: int
    pool_share: float
    panel_expected: float  # expected number of panel members with this value
    panel_share: float
    quota_min: int
    quota_max: int


@dataclass(frozen=True)
class Fairness:
    """Summary of one algorithm's selection probabilities."""

    algorithm: str
    lowest: float
    highest: float
    gini: float
    below_leximin_lowest: float | None  # share of volunteers under LEXIMIN's lowest, if known
    histogram: list[HistogramBin]


@dataclass(frozen=True)
class Report:
    n: int
    k: int
    probabilities: dict[str, float]  # volunteer id -> selection probability
    support: int  # panels with positive probability
    fairness: Fairness
    legacy: Fairness | None  # LEGACY on the same pool, for comparison
    legacy_probabilities: dict[str, float] | None
    composition: list[CompositionRow]


def gini(values: np.ndarray | list[float]) -> float:
    """Gini coefficient: mean absolute difference between two people / (2 * mean); 0 when
    everyone has the same probability."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * x).sum()) / (n * total) - (n + 1) / n)


def histogram(
    values: np.ndarray, bins: int = DEFAULT_BINS, upper: float | None = None
) -> list[HistogramBin]:
    """Equal-width bins from 0 to `upper` (default: the largest value)."""
    values = np.asarray(values, dtype=np.float64)
    top = float(values.max()) if upper is None else upper
    edges = np.linspace(0.0, top if top > 0 else 1.0, bins + 1)
    counts, _ = np.histogram(np.clip(values, 0.0, edges[-1]), bins=edges)
    return [HistogramBin(float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(bins)]


def _fairness(
    distribution: Distribution, leximin_lowest: float | None, bins: int, upper: float
) -> Fairness:
    marginals = distribution.marginals
    below = None
    if leximin_lowest is not None:
        below = float(np.mean(marginals < leximin_lowest - 1e-9))
    return Fairness(
        algorithm=distribution.algorithm,
        lowest=float(marginals.min()),
        highest=float(marginals.max()),
        gini=gini(marginals),
        below_leximin_lowest=below,
        histogram=histogram(marginals, bins, upper),
    )


def composition(distribution: Distribution) -> list[CompositionRow]:
    problem = distribution.problem
    pool_counts = problem.membership @ problem.sizes
    expected = problem.membership @ (distribution.group_probabilities * problem.sizes)
    return [
        CompositionRow(
            feature=quota.feature,
            value=quota.value,
            population_share=quota.target,
            pool_count=int(pool_counts[q]),
            pool_share=float(pool_counts[q] / problem.n),
            panel_expected=float(expected[q]),
            panel_share=float(expected[q] / problem.k),
            quota_min=quota.min,
            quota_max=quota.max,
        )
        for q, quota in enumerate(problem.quotas)
    ]


def build_report(
    distribution: Distribution, *, legacy: Distribution | None = None, bins: int = DEFAULT_BINS
) -> Report:
    """Report on `distribution`, compared with a LEGACY estimate on the same pool if given."""
    upper = float(distribution.marginals.max())
    if legacy is not None:
        if legacy.problem.pool is not distribution.problem.pool:
            raise ValueError("LEGACY must be run on the same pool")
        upper = max(upper, float(legacy.marginals.max()))
    reference = distribution.lowest if distribution.algorithm == "leximin" else None
    return Report(
        n=distribution.problem.n,
        k=distribution.problem.k,
        probabilities=distribution.by_id(),
        support=distribution.support_size,
        fairness=_fairness(distribution, reference, bins, upper),
        legacy=_fairness(legacy, reference, bins, upper) if legacy is not None else None,
        legacy_probabilities=legacy.by_id() if legacy is not None else None,
        composition=composition(distribution),
    )
