"""Replacement draw: substitutes for those who declined, keeping the full panel within quotas."""

from __future__ import annotations

import numpy as np
import pytest

from convention.sortition import QuotaError, leximin, read_pool, read_quotas, replacement


def _one_panel(problem) -> list[str]:
    composition = leximin(problem).compositions[0]
    people = [
        int(p) for g in np.flatnonzero(composition) for p in problem.groups[g][: composition[g]]
    ]
    return [problem.pool.ids[p] for p in people]


def test_substitutes_complete_a_valid_panel(opendlp):
    panel = _one_panel(opendlp)
    accepted, declined = panel[:25], panel[25:]
    result = replacement(opendlp.pool, opendlp.quotas, 30, accepted, declined)
    assert result.seats == 5
    probabilities = result.probabilities()
    assert not set(probabilities) & set(panel)  # neither accepted nor declined can be drawn
    assert sum(probabilities.values()) == pytest.approx(5)
    index = opendlp.pool.index()
    rest = result.distribution.problem
    for composition in result.distribution.compositions:
        substitutes = [
            rest.pool.ids[int(p)]
            for g in np.flatnonzero(composition)
            for p in rest.groups[g][: composition[g]]
        ]
        assert opendlp.panel_faults([index[i] for i in accepted + substitutes]) == []


def test_full_acceptance_needs_no_draw(opendlp):
    panel = _one_panel(opendlp)
    result = replacement(opendlp.pool, opendlp.quotas, 30, panel, [])
    assert result.seats == 0 and result.probabilities() == {}


def test_household_of_an_accepted_member_is_not_drawn():
    pool = read_pool("id,gender,address\n1,f,A\n2,m,A\n3,m,B\n4,f,C\n5,m,D\n")
    quotas = read_quotas("feature,value,min,max\ngender,f,1,1\ngender,m,1,1\n")
    result = replacement(pool, quotas, 2, ["1"], [])
    assert result.probabilities() == {"3": 0.5, "4": 0.0, "5": 0.5}


def test_bad_replacement_requests_are_explained(opendlp):
    with pytest.raises(QuotaError) as error:
        replacement(opendlp.pool, opendlp.quotas, 30, ["0", "nobody"], ["0"])
    assert [p.message for p in error.value.problems] == [
        'There is no volunteer with id "nobody" in the pool.',
        'The volunteer "0" is both accepted and excluded.',
    ]
