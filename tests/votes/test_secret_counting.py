"""The guarantors' key ceremony and count, through the services and the pages: what the staff,
a guarantor and a member see, and every file that is refused."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from convention.auth.models import Role
from convention.ballots import records
from convention.errors import InvalidInput, NotAllowed
from convention.extensions import db
from convention.guarantors import services as guarantors
from convention.ledger.models import LedgerEntry
from convention.proposals.models import Choice, Status
from convention.votes import adoption, counting, secret_ballots
from tests import factories
from tests.pages import visible_text


def _voted(vw, choices):
    ballot = vw.ballot(secret=True)
    for member, choice in zip(vw.voters, choices, strict=False):
        adoption.cast_vote(member, ballot, choice)
    adoption.close_ballot(vw.facilitator, ballot, vw.convention)
    return ballot


def test_a_forged_partial_decryption_is_refused_naming_its_guarantor(vw):
    ballot = _voted(vw, [Choice.FOR, Choice.AGAINST, Choice.FOR])
    keys = vw.guarantors()
    upload = keys.partials(ballot.packet, 2)
    forged = json.loads(json.dumps(upload))
    partial = forged["votes"][0]["statement"]["partials"][0]
    partial["value"] = records.hx(int(partial["value"], 16) * 2)
    with pytest.raises(secret_ballots.Refused) as refused:
        counting.upload(keys.people[2], ballot.packet, forged)
    assert "Garant 2 (garant·e n° 2)" in str(refused.value.message)
    # Someone else's file, sent by a guarantor: refused too.
    with pytest.raises(secret_ballots.Refused):
        counting.upload(keys.people[1], ballot.packet, upload)
    # A member is not a guarantor of the ceremony.
    with pytest.raises(NotAllowed):
        counting.upload(vw.voters[0], ballot.packet, upload)
    assert secret_ballots.uploads(ballot.packet) == []


def test_fewer_partial_decryptions_than_the_threshold_reveal_nothing(vw):
    ballot = _voted(vw, [Choice.FOR, Choice.FOR, Choice.AGAINST])
    keys = vw.guarantors()
    assert counting.upload(keys.people[3], ballot.packet, keys.partials(ballot.packet, 3)) is False
    db.session.refresh(ballot)
    assert ballot.is_counting and ballot.adopted is None and ballot.digest is None
    assert (ballot.votes_for, ballot.votes_against, ballot.votes_abstain) == (0, 0, 0)
    assert ballot.recommendation.status == Status.SUBMITTED
    with pytest.raises(Exception, match="partial decryptions"):
        secret_ballots.decrypted_counts(ballot.packet)
    # The second one publishes, sealed and signed in the public ledger by both.
    assert counting.upload(keys.people[1], ballot.packet, keys.partials(ballot.packet, 1))
    assert (ballot.votes_for, ballot.votes_against) == (2, 1) and ballot.adopted
    closing = db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.kind == "ballot_closed")
    ).all()[-1]
    body = json.loads(closing.body)
    assert sorted(s["guarantor"] for s in body["signatures"]) == [1, 3]
    assert body["digest"] == ballot.digest and body["tally"]["votes_for"] == 2


def test_the_ceremony_refuses_a_file_of_the_wrong_step_or_guarantor(vw):
    people = [factories.user(Role.GUARANTOR, convention=vw.convention) for _ in range(3)]
    with pytest.raises(InvalidInput):
        guarantors.start(vw.staff, vw.convention, people[:1], 1)  # at least two
    with pytest.raises(InvalidInput):
        guarantors.start(vw.staff, vw.convention, people, 4)  # more than the guarantors
    with pytest.raises(InvalidInput):
        guarantors.start(vw.staff, vw.convention, [*people, vw.voters[0]], 2)  # not a guarantor
    with pytest.raises(NotAllowed):
        guarantors.start(vw.facilitator, vw.convention, people, 2)
    ceremony = guarantors.start(vw.staff, vw.convention, people, 2)
    with pytest.raises(guarantors.CeremonyRefused):
        guarantors.start(vw.staff, vw.convention, people, 2)  # one at a time
    with pytest.raises(InvalidInput, match="pas le fichier attendu"):
        guarantors.upload_key(people[0], ceremony, {"format": records.SHARES})
    with pytest.raises(NotAllowed):
        guarantors.upload_key(vw.voters[0], ceremony, {"format": records.KEY})
    with pytest.raises(guarantors.CeremonyRefused):
        guarantors.upload_shares(people[0], ceremony, {"format": records.SHARES})
    guarantors.abandon(vw.staff, ceremony)
    assert (
        guarantors.stage(ceremony) == "abandoned" and guarantors.current(vw.convention.id) is None
    )


def test_the_guarantors_page_walks_a_guarantor_through_the_ceremony(vw, client, tmp_path):
    people = [
        factories.user(Role.GUARANTOR, name=f"Garante {n}", convention=vw.convention)
        for n in (1, 2)
    ]
    db.session.commit()
    factories.sign_in(client, vw.staff)
    ids = [str(p.id) for p in people]
    page = client.post("/c/test/garants/ceremonie", data={"guarantors": ids, "threshold": "2"})
    assert page.status_code == 302
    ceremony = guarantors.in_progress(vw.convention)
    assert [p.name for p in ceremony.guarantors] == ["Garante 1", "Garante 2"]

    client = client.application.test_client()  # the guarantor's own browser
    factories.sign_in(client, people[1])
    shown = visible_text(client.get("/c/test/garants/").text)
    assert "Votre étape (garant·e n° 2)" in shown
    assert f"python3 garant.pyz keys ceremonie-{ceremony.id}-garant-2.json" in shown
    invitation = client.get(f"/c/test/garants/ceremonie/{ceremony.id}/ceremonie.json")
    assert json.loads(invitation.data)["index"] == 2
    tool = client.get("/c/test/garants/garant.pyz")
    assert tool.data.startswith(b"#!") and tool.headers["Content-Disposition"].endswith('.pyz"')
    # A file that is not the tool's is refused with the reason, next to the form.
    refused = client.post(
        f"/c/test/garants/ceremonie/{ceremony.id}/envoyer",
        data={"file": (io.BytesIO(b"{}"), "cle.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "pas le fichier attendu" in visible_text(refused.text)
    assert ceremony.guarantors[1].key_file is None
    # Someone who is neither staff nor guarantor does not see the page.
    client = client.application.test_client()
    factories.sign_in(client, vw.voters[0])
    assert client.get("/c/test/garants/").status_code == 403


def test_a_secret_ballot_cannot_open_before_the_ceremony_and_the_page_says_why(vw, client):
    db.session.commit()
    factories.sign_in(client, vw.facilitator)
    page = client.post(
        "/c/test/votes/ouvrir",
        data={"recommendations": [vw.recs[0].id], "closes_at": "2099-01-01T18:00"},
        follow_redirects=True,
    )
    assert "la cérémonie des clés de cette convention n'est pas terminée" in visible_text(page.text)
    assert adoption.ballot_of(vw.recs[0]) is None


def test_a_member_finds_their_encrypted_ballot_by_its_tracking_code(vw, client):
    ballot = vw.ballot(secret=True)
    code = adoption.cast_vote(vw.voters[0], ballot, Choice.AGAINST)
    adoption.cast_vote(vw.voters[1], ballot, Choice.FOR)
    vw.close(ballot)
    db.session.commit()
    page = visible_text(client.get(f"/c/test/votes/scrutins/{ballot.id}?code={code}").text)
    assert "Votre bulletin chiffré figure dans la liste publiée" in page
    other = visible_text(client.get(f"/c/test/votes/scrutins/{ballot.id}?code=ABC123").text)
    assert "Aucun bulletin de ce scrutin n'a ce code de suivi" in other
    rows = client.get(f"/c/test/votes/scrutins/{ballot.id}/export.csv").text.splitlines()
    assert rows[0] == "tracking_code" and code in rows
