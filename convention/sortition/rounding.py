"""Rounding a distribution to a uniform lottery over M panels
(Flanigan, Kehne, Procaccia, "Fair sortition made transparent", NeurIPS 2021).

Method (documented in README.md):
1. Copies per panel. Panel j of probability w_j should get M w_j copies, rarely a whole number.
   Start from the classic rounding: floor(M w_j) copies, plus one for the panels with the largest
   fractional parts, so that there are M in all. Then improve it by local search: repeatedly move
   one copy from one panel to another (each m_j stays within `SPREAD` of M w_j) when this lowers
   the largest deviation over volunteers between their number of panels and M times their
   probability (ties: the sum of squared deviations), until no move helps. The deviation is
   computed exactly as step 2 assigns people.
2. People. Within a group of c interchangeable volunteers, the S seats of the M panels go
   round-robin over the members in a random (seeded) order: each gets floor(S/c) panels, and
   S mod c of them one more.
The fairness loss (largest change of a probability) is the final deviation divided by M.
"""

from __future__ import annotations

import numpy as np

from .distribution import Distribution
from .problems import check_failed

SPREAD = 3  # copies of a panel stay within this of M w_j
CANDIDATES = 64  # donor and receiver panels tried per move
MAX_MOVES = 20_000


def copies_per_panel(distribution: Distribution, panels: int) -> np.ndarray:
    """Step 1: how many of the `panels` lottery panels each panel of the support gets."""
    weights, x = distribution.probabilities, distribution.compositions
    sizes = distribution.problem.sizes
    exact = panels * weights
    copies = np.floor(exact + 1e-9).astype(np.int64)
    left = panels - int(copies.sum())
    copies[np.argsort(-(exact - copies), kind="stable")[: max(left, 0)]] += 1
    if copies.sum() != panels:  # only float noise can get here
        copies[np.argmax(weights)] += panels - copies.sum()
    targets = exact @ x / sizes  # panels each member of a group should be on
    lower = np.maximum(0, np.ceil(exact - SPREAD)).astype(np.int64)
    upper = np.floor(exact + SPREAD).astype(np.int64)
    copies = _local_search(x, sizes, targets, copies, lower, upper)
    if copies.sum() != panels or (copies < 0).any():
        raise check_failed("lottery rounding did not give the requested number of panels")
    return copies


def group_deviation(seats: np.ndarray, sizes: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per group (rows of `seats` may be candidates): largest |panels of a member - target|
    after round-robin assignment of the group's seats."""
    low = seats // sizes
    high = low + (seats % sizes > 0)
    return np.maximum(np.abs(low - targets), np.abs(high - targets))


def person_deviation(
    x: np.ndarray, sizes: np.ndarray, targets: np.ndarray, copies: np.ndarray
) -> float:
    return float(group_deviation(copies @ x, sizes, targets).max())


def _local_search(
    x: np.ndarray,
    sizes: np.ndarray,
    targets: np.ndarray,
    copies: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    copies = copies.copy()
    seats = copies @ x
    deviation = group_deviation(seats, sizes, targets)
    score = (deviation.max(), float((deviation**2).sum()))
    for _ in range(MAX_MOVES):
        worst = int(np.argmax(deviation))
        # Move seats of the worst group towards its target: copy from panels with few of its
        # members to panels with many (or the reverse if it has too many).
        too_few = seats[worst] / sizes[worst] < targets[worst]
        # Ties broken by how over-served the panel's other members are (a linear estimate).
        surplus = x @ (seats / sizes - targets)
        order = np.lexsort((-surplus, x[:, worst] if too_few else -x[:, worst]))
        donors = [j for j in order if copies[j] > lower[j]][:CANDIDATES]
        receivers = [j for j in order[::-1] if copies[j] < upper[j]][:CANDIDATES]
        if not donors or not receivers:
            break
        a, b = np.repeat(donors, len(receivers)), np.tile(receivers, len(donors))
        keep = a != b
        a, b = a[keep], b[keep]
        if a.size == 0:  # a single panel in the support: nothing to move
            break
        trial = group_deviation(seats[None, :] + x[b] - x[a], sizes, targets)
        maxima, squares = trial.max(axis=1), (trial**2).sum(axis=1)
        best = int(np.lexsort((squares, maxima))[0])
        if (maxima[best], squares[best]) >= (score[0] - 1e-12, score[1] - 1e-9):
            break
        copies[a[best]] -= 1
        copies[b[best]] += 1
        seats = copies @ x
        deviation = group_deviation(seats, sizes, targets)
        score = (deviation.max(), float((deviation**2).sum()))
    return copies


def assign_people(
    distribution: Distribution, copies: np.ndarray, rng: np.random.Generator
) -> list[list[int]]:
    """Step 2: the concrete panels (pool positions), `copies[j]` panels of composition j."""
    problem = distribution.problem
    orders = [rng.permutation(people) for people in problem.groups]
    cursors = np.zeros(problem.group_count, dtype=np.int64)
    panels: list[list[int]] = []
    for composition, count in zip(distribution.compositions, copies, strict=True):
        for _ in range(int(count)):
            panel: list[int] = []
            for g in np.flatnonzero(composition):
                take = int(composition[g])
                order = orders[g]
                start = int(cursors[g])
                panel.extend(int(order[(start + i) % len(order)]) for i in range(take))
                cursors[g] = (start + take) % len(order)
            panels.append(panel)
    for panel in panels:
        faults = problem.panel_faults(panel)
        if faults:
            raise check_failed("a lottery panel is invalid: " + "; ".join(faults))
    return panels
