"""Report figures: Gini, histogram, representativeness, LEGACY comparison."""

from __future__ import annotations

import numpy as np
import pytest

from convention.sortition import build_report, gini, legacy, leximin
from convention.sortition.report import histogram


def test_gini_of_equal_and_of_concentrated_probabilities():
    assert gini([0.1] * 10) == pytest.approx(0.0)
    assert gini([0.0] * 9 + [1.0]) == pytest.approx(0.9)
    assert gini([0.2, 0.4]) == pytest.approx(1 / 6)


def test_histogram_counts_every_volunteer_once():
    bins = histogram(np.array([0.0, 0.05, 0.1, 0.1, 0.3]), bins=3)
    assert [b.count for b in bins] == [2, 2, 1]
    assert bins[0].low == 0.0 and bins[-1].high == pytest.approx(0.3)


def test_legacy_is_less_fair_than_leximin_on_the_same_pool(opendlp):
    fair = leximin(opendlp)
    greedy = legacy(opendlp, runs=400, seed=2)
    report = build_report(fair, legacy=greedy)
    assert report.fairness.lowest == pytest.approx(27 / 91, abs=1e-6)
    assert report.legacy is not None and report.legacy.lowest < report.fairness.lowest - 0.05
    assert report.legacy.gini > report.fairness.gini
    assert report.legacy.below_leximin_lowest > 0.1
    assert sum(b.count for b in report.fairness.histogram) == 100
    assert report.probabilities["0"] == pytest.approx(fair.marginals[0])


def test_legacy_panels_meet_the_quotas_and_repeat_with_the_seed(opendlp):
    first, again = legacy(opendlp, runs=200, seed=9), legacy(opendlp, runs=200, seed=9)
    assert np.array_equal(first.marginals, again.marginals)
    assert first.marginals.sum() == pytest.approx(30)
    for composition in first.compositions:
        assert opendlp.composition_faults(composition) == []


def test_representativeness_table_matches_quotas_and_pool(opendlp):
    report = build_report(leximin(opendlp))
    rows = {(row.feature, row.value): row for row in report.composition}
    female = rows[("gender", "Female")]
    assert female.pool_count == 50 and female.pool_share == pytest.approx(0.5)
    assert (female.quota_min, female.quota_max) == (14, 16)
    assert female.quota_min <= female.panel_expected <= female.quota_max
    for feature in ("gender", "ethnicity", "province", "education"):
        expected = sum(row.panel_expected for row in report.composition if row.feature == feature)
        assert expected == pytest.approx(30)


def test_legacy_and_lottery_respect_the_household_rule():
    from convention.sortition import build_lottery, prepare
    from convention.sortition.synthetic import synthetic

    pool, quotas = synthetic(60, 10, 3, seed=4, shared_households=0.5)
    problem = prepare(pool, quotas, 10)
    assert problem.households  # half the pool lives in two-person households
    for composition in legacy(problem, runs=200, seed=1).compositions:
        assert problem.composition_faults(composition) == []
    lottery = build_lottery(leximin(problem), panels=100, seed=1)
    index = pool.index()
    for panel in lottery.panels:
        people = [pool.people[index[i]] for i in lottery.ids(panel)]
        assert len({person.household for person in people}) == 10
