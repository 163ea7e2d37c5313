"""LEXIMIN and MAXIMIN: exact probabilities on published instances, an independent brute force,
and the same profile whatever the seed."""

from __future__ import annotations

from functools import cache
from itertools import combinations

import highspy
import numpy as np
import pytest
from conftest import DATA, expected_marginals

from convention.sortition import (
    CheckFailed,
    Distribution,
    leximin,
    maximin,
    prepare,
    read_pool,
    read_quotas,
)
from convention.sortition.synthetic import synthetic


def test_example_small_20_gives_everyone_one_tenth(small_20):
    problem, expected = small_20
    distribution = leximin(problem)
    assert np.abs(distribution.marginals - 0.1).max() < 1e-3
    assert np.abs(distribution.marginals - expected).max() < 1e-3


def test_opendlp_matches_the_measured_leximin(opendlp):
    distribution = leximin(opendlp, seed=3)
    marginals = distribution.marginals
    assert np.abs(marginals - expected_marginals(DATA / "opendlp_monitoring_100_30")).max() < 1e-3
    assert np.sum(np.abs(marginals - 27 / 91) < 1e-6) == 91
    assert np.sum(np.abs(marginals - 1 / 3) < 1e-6) == 9
    assert marginals.sum() == pytest.approx(30)


def test_every_panel_in_the_support_meets_the_quotas(opendlp):
    distribution = leximin(opendlp)
    assert distribution.probabilities.sum() == pytest.approx(1.0)
    assert (distribution.probabilities > 0).all()
    for composition in distribution.compositions:
        panel = [
            int(p) for g in np.flatnonzero(composition) for p in opendlp.groups[g][: composition[g]]
        ]
        assert opendlp.panel_faults(panel) == []


def test_maximin_reaches_the_leximin_lowest_probability(opendlp):
    assert maximin(opendlp).lowest == pytest.approx(27 / 91, abs=1e-6)


def test_progress_is_reported_by_stage(opendlp):
    stages: list[tuple[str, dict]] = []
    leximin(opendlp, on_progress=lambda stage, detail: stages.append((stage, detail)))
    names = [stage for stage, _ in stages]
    assert names[0] == "start" and names[-1] == "done"
    assert "cover" in names
    levels = [detail["probability"] for stage, detail in stages if stage == "level"]
    assert levels[0] == pytest.approx(27 / 91) and levels[-1] == pytest.approx(1 / 3)


def test_volunteers_no_panel_can_take_get_probability_zero():
    pool = read_pool(
        "id,gender\n"
        + "".join(f"{i},{'x' if i < 2 else 'f' if i % 2 else 'm'}\n" for i in range(12))
    )
    quotas = read_quotas("feature,value,min,max\ngender,x,0,0\ngender,f,2,2\ngender,m,2,2\n")
    distribution = leximin(prepare(pool, quotas, 4))
    assert distribution.marginals[:2].tolist() == [0.0, 0.0]
    assert distribution.marginals[2:] == pytest.approx(np.full(10, 0.4))


def test_an_invalid_panel_is_never_returned(opendlp):
    bad = np.zeros(opendlp.group_count, dtype=np.int64)
    bad[0] = 1  # a one-person panel
    with pytest.raises(CheckFailed, match="invalid"):
        Distribution.from_weights(opendlp, [bad], np.array([1.0]), "leximin")


# An independent LEXIMIN: every valid panel enumerated, one variable per person, and a group is
# fixed only if a separate LP shows that its probability cannot rise above the level.


def _valid(pool, quotas, k, panel) -> bool:
    people = [pool.people[p] for p in panel]
    if len({p.household for p in people}) < k:
        return False
    return all(
        q.min <= sum(p.features[q.feature] == q.value for p in people) <= q.max for q in quotas
    )


def _lp(panels: list[tuple[int, ...]], n: int, floors: dict[int, float], objective) -> float:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    weights = [highs.addVariable(lb=0.0) for _ in panels]
    z = highs.addVariable(lb=-1.0, ub=1.0)
    highs.addConstr(sum(weights) == 1)
    share = [
        sum((w for w, p in zip(weights, panels, strict=True) if i in p), 0.0 * z) for i in range(n)
    ]
    for i in range(n):
        if i in floors:
            highs.addConstr(share[i] >= floors[i])
        else:
            highs.addConstr(share[i] - z >= 0)
    highs.maximize(objective(z, share))
    return highs.getInfo().objective_function_value


def brute_force_leximin(pool, quotas, k) -> list[float]:
    n = len(pool)
    panels = [c for c in combinations(range(n), k) if _valid(pool, quotas, k, c)]
    levels: dict[int, float] = {}
    while len(levels) < n:
        z = _lp(panels, n, levels, lambda z, share: z)
        floors = {**levels, **{i: z - 1e-9 for i in range(n) if i not in levels}}
        for i in range(n):
            if (
                i not in levels
                and _lp(panels, n, floors, lambda _, share, i=i: share[i]) < z + 1e-7
            ):
                levels[i] = z
    return [levels[i] for i in range(n)]


@pytest.mark.parametrize("seed", [0, 7, 29, 39])
def test_leximin_equals_an_independent_brute_force(seed):
    # 11 volunteers, 3 features, exact quotas, 40% in two-person households: 3 to 5 levels.
    pool, quotas = synthetic(11, 4, 3, seed=seed, slack=0.0, shared_households=0.4)
    expected = brute_force_leximin(pool, quotas, 4)
    assert len(set(np.round(expected, 6))) >= 3  # several levels, so the test can fail
    distribution = leximin(prepare(pool, quotas, 4), seed=seed)
    assert distribution.marginals == pytest.approx(expected, abs=1e-6)


@cache
def _synthetic_problem():
    pool, quotas = synthetic(70, 20, 3, seed=1)
    return prepare(pool, quotas, 20)


@cache
def _reference_profile() -> np.ndarray:
    return leximin(_synthetic_problem(), seed=1000).marginals


@pytest.mark.parametrize("seeds", [range(0, 5), range(5, 10), range(10, 15), range(15, 20)])
def test_same_leximin_profile_for_20_seeds(seeds):
    reference = _reference_profile()
    assert len(np.unique(np.round(reference, 6))) >= 3  # several levels beyond the first
    for seed in seeds:
        marginals = leximin(_synthetic_problem(), seed=seed).marginals
        assert np.abs(marginals - reference).max() < 1e-6, f"seed {seed}"
