"""What people see and submit: the vote pages, the confirmation of a secret vote, the
consultation form and results, the tally on the recommendation page, exports."""

import json
import subprocess
import sys

from sqlalchemy import func, select

from convention.config import PROJECT_ROOT
from convention.extensions import db
from convention.proposals.models import Choice
from convention.votes import adoption, consultation, verify_tally
from convention.votes.models import EncryptedVote, Judgment
from tests import factories
from tests.factories import citizens
from tests.pages import csrf_token


def test_a_secret_vote_asks_for_confirmation_then_is_final(vw, client):
    ballot = vw.ballot(secret=True)
    db.session.flush()
    factories.sign_in(client, vw.voters[0])
    page = client.get(f"/c/test/votes/scrutins/{ballot.id}").get_data(as_text=True)
    assert "Continuer" in page and 'name="choice"' in page
    first = client.post(f"/c/test/votes/scrutins/{ballot.id}/voter", data={"choice": "for"})
    text = first.get_data(as_text=True)
    assert "Confirmer mon vote (définitif)" in text and ballot.participants == 0
    done = client.post(
        f"/c/test/votes/scrutins/{ballot.id}/voter",
        data={"choice": "for", "confirmed": "1"},
        follow_redirects=True,
    )
    assert "Votre vote secret est enregistré" in done.get_data(as_text=True)
    code = db.session.scalar(select(EncryptedVote.tracking_code))
    assert code in done.get_data(as_text=True)  # the member's tracking code, shown once
    # The same form submitted again from a second tab: a clear refusal, nothing written.
    again = client.post(
        f"/c/test/votes/scrutins/{ballot.id}/voter",
        data={"choice": "against", "confirmed": "1"},
        follow_redirects=True,
    )
    assert "un vote secret est définitif" in again.get_data(as_text=True)
    db.session.refresh(ballot)
    assert ballot.participants == 1
    assert db.session.scalar(select(func.count()).select_from(EncryptedVote)) == 1


def test_a_citizen_cannot_vote_in_the_members_vote(vw, client):
    ballot = vw.ballot(secret=False)
    db.session.flush()
    factories.sign_in(client, vw.citizen)
    page = client.get(f"/c/test/votes/scrutins/{ballot.id}").get_data(as_text=True)
    assert 'name="choice"' not in page
    answer = client.post(
        f"/c/test/votes/scrutins/{ballot.id}/voter", data={"choice": "for"}, follow_redirects=True
    )
    assert "Seuls les membres tirés au sort" in answer.get_data(as_text=True)
    assert (
        client.post("/c/test/votes/scrutins/999999/voter", data={"choice": "for"}).status_code
        == 404
    )


def test_the_closed_vote_shows_its_tally_seal_and_export_on_every_page(vw, client):
    ballot = vw.ballot(secret=False)
    for member, choice in zip(vw.voters, [Choice.FOR, Choice.FOR, Choice.AGAINST], strict=False):
        adoption.cast_vote(member, ballot, choice)
    db.session.flush()
    factories.sign_in(client, vw.facilitator)
    confirm = client.get(f"/c/test/votes/scrutins/{ballot.id}/clore").get_data(as_text=True)
    assert "définitive" in confirm
    client.post(f"/c/test/votes/scrutins/{ballot.id}/clore")
    db.session.refresh(ballot)
    rec = ballot.recommendation
    shown = client.get(f"/c/test/recommandations/{rec.number}-{rec.slug}").get_data(as_text=True)
    assert "Adoptée" in shown and "Pour 2, contre 1, abstention 0" in shown
    trace_page = client.get(f"/c/test/recommandations/{rec.number}/trace").get_data(as_text=True)
    assert "Vote des membres\u202f: adoptée" in trace_page
    results = client.get(f"/c/test/votes/scrutins/{ballot.id}").get_data(as_text=True)
    assert ballot.digest in results and vw.voters[2].public_name in results
    export = json.loads(client.get(f"/c/test/votes/scrutins/{ballot.id}/export.json").data)
    assert verify_tally.verify(export) == []
    csv_text = client.get(f"/c/test/votes/scrutins/{ballot.id}/export.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "member_id,member,choice" and len(csv_text.splitlines()) == 4


def test_citizens_grade_on_the_consultation_page_and_see_results_after_the_close(vw, client):
    found = vw.to_consultation(adopted_count=2)
    person = citizens(1)[0]
    db.session.flush()
    factories.sign_in(client, person)
    page = client.get("/c/test/votes/consultation").get_data(as_text=True)
    assert "À rejeter" in page and "compte comme «\u202fÀ rejeter\u202f»" in page
    assert "Les résultats seront publiés à la clôture" in page
    first, second = vw.recs[:2]
    bad = client.post(
        "/c/test/votes/consultation", data={f"rec_{first.id}": "9", f"rec_{second.id}": "1"}
    )
    assert bad.status_code == 400
    assert f'aria-describedby="rec-{first.id}-error"' in bad.get_data(as_text=True)
    assert consultation.participants(found) == 0
    ok = client.post(
        "/c/test/votes/consultation",
        data={f"rec_{first.id}": "2", f"rec_{second.id}": ""},
        follow_redirects=True,
    )
    assert "Vos mentions sont enregistrées" in ok.get_data(as_text=True)
    assert consultation.my_grades(person, found) == {first.id: 2}
    client.post("/c/test/votes/consultation", data={f"rec_{first.id}": "", f"rec_{second.id}": "5"})
    assert consultation.my_grades(person, found) == {second.id: 5}  # a grade taken back
    client.post("/c/test/votes/consultation", data={f"rec_{first.id}": "2", f"rec_{second.id}": ""})
    assert consultation.my_grades(person, found) == {first.id: 2}  # and given again
    consultation.close_consultation(vw.staff, found)
    db.session.flush()
    results = client.get("/c/test/votes/consultation").get_data(as_text=True)
    assert "Mention majoritaire\u202f: Bien" in results
    assert '<svg role="img"' in results and "<caption>" in results
    # Once closed, the page no longer says the results stay hidden until the close.
    assert "restent cachés jusqu" not in results


def test_results_page_makes_the_same_queries_whatever_the_number_of_judgments(
    vw, client, query_counter
):
    found = vw.to_consultation(adopted_count=3)
    # Closed with no judgment, measured, then undone (a closed consultation stays closed).
    before = db.session.begin_nested()
    consultation.close_consultation(vw.staff, found)
    db.session.flush()
    few = query_counter.count_for(lambda: client.get("/c/test/votes/consultation"))
    before.rollback()
    for person in citizens(15):
        consultation.judge(person, found, {r.id: person.id % 7 for r in vw.recs})
    consultation.close_consultation(vw.staff, found)
    db.session.flush()
    assert query_counter.count_for(lambda: client.get("/c/test/votes/consultation")) == few


def test_csrf_is_enforced_on_votes(vw, app):
    """A signed-in member's vote sent without the page's token (from another site) is refused;
    the same vote with the token counts, so the refusal was the token's."""
    ballot = vw.ballot(secret=False)
    member = vw.voters[0]
    db.session.flush()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        page = client.post(
            "/connexion",
            data={
                "csrf_token": csrf_token(client.get("/connexion").text),
                "email": member.email,
                "password": factories.PASSWORD,
            },
            follow_redirects=True,
        )
        assert "Vous êtes connecté·e." in page.text
        forged = client.post(f"/c/test/votes/scrutins/{ballot.id}/voter", data={"choice": "for"})
        assert forged.status_code == 400
        assert adoption.recount(ballot)[Choice.FOR] == 0
        token = csrf_token(client.get(f"/c/test/votes/scrutins/{ballot.id}").text)
        page = client.post(
            f"/c/test/votes/scrutins/{ballot.id}/voter",
            data={"csrf_token": token, "choice": "for"},
            follow_redirects=True,
        )
        assert "Votre vote «\u202fpour\u202f» est enregistré." in page.text
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert adoption.recount(ballot)[Choice.FOR] == 1


def test_the_consultation_form_refuses_grades_when_no_consultation_is_open(vw, client):
    person = citizens(1)[0]
    db.session.flush()
    factories.sign_in(client, person)
    page = client.post(
        "/c/test/votes/consultation", data={f"rec_{vw.recs[0].id}": "2"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "La consultation n'est pas ouverte\u202f: elle est close" in page
    assert db.session.scalar(select(func.count()).select_from(Judgment)) == 0


def test_the_consultation_export_lets_anyone_recompute_the_ranking_and_the_seal(
    vw, client, tmp_path
):
    found = vw.to_consultation(adopted_count=3)
    grades = {vw.recs[0].id: [3, 3, None], vw.recs[1].id: [0, 1, 1], vw.recs[2].id: [5, 6, 6]}
    for i, person in enumerate(citizens(3)):
        consultation.judge(person, found, {rec_id: g[i] for rec_id, g in grades.items()})
    assert client.get("/c/test/votes/consultation/export.json").status_code == 404  # not closed yet
    consultation.close_consultation(vw.staff, found)
    db.session.flush()
    export = json.loads(client.get("/c/test/votes/consultation/export.json").data)
    assert [r["recommendation_id"] for r in export["results"]] == [
        vw.recs[1].id,
        vw.recs[0].id,
        vw.recs[2].id,
    ]
    assert export["results"][1]["counts"] == [0, 0, 0, 2, 0, 0, 1]  # one ungraded: rejected
    assert verify_tally.verify_consultation(export) == []
    script = PROJECT_ROOT / "convention" / "votes" / "verify_tally.py"
    path = tmp_path / "consultation.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("OK"), done.stderr
    assert found.digest in done.stdout
    export["judgments"][0]["grade"] = (export["judgments"][0]["grade"] + 1) % 7  # tampered
    path.write_text(json.dumps(export), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "MISMATCH" in done.stdout and "digest" in done.stdout
