"""A recommendation's page tells its whole story in « Où en est cette recommandation »: the
members' vote, the public judgment, the authority's answer and the follow-up, each once it
exists and only once it is public."""

from datetime import date, timedelta

import pytest

from convention.assembly.models import PhaseKind
from convention.extensions import db
from convention.publication import services
from convention.publication.models import AnswerKind
from convention.votes import adoption, consultation
from tests import factories
from tests.factories import build_vote_world, citizens, open_phase
from tests.pages import visible_text

STORY = "Où en est cette recommandation"


def story_of(client, rec) -> str:
    """The words of the story block on the recommendation's page, as a visitor reads them."""
    page = client.get(f"/c/test/recommandations/{rec.number}-{rec.slug}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    start = text.index('aria-labelledby="story-title"')
    return visible_text(text[start : text.index('<div class="rec-body">', start)])


@pytest.fixture
def judged():
    """Three recommendations adopted by the members, graded by five residents; the
    consultation's results are hidden until its close."""
    vw = build_vote_world()
    found = vw.to_consultation()
    for person in citizens(5):
        consultation.judge(person, found, {vw.recs[0].id: 1, vw.recs[1].id: 4, vw.recs[2].id: 6})
    db.session.flush()
    vw.consultation = found
    return vw


def test_before_the_vote_the_story_says_what_will_come(client):
    vw = build_vote_world()
    db.session.commit()
    story = story_of(client, vw.recs[0])
    assert STORY in story and "s'afficheront ici quand ils seront publics" in story
    assert "Vote des membres" not in story and "Jugement du public" not in story


def test_an_open_ballot_shows_its_deadline_and_quorum_but_no_result(client):
    vw = build_vote_world()
    vw.ballot(secret=True)
    db.session.commit()
    story = story_of(client, vw.recs[0])
    assert "Vote en cours jusqu'au" in story
    assert "Quorum\u202f: 50\u202f% des 6 membres, soit 3 votants." in story
    assert "Adoptée" not in story and "Rejetée" not in story


def test_a_closed_ballot_shows_result_turnout_against_quorum_and_seal(client):
    vw = build_vote_world()
    ballot = vw.ballot(secret=False)
    for member in vw.voters[:2]:
        adoption.cast_vote(member, ballot, adoption.Choice.FOR)
    adoption.close_ballot(vw.facilitator, ballot, vw.convention)
    db.session.commit()
    story = story_of(client, vw.recs[0])
    # Two votes out of six: below the quorum of three, so rejected whatever the votes say.
    assert "Rejetée" in story and "Pour 2, contre 0, abstention 0" in story
    assert "Quorum\u202f: 50\u202f% des 6 membres, soit 3 votants. 2 membres ont voté." in story
    assert ballot.digest and ballot.digest in story


def test_hidden_results_stay_hidden_until_the_close_even_from_staff(client, judged):
    db.session.commit()
    rec = judged.recs[0]
    assert "Adoptée" in story_of(client, rec)
    factories.sign_in(client, judged.staff)
    story = story_of(client, rec)
    assert "Jugement du public" not in story and "Mention majoritaire" not in story


def test_after_the_close_the_public_judgment_shows_its_majority_grade_and_bar(client, judged):
    consultation.close_consultation(judged.staff, judged.consultation)
    db.session.commit()
    story = story_of(client, judged.recs[1])
    assert "Jugement du public" in story and "Consultation close le" in story
    assert "Mention majoritaire\u202f: Passable" in story
    assert "rang 2 sur 3 recommandations adoptées" in story
    assert f"Mentions données à {judged.recs[1].reference} (5)" in story


def test_results_published_as_they_come_are_shown_during_the_consultation(client):
    vw = build_vote_world()
    found = vw.to_consultation(results_hidden_until_close=False)
    consultation.judge(citizens(1)[0], found, {vw.recs[0].id: 0})
    db.session.commit()
    story = story_of(client, vw.recs[0])
    assert "Résultats provisoires" in story and "Mention majoritaire\u202f: Excellent" in story


def test_the_story_reads_in_english_on_the_english_site(client, judged):
    consultation.close_consultation(judged.staff, judged.consultation)
    db.session.commit()
    client.get("/langue/en")
    story = story_of(client, judged.recs[0])
    assert "Where this recommendation stands" in story and "The public's judgment" in story
    assert "Quorum: 50% of the 6 members, that is 3 voters. 6 members voted." in story
    assert "ranked 1 of 3 adopted recommendations" in story


@pytest.fixture
def answered(judged):
    consultation.close_consultation(judged.staff, judged.consultation)
    open_phase(judged.staff, judged.convention, PhaseKind.PUBLICATION)
    return judged


def test_an_answer_is_shown_only_once_published_with_its_reasons(client, answered):
    rec = answered.recs[0]
    answer = services.record_answer(
        answered.staff,
        rec,
        kind=AnswerKind.REJECTED,
        service="Direction des mobilités",
        public_text="La collectivité ne retient pas cette recommandation.",
        reasons="Le budget 2027 est déjà voté.",
    )
    db.session.commit()
    story = story_of(client, rec)
    assert "Réponse de la collectivité" not in story and "budget 2027" not in story
    services.publish_answers(answered.staff, [answer])
    db.session.commit()
    story = story_of(client, rec)
    assert "Réponse de la collectivité" in story and "Non retenue" in story
    assert "Raisons\u202f: Le budget 2027 est déjà voté." in story
    assert "Service responsable Direction des mobilités" in story


def test_a_study_shows_its_due_date(client, answered):
    rec = answered.recs[1]
    due = date.today() + timedelta(days=200)
    answer = services.record_answer(
        answered.staff,
        rec,
        kind=AnswerKind.UNDER_STUDY,
        service="Voirie",
        public_text="Une étude est lancée.",
        due_on=due,
    )
    services.publish_answers(answered.staff, [answer])
    db.session.commit()
    story = story_of(client, rec)
    assert "À l'étude" in story and "Échéance de l'étude" in story
    assert str(due.year) in story


def test_the_follow_up_shows_each_update_with_its_text_and_links(client, answered):
    rec = answered.recs[0]
    answer = services.record_answer(
        answered.staff, rec, kind=AnswerKind.ADOPTED, service="DSI", public_text="Oui."
    )
    services.publish_answers(answered.staff, [answer])
    services.post_follow_up(
        answered.staff, rec, happened_on=date(2027, 5, 1), progress=30, text="Premier lot."
    )
    services.post_follow_up(
        answered.staff,
        rec,
        happened_on=date(2027, 6, 1),
        progress=60,
        text="Deuxième lot en ligne.",
        links="Le registre | https://registre.example/\nhttps://autre.example/",
    )
    db.session.commit()
    page = client.get(f"/c/test/recommandations/{rec.number}-{rec.slug}").get_data(as_text=True)
    story = story_of(client, rec)
    assert "Suivi de la mise en œuvre" in story and "Réalisée à 60\u202f%" in story
    assert story.index("Premier lot.") < story.index("Deuxième lot en ligne.")
    assert '<a href="https://registre.example/" rel="noopener">Le registre</a>' in page
    assert '<a href="https://autre.example/" rel="noopener">https://autre.example/</a>' in page
    # The answers page shows the same updates' texts, not only the progress.
    answers = visible_text(client.get("/c/test/reponses").get_data(as_text=True))
    assert "Premier lot." in answers and "Deuxième lot en ligne." in answers
    assert "Le registre" in answers


def listed(client, query: str) -> str:
    page = client.get(f"/c/test/recommandations?{query}")
    assert page.status_code == 200
    return visible_text(page.get_data(as_text=True))


def test_the_list_filters_by_the_members_outcome_and_by_the_published_answer(client, adopted):
    first, second = adopted.adopted
    rejected = services.record_answer(
        adopted.staff,
        first,
        kind=AnswerKind.REJECTED,
        service="DSI",
        public_text="Non.",
        reasons="Trop cher.",
    )
    services.publish_answers(adopted.staff, [rejected])
    # Recorded but not published: the list must not give it away.
    services.record_answer(
        adopted.staff,
        second,
        kind=AnswerKind.REJECTED,
        service="RH",
        public_text="Non.",
        reasons="x",
    )
    db.session.commit()
    by_members = listed(client, "statut=rejected")
    assert "Une idée rejetée" in by_members and first.title not in by_members
    assert "1 recommandation" in by_members
    not_kept = listed(client, "reponse=rejected")
    assert first.title in not_kept and "Une idée rejetée" not in not_kept
    assert "1 recommandation" in not_kept and "Former les agents" not in not_kept
    assert "0 recommandation" in listed(client, "reponse=adopted")
    # A value no page sends is ignored, not an error.
    everything = listed(client, "reponse=nimporte&statut=%27")
    assert "3 recommandations" in everything
