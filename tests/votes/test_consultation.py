"""The public consultation: judgments, counters, settings and the sealed results."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from convention.errors import InvalidInput, NotAllowed
from convention.extensions import db
from convention.votes import consultation, supports
from convention.votes.models import Judgment
from tests.factories import citizens


def recount(recs):
    """Counts straight from the judgments, as a reference for the counters."""
    rows = db.session.execute(
        select(Judgment.recommendation_id, Judgment.grade, func.count())
        .where(Judgment.grade.is_not(None))
        .group_by(Judgment.recommendation_id, Judgment.grade)
    )
    counts = {r.id: [0] * 7 for r in recs}
    for rec_id, grade, n in rows:
        counts[rec_id][grade] = n
    return {k: tuple(v) for k, v in counts.items()}


def test_grades_can_be_changed_and_removed_and_counters_equal_the_recount(vw):
    found = vw.to_consultation()
    recs = vw.recs
    rng = random.Random(7)
    people = citizens(12)
    for _ in range(3):  # everyone changes their mind a few times
        for person in people:
            consultation.judge(person, found, {r.id: rng.choice([None, *range(7)]) for r in recs})
    assert consultation.grade_counts([r.id for r in recs]) == recount(recs)
    assert consultation.participants(found) == 12
    assert db.session.scalar(select(func.count()).select_from(Judgment)) <= 12 * 3


def test_bad_grades_unknown_recommendations_and_unconfirmed_people_write_nothing(vw):
    found = vw.to_consultation(adopted_count=2)
    person = citizens(1)[0]
    with pytest.raises(InvalidInput):
        consultation.judge(person, found, {vw.recs[0].id: 7})
    with pytest.raises(InvalidInput):
        consultation.judge(person, found, {vw.recs[2].id: 1})  # rejected, not in consultation
    with pytest.raises(NotAllowed):
        consultation.judge(citizens(1, confirmed=False)[0], found, {vw.recs[0].id: 1})
    assert consultation.participants(found) == 0
    assert db.session.scalar(select(func.count()).select_from(Judgment)) == 0


def test_judgments_are_refused_after_the_close_and_outside_the_window(vw):
    found = vw.to_consultation(adopted_count=1)
    person = citizens(1)[0]
    with pytest.raises(consultation.ConsultationClosed):
        consultation.judge(
            person, found, {vw.recs[0].id: 1}, now=found.closes_at + timedelta(seconds=1)
        )
    consultation.close_consultation(vw.staff, found)
    with pytest.raises(consultation.ConsultationClosed):
        consultation.judge(person, found, {vw.recs[0].id: 1})


def test_ungraded_recommendations_count_as_reject_or_are_left_out_as_set(vw):
    found = vw.to_consultation(adopted_count=2)
    first, second = vw.recs[:2]
    people = citizens(3)
    for person in people:
        consultation.judge(person, found, {first.id: 0})  # nobody grades `second`
    consultation.judge(people[0], found, {second.id: 0})
    as_reject = {r.recommendation.id: r for r in consultation.results(found, vw.recs[:2])}
    assert as_reject[second.id].counts == (1, 0, 0, 0, 0, 0, 2)
    assert as_reject[second.id].majority_grade == 6
    found.ungraded_as_reject = False
    left_out = {r.recommendation.id: r for r in consultation.results(found, vw.recs[:2])}
    assert left_out[second.id].counts == (1, 0, 0, 0, 0, 0, 0)
    assert left_out[second.id].majority_grade == 0


def test_results_rank_by_majority_grade_and_stay_hidden_until_the_close(vw):
    found = vw.to_consultation(adopted_count=3)
    grades = {vw.recs[0].id: [3, 3, 2], vw.recs[1].id: [0, 1, 1], vw.recs[2].id: [5, 6, 6]}
    for i, person in enumerate(citizens(3)):
        consultation.judge(person, found, {rec_id: g[i] for rec_id, g in grades.items()})
    assert not consultation.results_visible(found, vw.citizen)
    assert consultation.results_visible(found, vw.staff)
    consultation.close_consultation(vw.staff, found)
    assert consultation.results_visible(found, None)
    ranked = consultation.results(found, vw.recs)
    assert [r.recommendation.id for r in ranked] == [vw.recs[1].id, vw.recs[0].id, vw.recs[2].id]
    assert [r.majority_grade for r in ranked] == [1, 3, 6]
    assert found.digest and len(found.digest) == 64


def test_one_support_per_person_withdrawable(vw):
    from convention.assembly.models import PhaseKind
    from convention.proposals.models import Idea

    idea = Idea(
        convention_id=vw.convention.id,
        theme=vw.theme,
        author=vw.citizen,
        title="Des ateliers numériques",
        body="Dans chaque commune.",
    )
    db.session.add(idea)
    db.session.flush()
    vw.convention.current_phase = PhaseKind.DELIBERATION
    assert supports.support(vw.citizen, idea, vw.convention) is True
    assert supports.support(vw.citizen, idea, vw.convention) is False
    supports.support(vw.members[0], idea, vw.convention)
    assert supports.ideas_with_supports(vw.convention, vw.citizen) == [(idea, 2, True)]
    assert supports.withdraw_support(vw.citizen, idea, vw.convention) is True
    assert supports.ideas_with_supports(vw.convention, vw.citizen) == [(idea, 1, False)]


def test_a_grade_taken_back_leaves_the_counts_and_an_ungraded_form_writes_no_judgment(vw):
    found = vw.to_consultation(adopted_count=2)
    first, second = vw.recs[:2]
    person, other = citizens(2)
    consultation.judge(person, found, {first.id: None, second.id: None})  # an empty form
    assert db.session.scalar(select(func.count()).select_from(Judgment)) == 0
    assert consultation.participants(found) == 1
    consultation.judge(person, found, {first.id: 1, second.id: 4})
    consultation.judge(other, found, {first.id: 1})
    consultation.judge(person, found, {first.id: None})
    assert consultation.my_grades(person, found) == {second.id: 4}
    assert consultation.grade_counts([first.id, second.id]) == {
        first.id: (0, 1, 0, 0, 0, 0, 0),
        second.id: (0, 0, 0, 0, 1, 0, 0),
    }
    assert consultation.grade_counts([first.id, second.id]) == recount(vw.recs[:2])
    consultation.close_consultation(vw.staff, found)
    exported = consultation.export_judgments(found)
    assert sorted(j["recommendation_id"] for j in exported) == [first.id, second.id]
    assert all(j["grade"] is not None for j in exported)
