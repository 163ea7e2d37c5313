"""Quotas that no panel can satisfy are rejected with the reason and the conflicting quotas."""

from __future__ import annotations

import pytest

from convention.sortition import (
    InfeasibleQuotasError,
    prepare,
    read_pool,
    read_quotas,
    read_respondents,
)

# 4 women (all young) and 4 men (all old).
RESPONDENTS = "gender,age\n" + "female,young\n" * 4 + "male,old\n" * 4


def messages(error: pytest.ExceptionInfo) -> list[str]:
    return [problem.message for problem in error.value.problems]


def test_counting_problems_are_explained():
    quotas = read_quotas(
        "category,feature,min,max\ngender,female,5,6\ngender,male,2,3\nage,young,0,1\nage,old,0,1\n"
    )
    with pytest.raises(InfeasibleQuotasError) as error:
        prepare(read_respondents(RESPONDENTS), quotas, 4)
    assert messages(error) == [
        "The quota gender=female needs at least 5 people, but only 4 volunteers have this value.",
        'The minimums of feature "gender" add up to 7, more than the panel size 4.',
        'The maximums of feature "age" add up to 2, less than the panel size 4.',
    ]


def test_conflicting_quotas_are_named_with_the_smallest_fix():
    # Each quota alone is possible, but 3 women means 3 young people, above the young maximum 1.
    quotas = read_quotas(
        "category,feature,min,max\ngender,female,3,4\ngender,male,0,4\nage,young,0,1\nage,old,0,4\n"
    )
    with pytest.raises(InfeasibleQuotasError) as error:
        prepare(read_respondents(RESPONDENTS), quotas, 4)
    problems = error.value.problems
    assert problems[0].code == "quotas_conflict"
    assert "No panel of 4 people meets all quotas together" in problems[0].message
    changes = {
        (p.code, p.params["feature"], p.params["value"], p.params.get("suggested"))
        for p in problems[1:]
    }
    # Two units of change are needed: either lower female's minimum to 1, or raise young's max
    # to 3, or one of each.
    assert changes <= {
        ("quota_relax_min", "gender", "female", 1),
        ("quota_relax_min", "gender", "female", 2),
        ("quota_relax_max", "age", "young", 3),
        ("quota_relax_max", "age", "young", 2),
    }
    assert changes


def test_panel_larger_than_pool_or_households():
    quotas = read_quotas("category,feature,min,max\ngender,female,0,9\ngender,male,0,9\n")
    with pytest.raises(
        InfeasibleQuotasError, match="The panel size 9 is larger than the pool of 8"
    ):
        prepare(read_respondents(RESPONDENTS), quotas, 9)
    pool = read_pool("id,gender,address\n1,female,A\n2,male,A\n3,female,B\n")
    with pytest.raises(InfeasibleQuotasError, match="larger than the 2 different households"):
        prepare(pool, quotas, 3)


def test_bad_panel_size():
    quotas = read_quotas("category,feature,min,max\ngender,female,0,9\ngender,male,0,9\n")
    with pytest.raises(
        Exception, match="The panel size must be a whole number of at least 1, not 0."
    ):
        prepare(read_respondents(RESPONDENTS), quotas, 0)
