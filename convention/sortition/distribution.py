"""A probability distribution over panels, and its checks.

A panel in the support is given by its composition: how many people of each group of
interchangeable volunteers it has (see `problem.py`); the people of a group are then taken
uniformly at random, so every member of a group has the same selection probability. The
transparent lottery (`lottery.py`) turns compositions into concrete lists of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .problem import SelectionProblem
from .problems import check_failed

# Panels whose LP weight is below this are numerical noise of the simplex method.
NEGLIGIBLE_WEIGHT = 1e-11


@dataclass(frozen=True, eq=False)
class Distribution:
    problem: SelectionProblem
    compositions: np.ndarray  # (m, G) people per group in each panel of the support
    probabilities: np.ndarray  # (m,) probability of each panel
    algorithm: str
    seconds: float = 0.0
    details: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_weights(
        cls,
        problem: SelectionProblem,
        compositions: list[np.ndarray] | np.ndarray,
        weights: np.ndarray,
        algorithm: str,
        **kwargs: object,
    ) -> Distribution:
        """Drop panels with negligible weight, renormalise, merge repeated panels, check."""
        compositions = np.asarray(compositions, dtype=np.int64).reshape(-1, problem.group_count)
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != (len(compositions),):
            raise check_failed("one weight per panel is needed")
        if weights.min(initial=0.0) < -1e-7:
            raise check_failed(f"a panel has negative weight {weights.min():.3g}")
        keep = weights > NEGLIGIBLE_WEIGHT
        unique, inverse = np.unique(compositions[keep], axis=0, return_inverse=True)
        merged = np.bincount(inverse.ravel(), weights=weights[keep], minlength=len(unique))
        if merged.sum() <= 0:
            raise check_failed("the distribution has no panel")
        distribution = cls(problem, unique, merged / merged.sum(), algorithm, **kwargs)  # type: ignore[arg-type]
        distribution.check()
        return distribution

    @property
    def support_size(self) -> int:
        return len(self.probabilities)

    @property
    def group_probabilities(self) -> np.ndarray:
        """(G,) selection probability of a member of each group."""
        return (self.probabilities @ self.compositions) / self.problem.sizes

    @property
    def marginals(self) -> np.ndarray:
        """(n,) selection probability of each person, in pool order."""
        return self.problem.person_values(self.group_probabilities)

    @property
    def lowest(self) -> float:
        return float(self.group_probabilities.min())

    def by_id(self) -> dict[str, float]:
        return dict(zip(self.problem.pool.ids, self.marginals.tolist(), strict=True))

    def check(self) -> None:
        """Raise `CheckFailed` unless every panel is valid, probabilities are non-negative and
        sum to 1, and the selection probabilities sum to k."""
        problem = self.problem
        if self.compositions.shape != (len(self.probabilities), problem.group_count):
            raise check_failed("compositions and probabilities do not match")
        if (self.probabilities < 0).any():
            raise check_failed("a panel has negative probability")
        if abs(self.probabilities.sum() - 1.0) > 1e-9:
            raise check_failed(f"panel probabilities sum to {self.probabilities.sum():.12g}, not 1")
        for x in self.compositions:
            faults = problem.composition_faults(x)
            if faults:
                raise check_failed("a panel in the support is invalid: " + "; ".join(faults))
        marginals = self.marginals
        if marginals.min() < -1e-9 or marginals.max() > 1 + 1e-9:
            raise check_failed("a selection probability is outside [0, 1]")
        if abs(marginals.sum() - problem.k) > 1e-6:
            raise check_failed(
                f"selection probabilities sum to {marginals.sum():.9g}, not {problem.k}"
            )
