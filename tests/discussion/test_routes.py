"""Following, upvoting, reserving a thread to members, the notifications page and the
moderation queue, as the people who use them see them."""

import html

import pytest
from sqlalchemy import func, select

from convention.assembly.models import PhaseKind
from convention.discussion import moderation, services
from convention.discussion.models import (
    Comment,
    Follow,
    Notification,
    ReportReason,
    TargetKind,
    Thread,
    Upvote,
)
from convention.extensions import db
from convention.proposals import services as proposals
from tests import factories


def text(page) -> str:
    """The page as a person reads it (apostrophes unescaped)."""
    return html.unescape(page.text)


def rec_url(rec) -> str:
    return f"/c/test/recommandations/{rec.number}-{rec.slug}"


@pytest.fixture
def rec(world):
    rec = world.published()
    db.session.commit()
    return rec


def follows_of(user) -> int:
    return db.session.scalar(select(func.count(Follow.id)).where(Follow.user_id == user.id))


# --- following --------------------------------------------------------------------------


def test_follow_then_stop_following_a_discussion(client, world, rec):
    url = f"/c/test/discussions/recommendation/{rec.id}/suivre"
    assert client.post(url).status_code == 302  # to the sign-in page
    assert db.session.scalar(select(func.count(Thread.id))) == 0

    factories.sign_in(client, world.citizen)
    page = client.post(url, follow_redirects=True)
    assert page.request.path == rec_url(rec)
    assert "Vous suivez cette discussion\u202f: vous recevrez un résumé quotidien" in text(page)
    assert "Ne plus suivre" in text(page)
    assert follows_of(world.citizen) == 1

    page = client.post(url, data={"arreter": "1"}, follow_redirects=True)
    assert "Vous ne suivez plus cette discussion." in text(page)
    assert "Suivre (résumé quotidien par courriel)" in text(page)
    assert follows_of(world.citizen) == 0


def test_following_a_discussion_that_does_not_exist_is_not_found(client, world, rec):
    factories.sign_in(client, world.citizen)
    assert client.post("/c/test/discussions/idea/999999/suivre").status_code == 404
    assert client.post(f"/c/test/discussions/sondage/{rec.id}/suivre").status_code == 404
    assert follows_of(world.citizen) == 0


# --- upvotes ----------------------------------------------------------------------------


def test_upvote_a_comment_then_withdraw_the_upvote(client, world, rec):
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    comment = services.post_comment(world.citizen, thread, "Une bonne idée à soutenir")
    db.session.commit()
    factories.sign_in(client, world.members[0])
    assert "Soutenir (0)" in text(client.get(rec_url(rec)))

    url = f"/c/test/commentaires/{comment.id}/soutenir"
    page = client.post(url, follow_redirects=True)
    assert "Je soutiens (1)" in text(page)
    page = client.post(url, follow_redirects=True)
    assert "Vous soutenez déjà ce commentaire." in text(page)
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).upvote_count == 1

    page = client.post(url, data={"retirer": "1"}, follow_redirects=True)
    assert "Soutenir (0)" in text(page)
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).upvote_count == 0
    assert db.session.scalars(select(Upvote)).all() == []


def test_nobody_upvotes_their_own_comment(client, world, rec):
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    comment = services.post_comment(world.citizen, thread, "Mon propre avis")
    db.session.commit()
    factories.sign_in(client, world.citizen)
    page = client.post(f"/c/test/commentaires/{comment.id}/soutenir", follow_redirects=True)
    assert "On ne soutient pas son propre commentaire." in text(page)
    assert "1 soutien" not in text(page)
    assert db.session.scalars(select(Upvote)).all() == []


# --- members only -----------------------------------------------------------------------


def test_a_facilitator_reserves_writing_to_members_and_opens_it_again(client, world, rec):
    url = f"/c/test/discussions/recommendation/{rec.id}/reservee"
    factories.sign_in(client, world.facilitator)
    page = client.post(url, data={"reservee": "1"}, follow_redirects=True)
    assert "Seuls les membres peuvent maintenant écrire dans cette discussion." in text(page)
    assert "Ouvrir à tous" in text(page)
    assert db.session.scalar(select(Thread.members_only)) is True

    client.post("/deconnexion")
    factories.sign_in(client, world.citizen)
    page = text(client.get(rec_url(rec)))
    assert "seuls les membres de la convention écrivent dans cette discussion" in page
    assert "Publier</button>" not in page

    client.post("/deconnexion")
    factories.sign_in(client, world.facilitator)
    page = client.post(url, data={"reservee": "0"}, follow_redirects=True)
    assert "Tout le monde peut de nouveau écrire dans cette discussion." in text(page)
    assert db.session.scalar(select(Thread.members_only)) is False


def test_only_moderators_reserve_a_thread_and_only_in_the_members_phases(client, world, rec):
    url = f"/c/test/discussions/recommendation/{rec.id}/reservee"
    factories.sign_in(client, world.members[0])
    page = client.post(url, data={"reservee": "1"}, follow_redirects=True)
    assert "Vous n'avez pas les droits nécessaires pour cette action." in text(page)
    assert db.session.scalars(select(Thread)).all() == []  # nothing written, not even a thread

    client.post("/deconnexion")
    factories.open_phase(world.staff, world.convention, PhaseKind.CONSULTATION)
    db.session.commit()
    factories.sign_in(client, world.facilitator)
    page = client.post(url, data={"reservee": "1"}, follow_redirects=True)
    assert "ne peut être réservée aux membres que pendant" in text(page)
    assert "Réserver l'écriture aux membres" not in text(page)
    assert db.session.scalar(select(func.count()).where(Thread.members_only)) == 0


# --- notifications ----------------------------------------------------------------------


def test_the_notifications_page_shows_mine_as_new_once_then_as_read(client, world, rec):
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    mentioned = world.members[1]
    services.post_comment(
        world.citizen, thread, f"Qu'en pense @{services.mention_handle(mentioned)} ?"
    )
    services.notify(world.members[2], "moderation", "Un message pour quelqu'un d'autre")
    db.session.commit()

    factories.sign_in(client, mentioned)
    page = text(client.get("/notifications"))
    assert "Pauline vous a mentionné·e dans une discussion." in page
    assert "nouveau" in page
    assert "Un message pour quelqu'un d'autre" not in page
    db.session.expire_all()
    assert [
        n.read_at is not None
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == mentioned.id)
        )
    ] == [True]

    page = text(client.get("/notifications"))
    assert "Pauline vous a mentionné·e" in page and "nouveau" not in page
    unread_elsewhere = db.session.scalar(
        select(Notification.read_at).where(Notification.user_id == world.members[2].id)
    )
    assert unread_elsewhere is None


def test_the_notifications_page_is_paginated_and_marks_read_only_what_it_shows(client, world):
    for n in range(1, 36):
        services.notify(world.citizen, "moderation", f"Message numéro {n}.")
    db.session.commit()
    factories.sign_in(client, world.citizen)

    first = text(client.get("/notifications"))
    assert "Message numéro 35." in first and "Message numéro 6." in first
    assert "Message numéro 5." not in first
    assert 'href="/notifications?page=2"' in first and "Plus anciennes" in first
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Notification.read_at.is_(None))) == 5

    second = text(client.get("/notifications?page=2"))
    assert "Message numéro 5." in second and "Message numéro 1." in second
    assert "Message numéro 6." not in second and "Plus récentes" in second
    assert "Page 2 sur 2" in second
    # Not a page number: the first page, not an error.
    assert "Message numéro 35." in text(client.get("/notifications?page=²"))


# --- moderation queue -------------------------------------------------------------------


def reported_comments(world, numbers) -> list[Comment]:
    """One reported comment on each of a new recommendation, idea or hearing in turn."""
    made = []
    for i in numbers:
        if i % 3 == 0:
            target, kind = world.published(title=f"Recommandation n°{i}"), TargetKind.RECOMMENDATION
        elif i % 3 == 1:
            target = proposals.post_idea(
                world.citizen, world.convention, world.theme, f"Idée n°{i}", "Une idée."
            )
            kind = TargetKind.IDEA
        else:
            target, kind = world.hearing(title=f"Audition n°{i}"), TargetKind.HEARING
        db.session.flush()
        thread = services.thread_for(world.convention, kind, target.id)
        comment = services.post_comment(world.members[i % 5], thread, f"Propos douteux n°{i}")
        moderation.report(world.outsider, comment, ReportReason.SPAM)
        made.append(comment)
    db.session.commit()
    return made


def test_the_moderation_queue_takes_as_many_queries_for_15_comments_as_for_3(
    client, world, query_counter
):
    reported_comments(world, range(3))
    factories.sign_in(client, world.facilitator)
    client.get("/c/test/moderation")  # first request: caches filled
    few = query_counter.count_for(lambda: client.get("/c/test/moderation"))
    reported_comments(world, range(3, 15))

    def shown():
        page = text(client.get("/c/test/moderation"))
        assert page.count("Propos douteux n°") == 15
        assert "Idée n°13" in page and "Audition n°14" in page
        assert "R5 · Recommandation n°12" in page

    assert query_counter.count_for(shown) == few


def test_the_moderation_queue_is_paginated_oldest_first(client, world, rec):
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    for n in range(1, 23):
        comment = services.post_comment(world.citizen, thread, f"Commentaire signalé {n}.")
        moderation.report(world.members[n % 5], comment, ReportReason.OFF_TOPIC)
    db.session.commit()
    factories.sign_in(client, world.facilitator)

    first = text(client.get("/c/test/moderation"))
    assert first.count('<section class="card"') == 20
    assert "Commentaire signalé 1." in first and "Commentaire signalé 20." in first
    assert "Commentaire signalé 21." not in first
    assert 'rel="next" href="/c/test/moderation?page=2"' in first and "Page 1 sur 2" in first

    second = text(client.get("/c/test/moderation?page=2"))
    assert second.count('<section class="card"') == 2
    assert "Commentaire signalé 22." in second and 'rel="prev"' in second

    # Dealing with a comment from the second page comes back to the second page.
    last = db.session.scalar(select(Comment.id).order_by(Comment.id.desc()).limit(1))
    page = client.post(
        f"/c/test/moderation/commentaires/{last}/classer",
        data={"suivant": "/c/test/moderation?page=2"},
        follow_redirects=True,
    )
    assert page.request.full_path == "/c/test/moderation?page=2"
    assert "Les signalements sont classés sans suite." in text(page)
    assert "Commentaire signalé 22." not in text(page)
