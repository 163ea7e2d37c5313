"""LEXIMIN selection by column generation (Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 2021).

LEXIMIN: among all distributions over valid panels, maximise the lowest selection probability;
subject to that, maximise the second lowest, and so on. The probabilities it gives are unique.

Method, over groups of interchangeable people (see `problem.py`):
1. Covering: integer programs find panels until every group that can be on some panel is on one
   of the panels found; groups that cannot be on any panel get probability 0.
2. Levels. The LP over the panels found so far maximises z, the lowest probability of the groups
   not yet fixed (fixed groups keep at least their level). Its dual gives each group a weight
   y_g >= 0 (summing to 1 over unfixed groups) and a value y0 for the "sum to 1" row. The pricing
   integer program looks for the panel P with the largest sum_{g} y_g x_Pg / size_g; if that
   exceeds y0, P improves the LP and is added, and the LP is solved again (column generation).
   When no panel improves it, z is optimal over *all* panels.
3. Fixing. By complementary slackness, a group with positive dual weight has probability exactly z
   in every optimal distribution, so it is fixed at z. We use the dual, not a threshold on the
   probabilities: a group whose probability is z in one optimal solution may still be raised. To be
   safe with floating point we only fix groups whose dual weight is at least `FIX_WEIGHT`: with the
   LP optimal within `TOLERANCE`, such a group could exceed z by at most TOLERANCE / FIX_WEIGHT.
   Tight groups with a smaller weight are simply found again at the same level in a later round.
   Repeat 2-3 until every group is fixed (each round fixes at least one group).
4. The last LP's solution is the distribution: each panel's probability, with every group at its
   level. It is checked before it is returned.

MAXIMIN (`maximin.py`) stops after the first level.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .distribution import Distribution
from .problem import SelectionProblem
from .problems import check_failed
from .solver import LPSolution, PanelLP, PanelSearch

ProgressCallback = Callable[[str, dict], None]

# A panel is added only if it improves the LP objective by more than this.
TOLERANCE = 1e-9
# Absolute optimality gap of the pricing integer program.
PRICING_GAP = 1e-10
# Smallest dual weight for which a group is fixed at the current level (see step 3).
FIX_WEIGHT = 1e-4
# Weight of the best duals so far in the duals used for pricing (dual smoothing).
SMOOTHING = 0.8
# Marginals of the final distribution may differ from the levels by at most this.
LEVEL_CHECK = 1e-6


def _no_progress(stage: str, detail: dict) -> None:
    pass


class ColumnGeneration:
    """State of a LEXIMIN/MAXIMIN run: the pricing IP, the LP and the fixed levels."""

    def __init__(self, problem: SelectionProblem, seed: int, on_progress: ProgressCallback) -> None:
        self.problem = problem
        self.rng = np.random.default_rng(seed)
        self.search = PanelSearch(problem, seed)
        self.lp = PanelLP(problem.sizes, seed)
        self.levels = np.full(problem.group_count, np.nan)
        self.report = on_progress
        self.pricing_calls = 0
        self.repeated_panels = 0
        self.mispricings = 0

    @property
    def unfixed(self) -> np.ndarray:
        return np.isnan(self.levels)

    def cover(self) -> None:
        """Find panels until every group that can be selected is on one; fix the others at 0."""
        uncovered = np.ones(self.problem.group_count, dtype=bool)
        while uncovered.any():
            # Random tie-breaking spreads the first panels over different people.
            noise = 1 + 0.1 * self.rng.random(self.problem.group_count)
            x = self.search.maximise(uncovered * noise / self.problem.sizes)
            self.pricing_calls += 1
            if x is None:
                raise check_failed("no valid panel exists (the feasibility check was skipped)")
            newly = uncovered & (x > 0)
            if not newly.any():
                break
            self.lp.add(x)
            uncovered &= ~newly
            self.report(
                "cover", {"panels": len(self.lp.columns), "uncovered_groups": int(uncovered.sum())}
            )
        if uncovered.any():
            self.fix(uncovered, 0.0)

    def optimise_level(self) -> tuple[LPSolution, np.ndarray]:
        """Column generation until no panel improves the LP. Returns the last LP solution, whose
        level is optimal, and dual weights that prove it (used to decide what to fix).

        Dual smoothing (Wentges): pricing uses a mix of the LP duals and the best duals seen so
        far (the "centre", with the lowest upper bound on the level). Plain column generation
        zig-zags between extreme panels; the smoothed duals give steadier columns and need
        markedly fewer LP solves. Every pricing gives an upper bound on the level (Lagrangian
        bound); the level is optimal when the LP reaches the best bound, within `TOLERANCE`."""
        sizes = self.problem.sizes
        floors = np.where(self.unfixed, 0.0, self.levels)
        centre, centre_bound = None, np.inf
        while True:
            solution = self.lp.solve()
            if centre is not None and centre_bound <= solution.level + TOLERANCE:
                return solution, centre
            duals = solution.duals
            trial = duals if centre is None else SMOOTHING * centre + (1 - SMOOTHING) * duals
            x = self.search.maximise(trial / sizes, gap=PRICING_GAP)
            self.pricing_calls += 1
            assert x is not None
            bound = (trial / sizes) @ x - trial @ floors
            if bound < centre_bound:
                centre, centre_bound = trial, bound
            if (duals / sizes) @ x <= solution.dual_total + TOLERANCE:
                if trial is duals:  # no panel improves the LP: its duals prove optimality
                    return solution, duals
                self.mispricings += 1  # the smoothed panel does not help the LP; the next
                centre = None  # round prices with the LP duals alone
                centre_bound = np.inf
                continue
            if not self.lp.add(x):
                # The LP already has this panel: its reduced cost is positive only by LP
                # tolerance, so the level is optimal to that tolerance. Counted for the record.
                self.repeated_panels += 1
                return solution, duals

    def fix(self, groups: np.ndarray, level: float) -> None:
        self.levels[groups] = level
        self.lp.fix(np.flatnonzero(groups), level)

    def fix_tight(self, solution: LPSolution, proof: np.ndarray) -> int:
        """Fix the unfixed groups whose dual weight proves them tight at this level."""
        unfixed = self.unfixed
        duals = np.where(unfixed, proof, 0.0)
        if abs(duals.sum() - 1.0) > 1e-6:
            raise check_failed(f"dual weights of unfixed groups sum to {duals.sum():.9g}, not 1")
        tight = duals >= min(FIX_WEIGHT, duals.max())
        # Floating point: a level can come out a hair above a previous one's true value.
        self.fix(tight, min(1.0, max(0.0, solution.level)))
        return int(tight.sum())

    def run(self, max_levels: int | None = None) -> LPSolution:
        self.report("start", {"people": self.problem.n, "groups": self.problem.group_count})
        self.cover()
        solution = None
        rounds = 0
        while self.unfixed.any() and (max_levels is None or rounds < max_levels):
            solution, proof = self.optimise_level()
            fixed = self.fix_tight(solution, proof)
            rounds += 1
            self.report(
                "level",
                {
                    "round": rounds,
                    "probability": solution.level,
                    "fixed_groups": fixed,
                    "unfixed_groups": int(self.unfixed.sum()),
                    "panels": len(self.lp.columns),
                },
            )
        if solution is None:  # every group was fixed at 0 by covering: cannot happen if feasible
            raise check_failed("no group can be selected")
        # The last LP solution meets every fixed level: it is the distribution.
        return solution


def _finish(
    problem: SelectionProblem,
    run: ColumnGeneration,
    solution: LPSolution,
    algorithm: str,
    started: float,
    check_levels: bool,
) -> Distribution:
    weights = solution.weights
    distribution = Distribution.from_weights(
        problem,
        run.lp.columns,
        weights,
        algorithm,
        seconds=time.perf_counter() - started,
        details={
            "panels_generated": len(run.lp.columns),
            "pricing_calls": run.pricing_calls,
            "repeated_panels": run.repeated_panels,
            "mispricings": run.mispricings,
            "distinct_levels": int(len(np.unique(np.round(run.levels[~run.unfixed], 9)))),
        },
    )
    if check_levels:
        deviation = np.abs(distribution.group_probabilities - run.levels).max()
        if deviation > LEVEL_CHECK:
            raise check_failed(
                f"final probabilities differ from the LEXIMIN levels by {deviation:.3g}"
            )
    run.report("done", {"seconds": distribution.seconds, "support": distribution.support_size})
    return distribution


def leximin(
    problem: SelectionProblem, *, seed: int = 0, on_progress: ProgressCallback | None = None
) -> Distribution:
    """The LEXIMIN distribution for a feasible problem (see `feasibility.prepare`)."""
    started = time.perf_counter()
    run = ColumnGeneration(problem, seed, on_progress or _no_progress)
    solution = run.run()
    return _finish(problem, run, solution, "leximin", started, check_levels=True)


def maximin(
    problem: SelectionProblem, *, seed: int = 0, on_progress: ProgressCallback | None = None
) -> Distribution:
    """A distribution with the highest possible lowest probability (LEXIMIN's first level);
    above that level, probabilities are whatever the LP found."""
    started = time.perf_counter()
    run = ColumnGeneration(problem, seed, on_progress or _no_progress)
    solution = run.run(max_levels=1)
    distribution = _finish(problem, run, solution, "maximin", started, check_levels=False)
    if distribution.lowest < solution.level - LEVEL_CHECK:
        raise check_failed("the MAXIMIN distribution is below its optimal lowest probability")
    return distribution
