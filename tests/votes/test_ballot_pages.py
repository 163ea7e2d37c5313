"""Running the members' ballots as people see it: closing confirms first and says what will
happen (turnout against quorum, time left, rejection below quorum), ballots open and close in
batches, and members have « Mes votes »."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from convention.extensions import db
from convention.proposals.models import Choice, Status
from convention.votes import adoption
from convention.votes.models import AdoptionBallot
from tests import factories

FAR_AHEAD = "2099-06-01T18:00"


def text_of(page: str) -> str:
    """The page's text as read: tags dropped, entities decoded, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"[ \t\r\n]+", " ", text).replace(" .", ".")
    return re.sub(r" (?=[\u202f\u00a0])", "", text)


@pytest.fixture
def clock(monkeypatch):
    """Freeze the votes' clock at a given moment."""

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(adoption, "utcnow", lambda: moment)

    return freeze


def test_closing_early_below_quorum_says_so_and_a_get_closes_nothing(client, vw, clock):
    ballot = vw.ballot(secret=False, quorum_percent=50)
    for member in vw.voters[:2]:
        adoption.cast_vote(member, ballot, Choice.FOR)
    db.session.commit()
    clock(ballot.closes_at - timedelta(hours=2))
    factories.sign_in(client, vw.facilitator)

    page = client.get(f"/c/test/votes/scrutins/{ballot.id}/clore")
    shown = text_of(page.text)
    assert page.status_code == 200
    assert "2 votes sur 6 membres\u202f; quorum\u202f: 50\u202f%, soit 3." in shown
    assert "dans 2\u00a0heures" in shown
    assert (
        "Le quorum n'est pas atteint\u202f: clos maintenant, le vote rejette la recommandation "
        f"{vw.recs[0].reference} définitivement" in shown
    )
    assert "Clore le vote maintenant" in shown
    db.session.expire_all()
    assert not ballot.is_closed  # showing the page closed nothing

    done = client.post(f"/c/test/votes/scrutins/{ballot.id}/clore", follow_redirects=True)
    assert "Le vote est clos et scellé." in done.text
    db.session.expire_all()
    assert ballot.is_closed and vw.recs[0].status == Status.REJECTED


def test_closing_after_the_planned_time_still_confirms_with_the_result(client, vw, clock):
    ballot = vw.ballot(secret=False, quorum_percent=50)
    for member in vw.voters[:3]:
        adoption.cast_vote(member, ballot, Choice.FOR)
    db.session.commit()
    clock(ballot.closes_at + timedelta(minutes=5))
    factories.sign_in(client, vw.facilitator)

    shown = text_of(client.get(f"/c/test/votes/scrutins/{ballot.id}/clore").text)
    assert "3 votes sur 6 membres\u202f; quorum\u202f: 50\u202f%, soit 3." in shown
    assert "est passée." in shown and "dans " not in shown
    assert f"pour 3, contre 0, abstention 0), la recommandation {vw.recs[0].reference}" in shown
    assert "sera adoptée." in shown and "définitivement" not in shown
    db.session.expire_all()
    assert not ballot.is_closed


def test_only_those_who_may_close_are_offered_the_close(client, vw):
    ballot = vw.ballot()
    db.session.commit()
    address = f"/c/test/votes/scrutins/{ballot.id}"
    factories.sign_in(client, vw.facilitator)
    assert f"{address}/clore" in client.get(address).text
    client.post("/deconnexion")
    factories.sign_in(client, vw.members[0])
    assert f"{address}/clore" not in client.get(address).text
    assert client.get(f"{address}/clore").status_code == 403
    assert client.post(f"{address}/clore").status_code == 403
    db.session.expire_all()
    assert not ballot.is_closed


def test_staff_open_the_vote_on_every_submitted_recommendation_in_one_go(client, vw):
    vw.guarantors()
    db.session.commit()
    factories.sign_in(client, vw.facilitator)
    form = client.get("/c/test/votes/ouvrir").text
    assert "Ouvrir le vote sur toutes les recommandations soumises (3)" in form
    example = re.search(r"par exemple (\d{4}-\d\d-\d\d \d\d:\d\d)\.", form).group(1)
    assert datetime.strptime(example, "%Y-%m-%d %H:%M").replace(tzinfo=UTC) > datetime.now(UTC)

    page = client.post(
        "/c/test/votes/ouvrir", data={"closes_at": FAR_AHEAD, "all": "1"}, follow_redirects=True
    )
    assert "3 votes ouverts." in page.text
    opened = db.session.scalars(select(AdoptionBallot.recommendation_id)).all()
    assert sorted(opened) == sorted(r.id for r in vw.recs)
    assert vw.not_submitted.id not in opened


def test_the_open_page_explains_when_it_is_not_the_members_vote(client):
    world = factories.build_world()
    db.session.commit()
    factories.sign_in(client, world.facilitator)
    page = client.get("/c/test/votes/ouvrir")
    assert page.status_code == 200
    assert "ne s'ouvrent que pendant la phase «\u202fvote des membres\u202f»" in html.unescape(
        page.text
    )
    assert 'name="closes_at"' not in page.text
    assert "Ouvrir des votes" not in client.get("/c/test/votes/").text.split("<h2")[1]


def test_staff_close_every_due_ballot_after_a_confirmation_listing_them(client, vw, clock):
    due = [vw.ballot(rec) for rec in vw.recs[:2]]
    late = adoption.open_ballots(
        vw.facilitator, vw.convention, [vw.recs[2]], due[0].closes_at + timedelta(days=3)
    )[0]
    db.session.commit()
    clock(due[0].closes_at + timedelta(hours=1))
    factories.sign_in(client, vw.staff)

    assert "Clore tous les scrutins échus (2)" in client.get("/c/test/votes/").text
    shown = text_of(client.get("/c/test/votes/scrutins/echus").text)
    assert all(f"{r.reference} · {r.title}" in shown for r in vw.recs[:2])
    assert vw.recs[2].title not in shown
    assert "Clore ces 2 scrutins" in shown
    db.session.expire_all()
    assert not any(b.is_closed for b in due)

    page = client.post("/c/test/votes/scrutins/echus", follow_redirects=True)
    assert "2 votes secrets sont clos\u202f: leurs bulletins chiffrés attendent" in page.text
    db.session.expire_all()
    assert all(b.is_counting for b in due) and not late.is_counting
    # The two closed together make one packet, which the guarantors decrypt at once.
    assert due[0].packet_id == due[1].packet_id
    assert vw.guarantors().decrypt(due[0].packet)
    assert all(b.is_closed for b in due) and not late.is_closed
    assert "Aucun vote n'attend sa clôture" in html.unescape(
        client.get("/c/test/votes/scrutins/echus").text
    )


def test_members_see_their_ballots_to_vote_voted_and_closed(client):
    vw = factories.build_vote_world(n_recs=4)
    member = vw.members[0]
    secret = vw.ballot(vw.recs[0], secret=True)
    named = vw.ballot(vw.recs[1], secret=False)
    waiting = vw.ballot(vw.recs[2], secret=False)
    closed = vw.ballot(vw.recs[3], secret=False, quorum_percent=0)
    adoption.cast_vote(member, secret, Choice.FOR)
    adoption.cast_vote(member, named, Choice.AGAINST)
    adoption.cast_vote(member, closed, Choice.FOR)
    adoption.close_ballot(vw.facilitator, closed, vw.convention)
    db.session.commit()
    factories.sign_in(client, member)

    page = client.get("/c/test/votes/")
    assert "/c/test/votes/mes-votes" in page.text.split('aria-label="Menu principal"')[1]
    page = client.get("/c/test/votes/mes-votes")
    menu = page.text.split('aria-label="Menu principal"')[1].split("</nav>")[0]
    assert re.findall(r'aria-current="page">([^<]+)<', menu) == ["Mes votes"]
    shown = text_of(page.text)
    to_vote = shown.split("À voter")[1].split("Déjà votés")[0]
    voted = shown.split("Déjà votés, en cours")[1].split("Clos (")[0]
    done = shown.split("Clos (")[1]
    assert f"{vw.recs[2].reference} · " in to_vote and f"{vw.recs[0].reference} ·" not in to_vote
    assert waiting.id and "(1)" in shown.split("À voter")[1][:5]
    secret_line = voted.split(f"{vw.recs[0].reference} · ")[1].split(f"{vw.recs[1].reference}")[0]
    assert "a voté (scrutin secret" in secret_line and "«" not in secret_line
    assert "votre vote\u202f: «\u202fcontre\u202f»" in voted.split(f"{vw.recs[1].reference} · ")[1]
    assert f"{vw.recs[3].reference} · " in done
    assert "adoptée" in done and "votre vote\u202f: «\u202fpour\u202f»" in done


def test_mes_votes_is_for_members_only(client, vw):
    db.session.commit()
    factories.sign_in(client, vw.citizen)
    page = client.get("/c/test/votes/mes-votes")
    assert page.status_code == 403
    assert "réservée aux membres de la convention" in html.unescape(page.text)
    assert "/c/test/votes/mes-votes" not in client.get("/c/test/votes/").text


def test_a_ballot_past_its_time_but_not_closed_is_shown_as_ended_awaiting_its_result(client, clock):
    vw = factories.build_vote_world(n_recs=2)
    member = vw.members[0]
    voted = vw.ballot(vw.recs[0], secret=False)
    missed = vw.ballot(vw.recs[1], secret=False)
    adoption.cast_vote(member, voted, Choice.FOR)
    db.session.commit()
    clock(voted.closes_at + timedelta(hours=1))
    factories.sign_in(client, member)

    shown = text_of(client.get("/c/test/votes/mes-votes").text)
    ended = shown.split("Terminés, résultat à venir (2)")[1].split("Clos (")[0]
    assert "plus aucun vote n'est accepté" in ended
    assert f"{vw.recs[0].reference} · " in ended and "votre vote\u202f: «\u202fpour\u202f»" in ended
    assert f"{vw.recs[1].reference} · " in ended and "vous n'avez pas voté" in ended
    # Neither is offered as open: not "to vote", not "modifiable".
    assert "Aucun vote ouvert ne vous attend." in shown and "modifiable" not in shown
    assert missed.closed_at is None and voted.closed_at is None
