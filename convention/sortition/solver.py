"""The small solver interface: the three models the algorithms need, solved with HiGHS.

- `PanelSearch`: the integer program "find a valid panel composition maximising a weighted sum"
  (the pricing problem of column generation, also used for feasibility and covering).
- `PanelLP`: the LP over the panels found so far, maximising the lowest probability of the
  groups not yet fixed (the restricted master problem), with its dual weights.
- `nearest_relaxation`: the integer program that finds the smallest quota changes that make a
  panel possible, to tell staff which quotas conflict.

Nothing outside this module imports highspy.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from .problem import SelectionProblem
from .problems import solver_failed

INF = highspy.kHighsInf

# LP tolerances: tighter than HiGHS's defaults (1e-7) because probabilities are compared and
# fixed level by level; 1e-9 is well within double precision for these small coefficients.
LP_TOLERANCE = 1e-9


def new_highs(seed: int = 0) -> highspy.Highs:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", int(seed) % 2_147_483_647)
    return highs


def pass_model(
    highs: highspy.Highs,
    *,
    matrix: np.ndarray,
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    integer: np.ndarray | None = None,
    maximise: bool = False,
) -> None:
    """Load a model given as a dense matrix (rows x columns)."""
    lp = highspy.HighsLp()
    rows, cols = matrix.shape
    lp.num_row_, lp.num_col_ = rows, cols
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    column_major = np.asarray(matrix, dtype=np.float64).T
    col_index, row_index = np.nonzero(column_major)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate(([0], np.cumsum(np.bincount(col_index, minlength=cols))))
    lp.a_matrix_.index_ = row_index.astype(np.int32)
    lp.a_matrix_.value_ = column_major[col_index, row_index]
    if integer is not None:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in integer
        ]
    status = highs.passModel(lp)
    if status != highspy.HighsStatus.kOk:
        raise solver_failed(f"model rejected ({status})")


def _panel_rows(problem: SelectionProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows shared by every panel model: size = k, quotas, at most one per household."""
    household_rows = np.zeros((len(problem.households), problem.group_count))
    for row, groups in enumerate(problem.households):
        household_rows[row, groups] = 1
    matrix = np.vstack([np.ones((1, problem.group_count)), problem.membership, household_rows])
    lower = np.concatenate(([problem.k], problem.mins, np.full(len(problem.households), -INF)))
    upper = np.concatenate(([problem.k], problem.maxs, np.ones(len(problem.households))))
    return matrix, lower, upper


class PanelSearch:
    """Find a valid composition x (0 <= x_g <= size_g, integer) maximising weights . x."""

    def __init__(self, problem: SelectionProblem, seed: int = 0) -> None:
        self.problem = problem
        self.highs = new_highs(seed)
        # Exact optimality up to `gap` (absolute): the default relative gap of 1e-4 would let
        # column generation stop before the LEXIMIN level is reached.
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        matrix, lower, upper = _panel_rows(problem)
        pass_model(
            self.highs,
            matrix=matrix,
            cost=np.zeros(problem.group_count),
            col_lower=np.zeros(problem.group_count),
            col_upper=problem.sizes.astype(np.float64),
            row_lower=lower,
            row_upper=upper,
            integer=np.ones(problem.group_count, dtype=bool),
            maximise=True,
        )
        self._all = np.arange(problem.group_count, dtype=np.int32)

    def maximise(self, weights: np.ndarray, gap: float = 1e-10) -> np.ndarray | None:
        """Best composition for `weights` (within `gap` of the optimum), or None if no valid
        panel exists at all."""
        highs = self.highs
        highs.setOptionValue("mip_abs_gap", gap)
        highs.changeColsCost(len(self._all), self._all, np.asarray(weights, dtype=np.float64))
        x = _integer_solution(highs, "panel search")
        if x is None:
            return None
        faults = self.problem.composition_faults(x)
        if faults:
            raise solver_failed("panel search returned an invalid panel: " + "; ".join(faults))
        return x


@dataclass(frozen=True)
class LPSolution:
    level: float  # z, the lowest probability among groups not yet fixed
    weights: np.ndarray  # probability of each panel (column) so far
    duals: np.ndarray  # (G,) dual weight of each group row, >= 0
    dual_total: float  # dual of the "probabilities sum to 1" row


class PanelLP:
    """max z  s.t.  sum_j w_j = 1;  for each group g: p_g(w) - z >= 0 (not fixed) or
    p_g(w) >= level_g (fixed);  w >= 0, where p_g(w) = sum_j w_j x_jg / size_g.

    Adding a panel adds a column and keeps the basis (warm start). Fixing groups rebuilds the
    model: editing the matrix in place (removing z from a row) can leave HiGHS with a singular
    basis, and freeing rows slows the simplex down."""

    def __init__(self, sizes: np.ndarray, seed: int = 0) -> None:
        self.sizes = sizes.astype(np.float64)
        self.seed = seed
        self.levels = np.full(len(sizes), np.nan)
        self.columns: list[np.ndarray] = []
        self._seen: set[bytes] = set()
        self._build()

    def _build(self) -> None:
        groups = len(self.sizes)
        fixed = ~np.isnan(self.levels)
        self.highs = new_highs(self.seed)
        for option in ("primal_feasibility_tolerance", "dual_feasibility_tolerance"):
            self.highs.setOptionValue(option, LP_TOLERANCE)
        panels = np.array(self.columns, dtype=np.float64).reshape(-1, groups) / self.sizes
        matrix = np.vstack(
            [
                np.concatenate(([0.0], np.ones(len(panels)))),
                np.hstack([np.where(fixed, 0.0, -1.0)[:, None], panels.T]),
            ]
        )
        pass_model(
            self.highs,
            matrix=matrix,
            cost=np.concatenate(([1.0], np.zeros(len(panels)))),
            col_lower=np.concatenate(([-INF], np.zeros(len(panels)))),
            col_upper=np.full(1 + len(panels), INF),
            row_lower=np.concatenate(([1.0], np.where(fixed, self.levels, 0.0))),
            row_upper=np.concatenate(([1.0], np.full(groups, INF))),
            maximise=True,
        )
        # After a rebuild the first solve starts cold; later ones add columns to an optimal
        # basis, which the primal simplex continues from. Without bound perturbation it needs
        # markedly fewer pivots on these highly degenerate LPs (measured: about 1.5x).
        self.highs.setOptionValue("simplex_strategy", 4)
        self.highs.setOptionValue("primal_simplex_bound_perturbation_multiplier", 0.0)

    def add(self, x: np.ndarray) -> bool:
        """Add composition x as a column; False if it is already there."""
        key = x.tobytes()
        if key in self._seen:
            return False
        self._seen.add(key)
        self.columns.append(x.copy())
        groups = np.flatnonzero(x)
        index = np.concatenate(([0], groups + 1)).astype(np.int32)
        value = np.concatenate(([1.0], x[groups] / self.sizes[groups]))
        self.highs.addCol(0.0, 0.0, INF, len(index), index, value)
        return True

    def fix(self, groups: np.ndarray, level: float) -> None:
        """From now on require p_g >= level for these groups instead of p_g >= z."""
        if len(groups) == 0:
            return
        self.levels[groups] = level
        self._build()

    def solve(self) -> LPSolution:
        highs = self.highs
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise solver_failed(f"panel LP ended with {highs.modelStatusToString(status)}")
        solution = highs.getSolution()
        col_value = np.asarray(solution.col_value)
        row_dual = np.asarray(solution.row_dual)
        # HiGHS reports d(objective)/d(row bound): for a ">=" row of a maximisation that is
        # minus our (non-negative) dual weight.
        return LPSolution(
            level=float(col_value[0]),
            weights=col_value[1:].copy(),
            duals=np.maximum(-row_dual[1:], 0.0),
            dual_total=float(row_dual[0]),
        )


def nearest_relaxation(problem: SelectionProblem) -> tuple[np.ndarray, np.ndarray] | None:
    """Smallest total change to quota bounds that allows a panel: returns how much each minimum
    must drop and each maximum must rise, or None if even that is impossible (size or household
    limits)."""
    groups, quotas = problem.group_count, len(problem.mins)
    matrix, lower, upper = _panel_rows(problem)
    quota_rows = slice(1, 1 + quotas)
    lower[quota_rows], upper[quota_rows] = -INF, INF
    eye = np.eye(quotas)
    # membership x + below >= min  and  membership x - above <= max
    extra = np.zeros((2 * quotas, groups + 2 * quotas))
    extra[:quotas, :groups] = problem.membership
    extra[:quotas, groups : groups + quotas] = eye
    extra[quotas:, :groups] = problem.membership
    extra[quotas:, groups + quotas :] = -eye
    base = np.hstack([matrix, np.zeros((matrix.shape[0], 2 * quotas))])
    highs = new_highs()
    pass_model(
        highs,
        matrix=np.vstack([base, extra]),
        cost=np.concatenate((np.zeros(groups), np.ones(2 * quotas))),
        col_lower=np.zeros(groups + 2 * quotas),
        col_upper=np.concatenate((problem.sizes.astype(np.float64), np.full(2 * quotas, INF))),
        row_lower=np.concatenate((lower, problem.mins, np.full(quotas, -INF))),
        row_upper=np.concatenate((upper, np.full(quotas, INF), problem.maxs)),
        integer=np.ones(groups + 2 * quotas, dtype=bool),
    )
    values = _integer_solution(highs, "quota relaxation")
    if values is None:
        return None
    return values[groups : groups + quotas], values[groups + quotas :]


def _integer_solution(highs: highspy.Highs, what: str) -> np.ndarray | None:
    """Solve the integer program loaded in `highs`: its rounded solution, None if infeasible;
    any other outcome is an error naming `what` was being solved."""
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None
    if status != highspy.HighsModelStatus.kOptimal:
        raise solver_failed(f"{what} ended with {highs.modelStatusToString(status)}")
    return np.rint(np.asarray(highs.getSolution().col_value)).astype(np.int64)
