"""Can any panel meet the quotas? If not, say why, naming the quotas that conflict."""

from __future__ import annotations

import numpy as np

from .pool import Pool
from .problem import SelectionProblem
from .problems import InfeasibleQuotasError, Problem
from .quotas import Quotas
from .solver import PanelSearch, nearest_relaxation


def simple_problems(problem: SelectionProblem) -> list[Problem]:
    """Infeasibility that can be explained by counting alone."""
    pool, quotas, k = problem.pool, problem.quotas, problem.k
    problems: list[Problem] = []
    if k > len(pool):
        problems.append(Problem("panel_larger_than_pool", {"k": k, "n": len(pool)}))
    else:
        households = {p.household for p in pool.people if p.household is not None}
        unplaced = sum(p.household is None for p in pool.people)
        if len(households) + unplaced < k:
            problems.append(
                Problem(
                    "panel_larger_than_households",
                    {"k": k, "households": len(households) + unplaced},
                )
            )
    available = problem.membership @ problem.sizes
    for q, quota in enumerate(quotas):
        if quota.min > available[q]:
            problems.append(
                Problem(
                    "quota_min_above_pool",
                    {
                        "feature": quota.feature,
                        "value": quota.value,
                        "min": quota.min,
                        "available": int(available[q]),
                    },
                )
            )
    for feature in quotas.features:
        rows = quotas.for_feature(feature)
        total_min, total_max = sum(q.min for q in rows), sum(q.max for q in rows)
        if total_min > k:
            problems.append(
                Problem("quota_mins_above_k", {"feature": feature, "total": total_min, "k": k})
            )
        if total_max < k:
            problems.append(
                Problem("quota_maxs_below_k", {"feature": feature, "total": total_max, "k": k})
            )
    return problems


def conflict_problems(problem: SelectionProblem) -> list[Problem]:
    """Empty if some panel meets every quota; otherwise the smallest quota changes that would
    allow one (found by an integer program), naming the conflicting quotas."""
    if PanelSearch(problem).maximise(np.zeros(problem.group_count)) is not None:
        return []
    relaxation = nearest_relaxation(problem)
    problems = [Problem("quotas_conflict", {"k": problem.k})]
    if relaxation is None:
        return problems
    lower_by, raise_by = relaxation
    for q, quota in enumerate(problem.quotas):
        if lower_by[q] > 0:
            problems.append(
                Problem(
                    "quota_relax_min",
                    {
                        "feature": quota.feature,
                        "value": quota.value,
                        "min": quota.min,
                        "suggested": quota.min - int(lower_by[q]),
                    },
                )
            )
        if raise_by[q] > 0:
            problems.append(
                Problem(
                    "quota_relax_max",
                    {
                        "feature": quota.feature,
                        "value": quota.value,
                        "max": quota.max,
                        "suggested": quota.max + int(raise_by[q]),
                    },
                )
            )
    return problems


def check_feasible(problem: SelectionProblem) -> None:
    """Raise `InfeasibleQuotasError` with every reason if no valid panel exists."""
    problems = simple_problems(problem)
    if not problems:
        problems = conflict_problems(problem)
    if problems:
        raise InfeasibleQuotasError(problems)


def prepare(pool: Pool, quotas: Quotas, k: int) -> SelectionProblem:
    """Check a pool, its quotas and the panel size together; the problem ready to solve.
    Raises `QuotaError` (quotas do not fit the pool) or `InfeasibleQuotasError`."""
    problem = SelectionProblem.build(pool, quotas, k)
    check_feasible(problem)
    return problem
