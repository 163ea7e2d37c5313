"""Drafting, revising, publishing, withdrawing and merging recommendations."""

import pytest
from sqlalchemy import func, select

from convention.assembly import hearings
from convention.assembly.models import PhaseKind
from convention.errors import AlreadyExists, ConventionError, InvalidInput, NotAllowed, WrongPhase
from convention.extensions import db
from convention.proposals import lifecycle, queries, services
from convention.proposals.models import Recommendation, Status
from tests.factories import open_phase


def count_recommendations():
    return db.session.scalar(select(func.count(Recommendation.id)))


def test_a_member_drafts_a_structured_recommendation_with_its_first_version(world):
    hearing = world.hearing()
    rec = services.draft_recommendation(
        world.members[0],
        world.convention,
        world.group,
        {
            "title": "Un registre des algorithmes",
            "problem": "Opacité.",
            "proposal": "Publier.",
            "impact": "Confiance",
            "carried_by": "DSI",
            "cost": "2 ETP",
            "risks": "Aucun",
            "evidence": "Audition CNIL",
            "minority_opinion": "",
        },
        hearing_ids=[hearing.id],
    )
    assert rec.status == Status.DRAFT and rec.reference == "R1"
    assert rec.theme == world.theme and rec.hearings == [hearing]
    assert [v.number for v in rec.versions] == [1]
    assert rec.versions[0].text() == rec.text()
    assert rec.slug == "un-registre-des-algorithmes"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": ""}, "Titre"),
        ({"proposal": "  "}, "La recommandation"),
        ({"title": "x" * 201}, "dépasse 200 caractères"),
        ({"problem": "x" * 10001}, "dépasse 10000 caractères"),
    ],
)
def test_bad_fields_are_refused_with_the_field_named_and_nothing_written(world, fields, message):
    before = count_recommendations()
    with pytest.raises(InvalidInput, match=message):
        world.draft(**fields)
    assert count_recommendations() == before


def test_only_members_of_the_group_draft_there(world):
    for someone in (world.outsider, world.citizen, world.facilitator, world.staff):
        with pytest.raises(NotAllowed):
            world.draft(author=someone)
    assert count_recommendations() == 0


def test_drafting_happens_during_deliberation_only(world):
    open_phase(world.staff, world.convention, PhaseKind.MEMBERS_VOTE)
    with pytest.raises(WrongPhase):
        world.draft()


def test_two_recommendations_may_share_a_title(world):
    first, second = world.draft(title="Former les agents"), world.draft(title="Former les agents")
    assert first.slug == second.slug and (first.number, second.number) == (1, 2)


def test_every_save_creates_a_version_and_only_authors_revise_a_draft(world):
    rec = world.draft()
    services.revise(
        world.members[0],
        rec,
        world.convention,
        {**rec.text(), "proposal": "Publier la liste et les codes sources."},
        note="précision",
    )
    assert [v.number for v in rec.versions] == [1, 2]
    assert rec.versions[0].proposal.startswith("Publier la liste des")
    assert rec.versions[1].proposal == "Publier la liste et les codes sources."
    with pytest.raises(NotAllowed):
        services.revise(world.members[1], rec, world.convention, rec.text())
    with pytest.raises(InvalidInput, match="Aucune modification"):
        services.revise(world.members[0], rec, world.convention, rec.text())


def test_invited_coauthors_revise_once_they_accept(world):
    rec = world.draft()
    services.invite_coauthor(world.members[0], rec, world.convention, world.members[1])
    with pytest.raises(NotAllowed):
        services.revise(world.members[1], rec, world.convention, {**rec.text(), "cost": "Faible"})
    services.accept_coauthorship(world.members[1], rec)
    services.revise(world.members[1], rec, world.convention, {**rec.text(), "cost": "Faible"})
    assert rec.versions[-1].author == world.members[1]
    with pytest.raises(AlreadyExists):
        services.invite_coauthor(world.members[0], rec, world.convention, world.members[1])
    with pytest.raises(InvalidInput, match="même groupe"):
        services.invite_coauthor(world.members[0], rec, world.convention, world.outsider)


def test_a_draft_is_visible_to_its_group_only_until_published(world):
    rec = world.draft()
    assert queries.can_see(world.members[3], rec)
    assert not queries.can_see(world.outsider, rec)
    assert not queries.can_see(world.citizen, rec)
    assert not queries.can_see(None, rec)
    services.publish(world.members[0], rec, world.convention)
    assert rec.status == Status.PUBLISHED and rec.published_at is not None
    assert queries.can_see(None, rec)


def test_published_text_changes_through_amendments_not_revisions(world):
    rec = world.published()
    with pytest.raises(lifecycle.InvalidTransition, match="publiée"):
        services.revise(world.members[0], rec, world.convention, {**rec.text(), "cost": "x"})


def test_the_status_rules_live_in_one_table(world):
    rec = world.published()
    # Members do not submit to the vote; the facilitator does.
    with pytest.raises(NotAllowed):
        services.submit_to_vote(world.members[0], rec, world.convention)
    services.submit_to_vote(world.facilitator, rec, world.convention)
    assert rec.status == Status.SUBMITTED
    # A submitted recommendation can no longer be withdrawn.
    with pytest.raises(lifecycle.InvalidTransition):
        services.withdraw(world.members[0], rec, world.convention)
    # The members' vote records its result only in the members' vote phase.
    with pytest.raises(WrongPhase):
        services.record_vote_result(world.staff, rec, world.convention, adopted=True)
    open_phase(world.staff, world.convention, PhaseKind.MEMBERS_VOTE)
    services.record_vote_result(world.staff, rec, world.convention, adopted=True)
    assert rec.status == Status.ADOPTED


def test_transition_table_covers_every_action_with_a_target_status():
    targets = {rule.target for rule in lifecycle.RULES.values() if rule.target}
    assert targets == set(Status) - {Status.DRAFT}


def test_withdrawing_keeps_the_text_and_history(world):
    rec = world.published()
    services.withdraw(world.members[0], rec, world.convention, reason="Doublon")
    assert rec.status == Status.WITHDRAWN
    assert queries.can_see(None, rec) and len(rec.versions) == 1


def test_merging_combines_two_recommendations_and_keeps_both_histories(world):
    source = world.published(title="Former les agents")
    target = world.published(title="Un registre des algorithmes")
    hearing = world.hearing()
    source.hearings = [hearing]
    merged_text = {**target.text(), "proposal": "Publier un registre et former les agents."}
    services.merge(world.facilitator, source, target, world.convention, merged_text)
    assert source.status == Status.MERGED and source.merged_into is target
    assert target.status == Status.PUBLISHED
    assert target.proposal == "Publier un registre et former les agents."
    assert hearing in target.hearings
    assert len(source.versions) == 1 and len(target.versions) == 2
    with pytest.raises(ConventionError):
        services.merge(world.facilitator, target, target, world.convention, merged_text)


def test_a_minority_opinion_is_added_by_any_group_member_and_versioned(world):
    rec = world.published()
    services.set_minority_opinion(
        world.members[4],
        rec,
        world.convention,
        "Nous craignons une charge excessive pour les services.",
    )
    assert rec.versions[-1].minority_opinion.startswith("Nous craignons")
    assert rec.versions[-1].author == world.members[4]
    with pytest.raises(NotAllowed):
        services.set_minority_opinion(world.outsider, rec, world.convention, "Non.")


def test_citizens_post_ideas_that_members_take_up(world):
    idea = services.post_idea(
        world.citizen,
        world.convention,
        world.theme,
        "Des ateliers numériques",
        "Dans chaque mairie.",
    )
    rec = services.draft_recommendation(
        world.members[0],
        world.convention,
        world.group,
        {"title": "Ateliers", "problem": "Fracture numérique", "proposal": "Des ateliers"},
        ideas=[idea],
    )
    assert rec.ideas == [idea] and idea.recommendations == [rec]


def test_idea_bad_input_and_unconfirmed_residents(world):
    with pytest.raises(InvalidInput, match="titre"):
        services.post_idea(world.citizen, world.convention, world.theme, " ", "x")
    with pytest.raises(InvalidInput, match="Décrivez"):
        services.post_idea(world.citizen, world.convention, world.theme, "Titre", "")
    world.citizen.email_confirmed_at = None
    with pytest.raises(NotAllowed, match="Confirmez"):
        services.post_idea(world.citizen, world.convention, world.theme, "Titre", "Texte")


def test_hearings_need_a_title_an_expert_a_date_and_web_documents(world):
    with pytest.raises(InvalidInput, match="adresse web"):
        hearings.publish_hearing(
            world.staff,
            world.convention,
            title="T",
            expert="E",
            expert_role="",
            held_on=world.hearing().held_on,
            summary="",
            declared_interests="",
            documents="javascript:alert(1)",
        )
    with pytest.raises(NotAllowed):
        hearings.publish_hearing(
            world.members[0],
            world.convention,
            title="T",
            expert="E",
            expert_role="",
            held_on=None,
            summary="",
            declared_interests="",
            documents="",
        )
