"""Majority judgment, checked against a naive reference that works on individual ballots."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convention.votes.majority_judgment import majority_grade, majority_value, rank

pytestmark = pytest.mark.no_db

counts_strategy = st.lists(st.integers(min_value=0, max_value=30), min_size=7, max_size=7)


def ballots(counts):
    return [grade for grade, n in enumerate(counts) for _ in range(n)]


def naive_majority_value(grades):
    """Remove the lower median one at a time, as Balinski and Laraki describe."""
    remaining = sorted(grades)
    sequence = []
    while remaining:
        median = remaining[len(remaining) // 2]
        sequence.append(median)
        remaining.remove(median)
    return sequence


def naive_rank(grade_counts):
    return sorted(
        grade_counts,
        key=lambda k: (not sum(grade_counts[k]), naive_majority_value(ballots(grade_counts[k])), k),
    )


def expand(chunks):
    return [
        pattern[i % len(pattern)]
        for pattern, repeats in chunks
        for i in range(len(pattern) * repeats)
    ]


@given(counts_strategy)
def test_the_majority_grade_is_the_lower_median(counts):
    grades = sorted(ballots(counts))
    if not grades:
        assert majority_grade(counts) is None
    else:
        assert majority_grade(counts) == grades[len(grades) // 2]


def test_with_an_even_number_the_worse_middle_grade_wins():
    # Two judgments: "Excellent" and "Passable": the majority grade is "Passable".
    assert majority_grade([1, 0, 0, 0, 1, 0, 0]) == 4


@given(counts_strategy)
def test_the_majority_value_is_the_sequence_of_removed_medians(counts):
    assert expand(majority_value(counts)) == naive_majority_value(ballots(counts))


@settings(max_examples=1000)
@given(
    st.dictionaries(
        st.integers(min_value=1, max_value=40),
        st.lists(st.integers(min_value=0, max_value=6), max_size=25),
        min_size=1,
        max_size=8,
    )
)
def test_ranking_a_thousand_random_ballot_sets_matches_the_naive_reference(ballot_sets):
    grade_counts = {key: [grades.count(g) for g in range(7)] for key, grades in ballot_sets.items()}
    # The reference compares full sequences; the module compares up to the shorter one, so
    # only compare sets of equal size (as when ungraded judgments count as "À rejeter").
    size = max(len(g) for g in ballot_sets.values())
    padded = {k: [*c[:6], c[6] + size - sum(c)] for k, c in grade_counts.items()}
    assert rank(padded) == naive_rank(padded)


@given(st.dictionaries(st.integers(1, 20), counts_strategy, min_size=2, max_size=6), st.data())
def test_raising_one_judgment_never_lowers_a_rank(grade_counts, data):
    key = data.draw(st.sampled_from(sorted(grade_counts)))
    counts = grade_counts[key]
    graded = [g for g in range(1, 7) if counts[g]]
    if not graded:
        return
    worse = data.draw(st.sampled_from(graded))
    better = data.draw(st.integers(0, worse - 1))
    raised = list(counts)
    raised[worse] -= 1
    raised[better] += 1
    before = rank(grade_counts).index(key)
    after = rank({**grade_counts, key: raised}).index(key)
    assert after <= before


@given(st.dictionaries(st.integers(1, 20), counts_strategy, min_size=1, max_size=6), st.randoms())
def test_the_ranking_does_not_depend_on_the_order_of_the_ballots(grade_counts, rng):
    shuffled_sets = {}
    for key, counts in grade_counts.items():
        grades = ballots(counts)
        rng.shuffle(grades)
        shuffled_sets[key] = [grades.count(g) for g in range(7)]
    keys = list(grade_counts)
    rng.shuffle(keys)
    assert rank({k: shuffled_sets[k] for k in keys}) == rank(grade_counts)


def test_ties_are_broken_by_removing_medians_one_at_a_time():
    # Both have "Bien" as majority grade. A: Bien, Bien, Excellent -> after removing one Bien
    # the median of (Excellent, Bien) is Bien, then Excellent. B: Bien, Bien, Très bien ->
    # Bien, Bien, Très bien. They differ at the third grade: A is better.
    a = [1, 0, 2, 0, 0, 0, 0]
    b = [0, 1, 2, 0, 0, 0, 0]
    assert rank({"B": b, "A": a}) == ["A", "B"]
    # Same majority grade, more judgments below it on one side: C has more "À rejeter".
    c = [0, 0, 3, 0, 0, 0, 2]
    d = [0, 0, 3, 0, 0, 2, 0]
    assert rank({"C": c, "D": d}) == ["D", "C"]


def test_identical_distributions_tie_and_keep_id_order_and_empty_ones_come_last():
    same = [3, 1, 4, 1, 5, 9, 2]
    assert rank({5: same, 2: list(same), 9: [0] * 7, 1: [9, 0, 0, 0, 0, 0, 0]}) == [1, 2, 5, 9]


def test_the_cost_does_not_depend_on_the_number_of_judgments():
    rng = random.Random(1)
    big = {i: [rng.randrange(10**6) for _ in range(7)] for i in range(150)}
    # Millions of judgments each: this returns at once because only counts are read.
    assert len(rank(big)) == 150
