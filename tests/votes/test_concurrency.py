"""Simultaneous double submissions against PostgreSQL with real threads and real commits:
exactly one ballot per person, and counters equal to the recount."""

import itertools
import os
import threading

import pytest
from sqlalchemy import func, select

from convention.assembly import services as assembly
from convention.auth.models import Role, User
from convention.extensions import db
from convention.proposals.models import Choice
from convention.votes import adoption, consultation, verify_tally
from convention.votes.models import (
    AdoptionBallot,
    Consultation,
    EncryptedVote,
    Judgment,
    NamedVote,
    VoteParticipation,
)
from tests import factories
from tests.factories import build_vote_world

_conventions = itertools.count(1)


def _new_slug() -> str:
    """Each test commits its convention for real: each has an address of its own."""
    return f"concurrence-{next(_conventions)}"


pytestmark = [
    pytest.mark.no_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="SQLite serialises writers; row locks and upserts under contention need PostgreSQL",
    ),
]

PEOPLE = 100  # each submits twice at once: 200 simultaneous submissions


def run_pairs(app, people_ids, action):
    """Start two threads per person that act at the same moment; collect unexpected errors."""
    barrier = threading.Barrier(len(people_ids) * 2)
    errors, refusals = [], []

    def worker(person_id, attempt):
        try:
            barrier.wait(timeout=30)
            with app.app_context():
                try:
                    action(db.session.get(User, person_id), attempt)
                    db.session.commit()
                except adoption.AlreadyVoted:
                    db.session.rollback()
                    refusals.append(person_id)
        except BaseException as error:  # reported by the assertion in the test
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(p, a)) for p in people_ids for a in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors, refusals


def test_simultaneous_double_votes_leave_one_vote_per_member(committed_app):
    app = committed_app
    with app.app_context():
        world = build_vote_world(n_recs=2, slug=_new_slug())
        extra = []
        for i in range(PEOPLE - len(world.voters)):
            member = factories.user(Role.MEMBER, first_name=f"M{i}")
            assembly.add_member(world.staff, world.group, member)
            extra.append(member)
        named = world.ballot(world.recs[0], secret=False)
        secret = world.ballot(world.recs[1], secret=True)
        db.session.commit()
        member_ids = [m.id for m in world.voters + extra]
        named_id, secret_id = named.id, secret.id

    def vote_twice(member, attempt):
        choice = (Choice.FOR, Choice.AGAINST)[attempt]
        adoption.cast_vote(member, db.session.get(AdoptionBallot, named_id), choice)
        adoption.cast_vote(member, db.session.get(AdoptionBallot, secret_id), choice)

    errors, refusals = run_pairs(app, member_ids, vote_twice)
    assert errors == []
    # The secret vote is final: of each member's two tabs, exactly one was refused.
    assert sorted(refusals) == sorted(member_ids)
    with app.app_context():
        for ballot_id, model in ((named_id, NamedVote), (secret_id, EncryptedVote)):
            ballot = db.session.get(AdoptionBallot, ballot_id)
            assert ballot.participants == PEOPLE
            assert (
                db.session.scalar(
                    select(func.count()).select_from(model).where(model.ballot_id == ballot_id)
                )
                == PEOPLE
            )
        named = db.session.get(AdoptionBallot, named_id)
        assert adoption.recount(named) == {
            Choice.FOR: named.votes_for,
            Choice.AGAINST: named.votes_against,
            Choice.ABSTAIN: named.votes_abstain,
        }
        per_member = dict(
            db.session.execute(
                select(VoteParticipation.user_id, func.count())
                .where(VoteParticipation.ballot_id == named_id)
                .group_by(VoteParticipation.user_id)
            ).all()
        )
        assert per_member == {m: 1 for m in member_ids}


def test_simultaneous_grade_changes_leave_one_judgment_each_and_exact_counters(committed_app):
    app = committed_app
    with app.app_context():
        world = build_vote_world(n_recs=3, slug=_new_slug())
        found = world.to_consultation(adopted_count=3)
        people = [factories.user(Role.CITIZEN) for _ in range(PEOPLE)]
        # A first round, so the simultaneous round changes grades as well as adding them.
        for person in people[::2]:
            consultation.judge(person, found, {r.id: 6 for r in world.recs})
        db.session.commit()
        rec_ids = [r.id for r in world.recs]
        consultation_id = found.id
        person_ids = [p.id for p in people]

    def grade_twice(person, attempt):
        found = db.session.get(Consultation, consultation_id)
        grades = {rec_id: (person.id + attempt + i) % 7 for i, rec_id in enumerate(rec_ids)}
        if attempt and person.id % 5 == 0:
            grades[rec_ids[0]] = None  # some take a grade back at the same time
        consultation.judge(person, found, grades)

    errors, refusals = run_pairs(app, person_ids, grade_twice)
    assert errors == [] and refusals == []
    with app.app_context():
        found = db.session.get(Consultation, consultation_id)
        per_pair = db.session.execute(
            select(func.count())
            .select_from(Judgment)
            .group_by(Judgment.recommendation_id, Judgment.citizen_id)
            .having(func.count() > 1)
        ).all()
        assert per_pair == []
        recounted = {rec_id: [0] * 7 for rec_id in rec_ids}
        for rec_id, grade, n in db.session.execute(
            select(Judgment.recommendation_id, Judgment.grade, func.count())
            .where(Judgment.grade.is_not(None))
            .group_by(Judgment.recommendation_id, Judgment.grade)
        ):
            recounted[rec_id][grade] = n
        assert consultation.grade_counts(rec_ids) == {k: tuple(v) for k, v in recounted.items()}
        assert consultation.participants(found) == PEOPLE


def test_a_close_during_simultaneous_judgments_seals_exactly_what_is_counted(committed_app):
    """Staff close while 100 people grade: every judgment is either refused or in the seal,
    and the sealed digest, the export and the counters agree."""
    app = committed_app
    with app.app_context():
        world = build_vote_world(n_recs=3, slug=_new_slug())
        found = world.to_consultation(adopted_count=3)
        people = [factories.user(Role.CITIZEN) for _ in range(PEOPLE)]
        db.session.commit()
        rec_ids = [r.id for r in world.recs]
        consultation_id, staff_id = found.id, world.staff.id
        person_ids = [p.id for p in people]
    barrier = threading.Barrier(PEOPLE + 1)
    errors, refused, accepted = [], [], []

    def grade(person_id):
        try:
            barrier.wait(timeout=30)
            with app.app_context():
                person = db.session.get(User, person_id)
                try:
                    consultation.judge(
                        person,
                        db.session.get(Consultation, consultation_id),
                        {rec_id: person_id % 7 for rec_id in rec_ids},
                    )
                    db.session.commit()
                    accepted.append(person_id)
                except consultation.ConsultationClosed:
                    db.session.rollback()
                    refused.append(person_id)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    def close():
        try:
            barrier.wait(timeout=30)
            with app.app_context():
                consultation.close_consultation(
                    db.session.get(User, staff_id), db.session.get(Consultation, consultation_id)
                )
                db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=grade, args=(p,)) for p in person_ids]
    threads.insert(PEOPLE // 2, threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(accepted + refused) == sorted(person_ids)
    with app.app_context():
        found = db.session.get(Consultation, consultation_id)
        header, judgments = consultation.export_header(found), consultation.export_judgments(found)
        assert verify_tally.digest(header, judgments) == found.digest
        assert header["participants"] == len(accepted)
        assert len(judgments) == len(accepted) * len(rec_ids)
        counts = consultation.grade_counts(rec_ids)
        assert sum(sum(c) for c in counts.values()) == len(judgments)
