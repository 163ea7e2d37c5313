"""Entry points: run a selection algorithm, and the replacement draw."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .distribution import Distribution
from .feasibility import prepare
from .legacy import DEFAULT_RUNS, legacy
from .leximin import ProgressCallback, leximin, maximin
from .pool import Pool
from .problem import SelectionProblem
from .problems import CheckFailed, Problem, QuotaError, SortitionError, check_failed
from .quotas import Quotas, shifted

ALGORITHMS = ("leximin", "maximin", "legacy")


def run(
    problem: SelectionProblem,
    algorithm: str = "leximin",
    *,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    legacy_runs: int = DEFAULT_RUNS,
) -> Distribution:
    """Run `algorithm` on a checked problem (see `prepare`)."""
    if algorithm == "leximin":
        return leximin(problem, seed=seed, on_progress=on_progress)
    if algorithm == "maximin":
        return maximin(problem, seed=seed, on_progress=on_progress)
    if algorithm == "legacy":
        return legacy(problem, runs=legacy_runs, seed=seed, on_progress=on_progress)
    raise SortitionError(
        [Problem("unknown_algorithm", {"algorithm": algorithm, "choices": ", ".join(ALGORITHMS)})]
    )


def select(
    pool: Pool,
    quotas: Quotas,
    k: int,
    *,
    algorithm: str = "leximin",
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    legacy_runs: int = DEFAULT_RUNS,
) -> Distribution:
    """Check the inputs (raising `QuotaError`/`InfeasibleQuotasError` with every problem) and
    compute the distribution over panels. The result has been validated."""
    problem = prepare(pool, quotas, k)
    return run(problem, algorithm, seed=seed, on_progress=on_progress, legacy_runs=legacy_runs)


@dataclass(frozen=True, eq=False)
class Replacement:
    """A fair distribution over ways to complete a panel once some members have accepted.

    `distribution` is over the substitutes only: its problem's pool holds the volunteers still
    available and its panel size is the number of seats left (None when no seat is left)."""

    accepted: tuple[str, ...]
    distribution: Distribution | None

    @property
    def seats(self) -> int:
        return 0 if self.distribution is None else self.distribution.problem.k

    def probabilities(self) -> dict[str, float]:
        """Each available volunteer's probability of being drawn as a substitute."""
        return {} if self.distribution is None else self.distribution.by_id()


def replacement(
    pool: Pool,
    quotas: Quotas,
    k: int,
    accepted: Iterable[str],
    excluded: Iterable[str],
    *,
    algorithm: str = "leximin",
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
) -> Replacement:
    """Distribution over substitutes such that accepted + substitutes is a full panel of k
    meeting every quota and the household rule. People in `excluded` (who declined), and the
    household members of accepted people, cannot be drawn."""
    accepted, excluded = list(dict.fromkeys(accepted)), set(excluded)
    index = pool.index()
    problems = [
        Problem("unknown_person", {"id": i})
        for i in [*accepted, *sorted(excluded)]
        if i not in index
    ]
    problems += [Problem("accepted_and_excluded", {"id": i}) for i in accepted if i in excluded]
    if len(accepted) > k:
        problems.append(Problem("too_many_accepted", {"accepted": len(accepted), "k": k}))
    if problems:
        raise QuotaError(problems)
    chosen = [pool.people[index[i]] for i in accepted]
    taken = Counter((f, p.features.get(f)) for p in chosen for f in quotas.features)
    for quota in quotas:
        if taken[(quota.feature, quota.value)] > quota.max:
            problems.append(
                Problem(
                    "accepted_break_quota",
                    {
                        "feature": quota.feature,
                        "value": quota.value,
                        "count": taken[(quota.feature, quota.value)],
                        "max": quota.max,
                    },
                )
            )
    households = Counter(p.household for p in chosen if p.household is not None)
    for household, count in households.items():
        if count > 1:
            ids = [p.id for p in chosen if p.household == household]
            problems.append(Problem("accepted_share_household", {"ids": ", ".join(ids)}))
    if problems:
        raise QuotaError(problems)
    if len(accepted) == k:
        full = SelectionProblem.build(pool, quotas, k)
        faults = full.panel_faults([index[i] for i in accepted])
        if faults:
            raise check_failed(
                "the accepted people do not form a valid panel: " + "; ".join(faults)
            )
        return Replacement(tuple(accepted), None)
    blocked = set(accepted) | excluded
    available = [
        position
        for position, person in enumerate(pool.people)
        if person.id not in blocked
        and (person.household is None or person.household not in households)
    ]
    rest = prepare(pool.subset(available), shifted(quotas, dict(taken)), k - len(accepted))
    distribution = run(rest, algorithm, seed=seed, on_progress=on_progress)
    _check_completions(pool, quotas, k, [index[i] for i in accepted], available, distribution)
    return Replacement(tuple(accepted), distribution)


def _check_completions(
    pool: Pool,
    quotas: Quotas,
    k: int,
    accepted: list[int],
    available: list[int],
    distribution: Distribution,
) -> None:
    """Every completion, joined with the accepted people, must be a valid full panel."""
    full = SelectionProblem.build(pool, quotas, k)
    groups = distribution.problem.groups
    for composition in distribution.compositions:
        substitutes = [
            available[int(p)]
            for g in np.flatnonzero(composition)
            for p in groups[g][: composition[g]]
        ]
        faults = full.panel_faults(accepted + substitutes)
        if faults:
            raise CheckFailed(
                [
                    Problem(
                        "check_failed",
                        {"detail": "a completed panel is invalid: " + "; ".join(faults)},
                    )
                ]
            )
