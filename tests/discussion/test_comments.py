"""Posting, replying, editing, deleting, upvoting, following, mentions and the counters."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from convention.assembly.models import PhaseKind
from convention.auth.models import Role
from convention.clock import utcnow
from convention.discussion import moderation, services
from convention.discussion.models import (
    Comment,
    Follow,
    Notification,
    Report,
    ReportReason,
    Stance,
    Thread,
    Upvote,
)
from convention.errors import AlreadyExists, InvalidInput, NotAllowed, WrongPhase
from convention.extensions import db
from convention.proposals.models import Recommendation
from tests import factories
from tests.factories import open_phase


def test_members_and_citizens_comment_and_members_are_marked(world, thread):
    by_member = services.post_comment(world.members[0], thread, "Je soutiens.", Stance.FOR)
    by_citizen = services.post_comment(world.citizen, thread, "Je doute.", Stance.AGAINST)
    assert by_member.by_member and not by_citizen.by_member
    assert by_member.stance == Stance.FOR and by_member.body_html == "<p>Je soutiens.</p>\n"


def test_replies_nest_three_levels_and_deeper_ones_attach_to_the_third(world, thread):
    top = services.post_comment(world.citizen, thread, "1")
    second = services.post_comment(world.members[0], thread, "2", parent=top)
    third = services.post_comment(world.members[1], thread, "3", parent=second)
    fourth = services.post_comment(world.members[2], thread, "4", parent=third)
    assert [c.depth for c in (top, second, third, fourth)] == [0, 1, 2, 2]
    assert fourth.parent_id == second.id
    assert {c.root_id for c in (top, second, third, fourth)} == {top.id}


@pytest.mark.parametrize("body, message", [("  ", "Écrivez"), ("x" * 5001, "5000")])
def test_empty_or_too_long_comments_are_refused(world, thread, body, message):
    with pytest.raises(InvalidInput, match=message):
        services.post_comment(world.citizen, thread, body)
    assert thread.comment_count == 0


def test_unconfirmed_and_suspended_people_cannot_post(world, thread):
    world.citizen.email_confirmed_at = None
    with pytest.raises(NotAllowed, match="Confirmez"):
        services.post_comment(world.citizen, thread, "Bonjour")
    world.citizen.email_confirmed_at = utcnow()
    moderation.suspend(
        world.facilitator,
        world.citizen,
        7,
        "Insultes répétées",
        convention_id=world.convention.id,
    )
    with pytest.raises(services.Suspended, match="Insultes répétées"):
        services.post_comment(world.citizen, thread, "Bonjour")


def test_a_facilitator_reserves_posting_to_members_while_it_stays_readable(world, thread):
    services.set_members_only(world.facilitator, thread, world.convention, True)
    with pytest.raises(NotAllowed, match="seuls les membres"):
        services.post_comment(world.citizen, thread, "Et nous ?")
    services.post_comment(world.members[0], thread, "Entre membres.")
    with pytest.raises(NotAllowed):
        services.set_members_only(world.citizen, thread, world.convention, False)
    open_phase(world.staff, world.convention, PhaseKind.CONSULTATION)
    with pytest.raises(WrongPhase):
        services.set_members_only(world.facilitator, thread, world.convention, True)


def test_edits_are_silent_for_15_minutes_then_kept_as_visible_history(world, thread):
    comment = services.post_comment(world.citizen, thread, "Premier jet")
    services.edit_comment(
        world.citizen, comment, "Premier jet corrigé", now=comment.created_at + timedelta(minutes=5)
    )
    assert comment.revisions == []
    services.edit_comment(
        world.citizen, comment, "Position révisée", now=comment.created_at + timedelta(minutes=30)
    )
    assert [r.body_html for r in comment.revisions] == ["<p>Premier jet corrigé</p>\n"]
    assert comment.body == "Position révisée"
    with pytest.raises(NotAllowed):
        services.edit_comment(world.members[0], comment, "Pas à moi")


def test_an_author_deletes_a_comment_and_its_replies_stay(world, thread):
    top = services.post_comment(world.citizen, thread, "Avis")
    reply = services.post_comment(world.members[0], thread, "Réponse", parent=top)
    with pytest.raises(NotAllowed):
        services.delete_comment(world.members[0], top)
    services.delete_comment(world.citizen, top)
    assert top.deleted_at and top.body == "Avis"  # nothing is deleted from the database
    assert db.session.get(Comment, reply.id).parent_id == top.id


def test_one_upvote_per_person_enforced_by_the_database(world, thread):
    comment = services.post_comment(world.citizen, thread, "Idée")
    services.upvote(world.members[0], comment)
    with pytest.raises(AlreadyExists):
        services.upvote(world.members[0], comment)
    with pytest.raises(NotAllowed):
        services.upvote(world.citizen, comment)
    services.upvote(world.members[1], comment)
    db.session.refresh(comment)
    assert comment.upvote_count == 2
    services.remove_upvote(world.members[0], comment)
    db.session.refresh(comment)
    assert comment.upvote_count == 1


def test_mentions_notify_the_members_named(world, thread):
    handle = services.mention_handle(world.members[1])
    assert handle == "karim-b"
    services.post_comment(world.citizen, thread, f"Qu'en pense @{handle} ? et @personne ?")
    notes = db.session.scalars(select(Notification)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(world.members[1].id, "mention")]


def test_posting_follows_the_thread_once(world, thread):
    services.post_comment(world.citizen, thread, "Un")
    services.post_comment(world.citizen, thread, "Deux")
    services.follow(world.citizen, thread)
    assert db.session.scalar(select(func.count(Follow.id))) == 1
    services.unfollow(world.citizen, thread)
    assert not services.is_following(world.citizen, thread)


def test_every_counter_equals_a_recount(world, thread):
    """Counters are kept in SQL; after a busy discussion they must match a recount."""
    people = world.members + [world.citizen, world.outsider]
    comments = [services.post_comment(p, thread, f"Avis {i}") for i, p in enumerate(people)]
    for i, comment in enumerate(comments):
        for voter in people[: i % 4]:
            if voter.id != comment.author_id:
                services.upvote(voter, comment)
        for reporter in people[-(i % 3) :] if i % 3 else []:
            if reporter.id != comment.author_id:
                moderation.report(reporter, comment, ReportReason.SPAM)
    services.delete_comment(people[0], comments[0])
    services.remove_upvote(people[0], comments[2])
    world.published(title="Une recommandation que personne ne discute")
    db.session.expire_all()

    for thread_row in db.session.scalars(select(Thread)):
        assert thread_row.comment_count == db.session.scalar(
            select(func.count(Comment.id)).where(
                Comment.thread_id == thread_row.id, Comment.deleted_at.is_(None)
            )
        )
    # A recommendation's counter recounts its thread's visible comments (0 without a thread).
    kept = {rec.id: rec.comment_count for rec in db.session.scalars(select(Recommendation))}
    recounted = {
        rec_id: db.session.scalar(
            select(func.count(Comment.id))
            .join(Thread, Thread.id == Comment.thread_id)
            .where(Thread.recommendation_id == rec_id, Comment.deleted_at.is_(None))
        )
        for rec_id in kept
    }
    assert kept == recounted
    assert sorted(kept.values()) == [0, len(people) - 1]
    for comment in db.session.scalars(select(Comment)):
        assert comment.upvote_count == db.session.scalar(
            select(func.count(Upvote.id)).where(Upvote.comment_id == comment.id)
        )
        assert comment.report_count == db.session.scalar(
            select(func.count(Report.id)).where(Report.comment_id == comment.id)
        )


def test_staff_and_facilitators_moderate_others_do_not(world):
    here = world.convention.id
    assert services.is_moderator(world.facilitator, here)
    assert services.is_moderator(world.staff, here)
    assert not services.is_moderator(world.members[0], here)
    assert not services.is_moderator(factories.user(Role.CITIZEN), here)
    # Roles are per convention: the facilitator moderates nothing elsewhere.
    elsewhere = factories.convention(slug="ailleurs")
    assert not services.is_moderator(world.facilitator, elsewhere.id)
    assert not services.is_moderator(world.staff, elsewhere.id)
