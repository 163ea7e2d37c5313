"""LEGACY: the greedy method most organisers used before fair algorithms, for comparison.

It follows the description of the Sortition Foundation's legacy algorithm in Flanigan et al.
(Nature 2021): people are drawn one at a time.
1. For every quota value, the *urgency* is (minimum - already selected) / (volunteers still
   available with that value). If some urgency is positive, take the value with the highest one
   (ties broken at random) and draw a uniformly random available volunteer with that value;
   otherwise draw a uniformly random available volunteer.
2. After each draw, every volunteer whose selection would exceed a maximum, and the rest of the
   drawn person's household, become unavailable.
3. If no one can be drawn, or the panel misses a minimum, the attempt fails and starts again.

Its selection probabilities have no closed form; we estimate them by many seeded runs. The
resulting `Distribution` is the empirical distribution of the panels drawn (each run has the same
weight), so its marginals are exactly the estimates. Runs are simulated side by side with numpy;
people of one group are interchangeable, so only group counts are tracked.
"""

from __future__ import annotations

import time

import numpy as np

from .distribution import Distribution
from .leximin import ProgressCallback
from .problem import SelectionProblem
from .problems import check_failed

DEFAULT_RUNS = 1000
# Give up if this many attempts per requested run fail (quotas that the greedy cannot meet).
MAX_ATTEMPTS_PER_RUN = 50


def _attempt(problem: SelectionProblem, runs: int, rng: np.random.Generator) -> np.ndarray:
    """Simulate `runs` attempts; returns the compositions of the successful ones."""
    membership = problem.membership.astype(np.float64)  # (Q, G)
    mins, maxs = problem.mins, problem.maxs
    remaining = np.tile(problem.sizes.astype(np.float64), (runs, 1))  # (R, G)
    selected = np.zeros((runs, len(mins)))  # (R, Q)
    composition = np.zeros((runs, problem.group_count), dtype=np.int64)
    alive = np.ones(runs, dtype=bool)
    same_household = np.zeros((problem.group_count, problem.group_count), dtype=bool)
    for groups in problem.households:
        same_household[np.ix_(groups, groups)] = True
    rows = np.arange(runs)
    for _ in range(problem.k):
        available = remaining @ membership.T
        need = mins - selected
        with np.errstate(divide="ignore", invalid="ignore"):
            urgency = np.where(available > 0, need / available, np.where(need > 0, np.inf, -np.inf))
        best = urgency.max(axis=1)
        ties = urgency >= best[:, None] - 1e-12
        value = np.argmax(ties * rng.random(ties.shape), axis=1)
        urgent = best > 0
        weights = np.where(urgent[:, None], remaining * membership[value], remaining)
        totals = weights.sum(axis=1)
        alive &= totals > 0
        draws = rng.random(runs) * np.where(totals > 0, totals, 1.0)
        group = np.argmax(np.cumsum(weights, axis=1) > draws[:, None], axis=1)
        remaining[rows, group] -= alive
        composition[rows, group] += alive
        selected += membership.T[group] * alive[:, None]
        blocked = ((selected >= maxs) @ membership) > 0
        if problem.households:
            blocked |= same_household[group] & alive[:, None]
        remaining[blocked] = 0
    alive &= (selected >= mins).all(axis=1)
    return composition[alive]


def legacy(
    problem: SelectionProblem,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
) -> Distribution:
    """Estimate LEGACY's selection probabilities from `runs` successful seeded runs."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    panels: list[np.ndarray] = []
    done = attempts = 0
    while done < runs:
        if attempts >= MAX_ATTEMPTS_PER_RUN * runs:
            raise check_failed(f"LEGACY failed in {attempts} attempts to draw {runs} panels")
        batch = min(runs - done, 1000)
        found = _attempt(problem, batch, rng)[: runs - done]
        attempts += batch
        panels.append(found)
        done += len(found)
        if on_progress:
            on_progress("legacy", {"runs": done, "attempts": attempts, "of": runs})
    compositions = np.concatenate(panels)
    return Distribution.from_weights(
        problem,
        compositions,
        np.full(len(compositions), 1.0 / len(compositions)),
        "legacy",
        seconds=time.perf_counter() - started,
        details={"runs": runs, "attempts": attempts},
    )
