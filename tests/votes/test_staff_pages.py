"""The pages that run the votes: staff set the rules, facilitators open ballots, staff record
paper totals and open and close the public consultation."""

from datetime import UTC, datetime

from sqlalchemy import select

from convention.extensions import db
from convention.typography import french_text
from convention.votes import adoption, consultation, rules
from convention.votes.models import AdoptionBallot
from tests import factories
from tests.pages import field_error, form_values

FAR_AHEAD = "2099-06-01T18:00"  # typed in Paris time: 16:00 UTC in summer


def ballots() -> list[AdoptionBallot]:
    return list(db.session.scalars(select(AdoptionBallot).order_by(AdoptionBallot.id)))


def test_staff_change_the_vote_rules_and_the_votes_page_states_them(client, vw):
    db.session.commit()
    factories.sign_in(client, vw.staff)
    before = rules.rules_for(vw.convention).quorum_percent
    page = client.post("/c/test/votes/regles", data={"quorum_percent": "150", "threshold": "2/3"})
    assert (
        field_error(page.text, "quorum_percent")
        == "Erreur\u202f: Le nombre doit être compris entre 0 et 100."
    )
    assert rules.rules_for(vw.convention).quorum_percent == before

    page = client.post(
        "/c/test/votes/regles",
        data={"quorum_percent": "60", "threshold": "2/3", "secret": "y"},
        follow_redirects=True,
    )
    assert "Les règles de vote sont enregistrées." in page.text
    assert "Quorum\u202f: au moins 60\u202f% des membres doivent prendre part au vote." in page.text
    assert "Adoption\u202f: plus des deux tiers des voix pour ou contre." in page.text
    assert "Vote secret\u202f: la liste des votants est publique, pas leurs choix" in page.text
    # The form shows the rules in force when staff come back to it.
    shown = form_values(client.get("/c/test/votes/regles").text)
    assert (shown["quorum_percent"], shown["threshold"], shown.get("secret")) == ("60", "2/3", "y")


def test_only_staff_change_the_vote_rules(client, vw):
    db.session.commit()
    factories.sign_in(client, vw.facilitator)
    assert client.get("/c/test/votes/regles").status_code == 403
    response = client.post("/c/test/votes/regles", data={"quorum_percent": "0", "threshold": "1/2"})
    assert response.status_code == 403
    assert rules.rules_for(vw.convention).quorum_percent != 0


def test_a_facilitator_opens_ballots_on_the_submitted_recommendations(client, vw):
    vw.guarantors()
    db.session.commit()
    factories.sign_in(client, vw.facilitator)
    form = client.get("/c/test/votes/ouvrir").text
    assert all(f"{rec.reference} · {rec.title}" in form for rec in vw.recs)
    assert vw.not_submitted.title not in form

    page = client.post("/c/test/votes/ouvrir", data={"closes_at": FAR_AHEAD})
    assert (
        field_error(page.text, "recommendations")
        == "Erreur\u202f: Choisissez au moins une recommandation."
    )
    page = client.post(
        "/c/test/votes/ouvrir",
        data={"recommendations": [vw.recs[0].id], "closes_at": "2020-01-01T18:00"},
    )
    assert (
        field_error(page.text, "closes_at") == "Erreur\u202f: La clôture doit être dans le futur."
    )
    assert ballots() == []

    page = client.post(
        "/c/test/votes/ouvrir",
        data={"recommendations": [vw.recs[0].id, vw.recs[1].id], "closes_at": FAR_AHEAD},
        follow_redirects=True,
    )
    assert "2 votes ouverts." in page.text
    assert f"{vw.recs[0].reference} · {vw.recs[0].title}" in page.text
    opened = ballots()
    assert [b.recommendation_id for b in opened] == [vw.recs[0].id, vw.recs[1].id]
    assert opened[0].closes_at == datetime(2099, 6, 1, 16, tzinfo=UTC)
    # Opened ballots no longer wait.
    assert f"{vw.recs[0].reference} · " not in client.get("/c/test/votes/ouvrir").text


def test_members_cannot_open_ballots(client, vw):
    db.session.commit()
    factories.sign_in(client, vw.members[0])
    assert client.get("/c/test/votes/ouvrir").status_code == 403
    response = client.post(
        "/c/test/votes/ouvrir", data={"recommendations": [vw.recs[0].id], "closes_at": FAR_AHEAD}
    )
    assert response.status_code == 403
    assert ballots() == []


def test_staff_record_paper_totals_that_the_tally_adds_to_the_online_votes(client, vw):
    ballot = vw.ballot(secret=False)
    adoption.cast_vote(vw.members[0], ballot, adoption.Choice.FOR)
    db.session.commit()
    factories.sign_in(client, vw.staff)
    paper = f"/c/test/votes/scrutins/{ballot.id}/papier"
    assert "Totaux du vote papier ou en salle sur R1" in client.get(paper).text
    page = client.post(paper, data={"votes_for": "-1", "votes_against": "0", "votes_abstain": "0"})
    assert field_error(page.text, "votes_for") == "Erreur\u202f: Un nombre positif ou nul."

    page = client.post(
        paper,
        data={"votes_for": "2", "votes_against": "1", "votes_abstain": "0"},
        follow_redirects=True,
    )
    assert "Les totaux du vote papier sont enregistrés et inscrits au journal." in page.text
    client.post(f"/c/test/votes/scrutins/{ballot.id}/clore")
    db.session.expire_all()
    sentence = french_text(adoption.tally(ballot).sentence())
    assert sentence.startswith("Pour 3, contre 1, abstention 0")
    assert "Dont 3 votes sur papier." in sentence
    assert (
        sentence
        in client.get(f"/c/test/recommandations/{vw.recs[0].number}", follow_redirects=True).text
    )
    # Closed: the totals no longer change.
    page = client.post(paper, data={"votes_for": "9", "votes_against": "0", "votes_abstain": "0"})
    assert (
        field_error(page.text, "votes_for")
        == "Erreur\u202f: Ce vote est clos\u202f: ses totaux ne changent plus."
    )


def test_only_staff_record_paper_totals(client, vw):
    ballot = vw.ballot()
    db.session.commit()
    factories.sign_in(client, vw.facilitator)
    response = client.post(
        f"/c/test/votes/scrutins/{ballot.id}/papier",
        data={"votes_for": "5", "votes_against": "0", "votes_abstain": "0"},
    )
    assert response.status_code == 403
    db.session.refresh(ballot)
    assert ballot.paper_total == 0


def test_staff_open_then_close_the_consultation(client, vw):
    vw.to_consultation(adopted_count=2)
    found = consultation.consultation_for(vw.convention)
    db.session.delete(found)  # reopened below through the page
    db.session.commit()
    factories.sign_in(client, vw.staff)
    form = client.get("/c/test/votes/consultation/ouvrir").text
    assert "<h1>Ouvrir la consultation du public</h1>" in form
    assert form_values(form)["closes_at"] == ""
    page = client.post("/c/test/votes/consultation/ouvrir", data={"closes_at": "2020-01-01T18:00"})
    assert (
        field_error(page.text, "closes_at") == "Erreur\u202f: La clôture doit être dans le futur."
    )
    assert consultation.consultation_for(vw.convention) is None

    page = client.post(
        "/c/test/votes/consultation/ouvrir", data={"closes_at": FAR_AHEAD}, follow_redirects=True
    )
    assert "La consultation est ouverte." in page.text
    opened = consultation.consultation_for(vw.convention)
    assert opened.closes_at == datetime(2099, 6, 1, 16, tzinfo=UTC)
    page = client.post(
        "/c/test/votes/consultation/ouvrir", data={"closes_at": FAR_AHEAD}, follow_redirects=True
    )
    assert "La consultation a déjà été ouverte." in page.text

    assert "Clore" in client.get("/c/test/votes/consultation/clore").text
    page = client.post("/c/test/votes/consultation/clore", follow_redirects=True)
    assert "La consultation est close\u202f; ses résultats sont publiés et scellés." in page.text
    db.session.refresh(opened)
    assert opened.closed_at is not None and opened.digest
    page = client.post("/c/test/votes/consultation/clore", follow_redirects=True)
    assert "La consultation est déjà close." in page.text


def test_only_staff_open_and_close_the_consultation(client, vw):
    vw.to_consultation(adopted_count=1)
    db.session.commit()
    factories.sign_in(client, vw.facilitator)
    assert (
        client.post("/c/test/votes/consultation/ouvrir", data={"closes_at": FAR_AHEAD}).status_code
        == 403
    )
    assert client.post("/c/test/votes/consultation/clore").status_code == 403
    assert consultation.consultation_for(vw.convention).closed_at is None
