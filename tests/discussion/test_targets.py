"""A thread's target is a foreign key: the thread goes with its target, never exists without
one or with one of another kind, and is only opened on a target of its convention that the
person may see."""

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from convention.assembly import services as assembly
from convention.discussion import services
from convention.discussion.models import Comment, Follow, TargetKind, Thread
from convention.extensions import db
from convention.proposals import services as proposals
from convention.proposals.models import Idea
from tests import factories


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def idea(world):
    idea = proposals.post_idea(
        world.citizen,
        world.convention,
        world.theme,
        "Des bancs à l'ombre",
        "Près des arrêts de bus.",
    )
    db.session.flush()
    return idea


@pytest.fixture
def hearing(world):
    hearing = world.hearing()
    db.session.flush()
    return hearing


def refused_by_the_database(thread: Thread) -> bool:
    try:
        with db.session.begin_nested():
            db.session.add(thread)
            db.session.flush()
    except IntegrityError:
        return True
    return False


def test_deleting_a_target_deletes_its_thread_its_comments_and_its_follows(world, idea, hearing):
    for kind, target in ((TargetKind.IDEA, idea), (TargetKind.HEARING, hearing)):
        thread = services.thread_for(world.convention, kind, target.id)
        services.post_comment(world.members[0], thread, f"Avis sur {target.title}")
    assert (count(Thread), count(Comment), count(Follow)) == (2, 2, 2)

    db.session.execute(delete(Idea).where(Idea.id == idea.id))
    db.session.expire_all()

    assert db.session.scalars(select(Thread.target_kind)).all() == [TargetKind.HEARING]
    assert db.session.scalars(select(Comment.body)).all() == [f"Avis sur {hearing.title}"]
    assert count(Follow) == 1


def test_the_database_refuses_a_thread_without_a_target_or_with_a_wrong_one(world, idea):
    rec = world.published()
    db.session.flush()
    common = {"convention_id": world.convention.id, "members_only": False, "comment_count": 0}
    assert refused_by_the_database(Thread(target_kind=TargetKind.IDEA, **common))
    # Pointing at a recommendation while saying "idea", or at two targets at once.
    assert refused_by_the_database(
        Thread(target_kind=TargetKind.IDEA, recommendation_id=rec.id, **common)
    )
    assert refused_by_the_database(
        Thread.on(TargetKind.RECOMMENDATION, rec.id, idea_id=idea.id, **common)
    )
    # A target that does not exist.
    assert refused_by_the_database(Thread.on(TargetKind.IDEA, idea.id + 1000, **common))
    # A second thread for the same target.
    services.thread_for(world.convention, TargetKind.IDEA, idea.id)
    assert refused_by_the_database(Thread.on(TargetKind.IDEA, idea.id, **common))
    assert db.session.scalars(select(Thread.idea_id)).all() == [idea.id]


def test_a_thread_is_only_opened_on_an_existing_target_of_its_kind_and_convention(world, idea):
    rec = world.published()
    db.session.flush()
    no_idea_with_that_id = rec.id + idea.id
    with pytest.raises(services.NoSuchDiscussion):
        services.thread_for(world.convention, TargetKind.IDEA, no_idea_with_that_id)
    with pytest.raises(services.NoSuchDiscussion):
        services.thread_for(world.convention, TargetKind.HEARING, rec.id)

    other = factories.convention(world.staff, slug="autre-convention")
    theme = assembly.add_theme(None, other, "Transports")  # staff of "test" only
    elsewhere = Idea(
        convention_id=other.id,
        theme=theme,
        author=world.citizen,
        title="Ailleurs",
        body="Une idée d'une autre convention.",
    )
    db.session.add(elsewhere)
    db.session.flush()
    with pytest.raises(services.NoSuchDiscussion):
        services.thread_for(world.convention, TargetKind.IDEA, elsewhere.id)
    assert count(Thread) == 0

    thread = services.thread_for(other, TargetKind.IDEA, elsewhere.id)
    assert (thread.convention_id, thread.target_kind, thread.target) == (
        other.id,
        TargetKind.IDEA,
        elsewhere,
    )
    assert services.thread_for(other, TargetKind.IDEA, elsewhere.id) is thread


def test_a_draft_recommendations_discussion_is_closed_to_those_who_cannot_see_it(client, world):
    draft = world.draft(title="Un brouillon du groupe")
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, draft.id)
    said = services.post_comment(world.members[1], thread, "Entre nous, au brouillon.")
    db.session.commit()

    assert client.get(f"/c/test/commentaires/{said.id}").status_code == 404
    assert client.get(f"/c/test/discussions/recommendation/{draft.id}/nouveaux").status_code == 404
    factories.sign_in(client, world.citizen)
    page = client.post(
        f"/c/test/discussions/recommendation/{draft.id}/commentaires",
        data={"body": "Je m'invite.", "stance": "neutral"},
    )
    assert page.status_code == 404 and "Cette discussion n'existe pas." in page.text
    assert client.post(f"/c/test/discussions/recommendation/{draft.id}/suivre").status_code == 404
    assert client.get(f"/c/test/commentaires/{said.id}/signaler").status_code == 404
    assert db.session.scalars(select(Comment.body)).all() == ["Entre nous, au brouillon."]
    assert count(Follow) == 1  # the member who wrote

    client.post("/deconnexion")
    factories.sign_in(client, world.members[2])
    page = client.post(
        f"/c/test/discussions/recommendation/{draft.id}/commentaires",
        data={"body": "Réponse du groupe.", "stance": "neutral"},
        follow_redirects=True,
    )
    assert "Votre commentaire est publié." in page.text and "Réponse du groupe." in page.text
