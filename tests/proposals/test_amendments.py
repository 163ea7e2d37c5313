"""Amendments: proposed by group members, voted by the group, applied as new versions."""

import os
import threading

import pytest
from sqlalchemy import func, select

from convention.assembly.models import Convention
from convention.auth.models import User
from convention.errors import ConventionError, InvalidInput, NotAllowed
from convention.extensions import db
from convention.proposals import amendments, services
from convention.proposals.models import (
    Amendment,
    AmendmentStatus,
    AmendmentVote,
    Choice,
    Status,
)
from tests.factories import build_world


def vote_all(world, amendment, choices):
    for member, choice in zip(world.members, choices, strict=False):
        amendments.cast_vote(member, amendment, world.convention, choice)


def test_an_accepted_amendment_becomes_a_new_version_automatically(world):
    rec = world.published()
    amendment = amendments.propose_amendment(
        world.members[2],
        rec,
        world.convention,
        {"proposal": "Publier la liste des algorithmes et leurs critères."},
        "Plus précis.",
    )
    assert amendment.number == 1 and amendment.base_version == rec.versions[0]
    amendments.open_vote(world.facilitator, amendment, world.convention)
    vote_all(world, amendment, [Choice.FOR, Choice.FOR, Choice.AGAINST, Choice.ABSTAIN])
    # Changing one's mind before the close replaces the vote.
    amendments.cast_vote(world.members[2], amendment, world.convention, Choice.FOR)
    amendments.decide(world.facilitator, amendment, world.convention)
    assert amendment.status == AmendmentStatus.ACCEPTED
    assert (amendment.votes_for, amendment.votes_against, amendment.votes_abstain) == (3, 0, 1)
    assert rec.proposal == "Publier la liste des algorithmes et leurs critères."
    assert amendment.result_version == rec.versions[-1] and rec.versions[-1].number == 2
    assert rec.versions[-1].author == world.members[2]


def test_a_rejected_amendment_stays_visible_with_its_result(world):
    rec = world.published()
    amendment = amendments.propose_amendment(
        world.members[1], rec, world.convention, {"title": "Autre titre"}, "Plus court."
    )
    amendments.open_vote(world.facilitator, amendment, world.convention)
    vote_all(world, amendment, [Choice.AGAINST, Choice.AGAINST, Choice.FOR])
    amendments.decide(world.facilitator, amendment, world.convention)
    assert amendment.status == AmendmentStatus.REJECTED
    assert (amendment.votes_for, amendment.votes_against) == (1, 2)
    assert rec.title == "Un registre public des algorithmes" and len(rec.versions) == 1
    assert amendment in rec.amendments


def test_amendments_are_handled_in_order_and_conflicts_are_flagged(world):
    rec = world.published()
    first = amendments.propose_amendment(
        world.members[1], rec, world.convention, {"proposal": "Version A"}, "A"
    )
    same_field = amendments.propose_amendment(
        world.members[2], rec, world.convention, {"proposal": "Version B"}, "B"
    )
    other_field = amendments.propose_amendment(
        world.members[3], rec, world.convention, {"cost": "Faible"}, "C"
    )
    with pytest.raises(ConventionError, match="n° 1 doit être décidé d'abord"):
        amendments.open_vote(world.facilitator, same_field, world.convention)
    amendments.open_vote(world.facilitator, first, world.convention)
    vote_all(world, first, [Choice.FOR] * 3)
    amendments.decide(world.facilitator, first, world.convention)

    # The amendment on another field follows the new version; the one on the same field
    # conflicts and cannot go to the vote until its author rebases it.
    assert other_field.status == AmendmentStatus.PROPOSED
    assert other_field.base_version == rec.versions[-1]
    assert same_field.status == AmendmentStatus.CONFLICTING
    with pytest.raises(ConventionError):
        amendments.open_vote(world.facilitator, same_field, world.convention)
    with pytest.raises(NotAllowed):
        amendments.rebase_amendment(
            world.members[0], same_field, world.convention, {"proposal": "Version A et B"}
        )
    amendments.rebase_amendment(
        world.members[2], same_field, world.convention, {"proposal": "Version A et B"}
    )
    assert same_field.status == AmendmentStatus.PROPOSED
    assert same_field.base_version == rec.versions[-1]
    amendments.open_vote(world.facilitator, same_field, world.convention)


@pytest.mark.parametrize(
    "changes, justification, message",
    [
        (
            {"proposal": "Publier la liste des algorithmes utilisés par la Métropole."},
            "x",
            "ne change rien",
        ),
        ({"title": "Nouveau titre"}, "  ", "Expliquez"),
        ({"title": ""}, "x", "ne peut pas être vide"),
        ({"title": "x" * 300}, "x", "dépasse"),
        ({"unknown": "x"}, "x", "Champ inconnu"),
    ],
)
def test_bad_amendments_are_refused_and_nothing_is_written(world, changes, justification, message):
    rec = world.published()
    with pytest.raises(InvalidInput, match=message):
        amendments.propose_amendment(
            world.members[1], rec, world.convention, changes, justification
        )
    assert rec.amendments == [] and rec.amendment_count == 0


def test_no_amendment_on_a_withdrawn_recommendation_or_from_outside_the_group(world):
    rec = world.published()
    with pytest.raises(NotAllowed):
        amendments.propose_amendment(world.outsider, rec, world.convention, {"cost": "x"}, "y")
    services.withdraw(world.members[0], rec, world.convention)
    with pytest.raises(ConventionError, match="retirée"):
        amendments.propose_amendment(world.members[1], rec, world.convention, {"cost": "x"}, "y")
    assert rec.amendments == []


def test_only_group_members_vote_and_only_while_the_vote_is_open(world):
    rec = world.published()
    amendment = amendments.propose_amendment(
        world.members[1], rec, world.convention, {"cost": "x"}, "y"
    )
    with pytest.raises(amendments.AmendmentClosed):
        amendments.cast_vote(world.members[0], amendment, world.convention, Choice.FOR)
    amendments.open_vote(world.facilitator, amendment, world.convention)
    for someone in (world.outsider, world.citizen, world.facilitator):
        with pytest.raises(NotAllowed):
            amendments.cast_vote(someone, amendment, world.convention, Choice.FOR)
    amendments.cast_vote(world.members[0], amendment, world.convention, Choice.FOR)
    amendments.decide(world.facilitator, amendment, world.convention)
    with pytest.raises(amendments.AmendmentClosed):
        amendments.cast_vote(world.members[1], amendment, world.convention, Choice.FOR)
    assert db.session.scalar(select(func.count(AmendmentVote.id))) == 1


def test_a_recommendation_goes_to_the_vote_only_once_amendments_are_settled(world):
    rec = world.published()
    amendments.propose_amendment(world.members[1], rec, world.convention, {"cost": "x"}, "y")
    with pytest.raises(ConventionError, match="1 amendement"):
        services.submit_to_vote(world.facilitator, rec, world.convention)
    assert rec.status == Status.PUBLISHED


@pytest.mark.no_db
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="concurrency is tested against PostgreSQL",
)
def test_concurrent_double_votes_leave_one_vote_per_member(committed_app):
    """Each member submits twice at the same moment, in two threads with their own
    connections: the unique constraint and the upsert leave exactly one vote each."""
    app = committed_app
    with app.app_context():
        world = build_world()
        rec = world.published()
        amendment = amendments.propose_amendment(
            world.members[1], rec, world.convention, {"cost": "x"}, "y"
        )
        amendments.open_vote(world.facilitator, amendment, world.convention)
        db.session.commit()
        amendment_id, convention_id = amendment.id, world.convention.id
        member_ids = [m.id for m in world.members]
    barrier = threading.Barrier(len(member_ids) * 2)
    errors: list[BaseException] = []

    def submit(member_id: int, choice: Choice) -> None:
        try:
            with app.app_context():
                member = db.session.get(User, member_id)
                amendment = db.session.get(Amendment, amendment_id)
                convention = db.session.get(Convention, convention_id)
                barrier.wait(timeout=10)
                amendments.cast_vote(member, amendment, convention, choice)
                db.session.commit()
        except BaseException as error:  # collected, then reported by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=submit, args=(m, c))
        for m in member_ids
        for c in (Choice.FOR, Choice.AGAINST)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        per_member = dict(
            db.session.execute(
                select(AmendmentVote.user_id, func.count())
                .where(AmendmentVote.amendment_id == amendment_id)
                .group_by(AmendmentVote.user_id)
            ).all()
        )
    assert per_member == {m: 1 for m in member_ids}
