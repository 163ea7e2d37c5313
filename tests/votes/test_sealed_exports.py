"""A closed vote's public export is kept as it was published: later changes to the tables do
not change what is served, `flask verify-tally` finds them, and a vote reopened and sealed
again from a shell (the attack that passed before: closed_at set back to NULL, a vote cast,
the digest recomputed) is caught by the digest the chained journal recorded at the close. On
PostgreSQL the database itself refuses to reopen or reseal a closed vote."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from convention.extensions import db
from convention.votes import adoption, consultation, verify_tally
from convention.votes.adoption import Choice
from tests import factories

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


def closed_named_ballot(vw):
    ballot = vw.ballot(secret=False)
    for member, choice in zip(
        vw.voters[:4], (Choice.FOR, Choice.FOR, Choice.AGAINST, Choice.FOR), strict=True
    ):
        adoption.cast_vote(member, ballot, choice)
    adoption.close_ballot(vw.facilitator, ballot, vw.convention)
    db.session.commit()
    return ballot


def download(client, ballot) -> bytes:
    return client.get(f"/c/test/votes/scrutins/{ballot.id}/export.json").data


def test_the_export_is_kept_at_the_close_and_served_as_it_was(client, app, vw):
    ballot = closed_named_ballot(vw)
    published = download(client, ballot)
    assert published.decode() == ballot.sealed_export
    assert (
        app.test_cli_runner().invoke(args=["verify-tally", str(ballot.id)]).output.endswith("OK\n")
    )
    if ON_POSTGRESQL:
        return  # the tables cannot be changed behind the close there (tested below)
    # Someone with the database changes a vote after the close.
    db.session.execute(
        text("UPDATE named_vote SET choice = 'against' WHERE ballot_id = :b AND user_id = :u"),
        {"b": ballot.id, "u": vw.voters[0].id},
    )
    db.session.commit()
    assert download(client, ballot) == published  # what was published does not move
    checked = app.test_cli_runner().invoke(args=["verify-tally", str(ballot.id)])
    assert checked.exit_code != 0
    assert "the votes in the database changed since the close" in checked.output


@pytest.mark.skipif(ON_POSTGRESQL, reason="PostgreSQL refuses the reopening itself (below)")
def test_a_vote_reopened_and_sealed_again_is_caught_by_the_journal(client, app, vw):
    ballot = closed_named_ballot(vw)
    # The shell attack: reopen, cast one more vote, seal again, rewrite the kept export too.
    ballot.closed_at = None
    db.session.flush()
    adoption.cast_vote(vw.voters[4], ballot, Choice.AGAINST)
    db.session.flush()
    db.session.refresh(ballot)
    ballot.closed_at = adoption.utcnow()
    ballot.digest = verify_tally.digest(
        adoption.export_header(ballot), adoption.export_ballots(ballot)
    )
    ballot.sealed_export = adoption.canonical_export(ballot)
    db.session.commit()
    # The file agrees with itself, so the public checker alone cannot tell...
    assert verify_tally.verify(json.loads(download(client, ballot))) == []
    # ...but the digest the chained journal recorded at the close can.
    checked = app.test_cli_runner().invoke(args=["verify-tally", str(ballot.id)])
    assert checked.exit_code != 0 and "the vote was sealed again" in checked.output


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE adoption_ballot SET closed_at = NULL WHERE id = :id",
        "UPDATE adoption_ballot SET digest = repeat('0', 64) WHERE id = :id",
        "UPDATE adoption_ballot SET sealed_export = '{}' WHERE id = :id",
    ],
)
def test_postgresql_refuses_to_reopen_or_reseal_a_closed_vote(vw, statement):
    ballot = closed_named_ballot(vw)
    with pytest.raises(DBAPIError, match="a closed vote stays closed"), db.session.begin_nested():
        db.session.execute(text(statement), {"id": ballot.id})
    db.session.refresh(ballot)
    assert ballot.closed_at is not None and ballot.sealed_export is not None


def test_the_consultation_keeps_its_export_from_the_close(client, vw):
    found = vw.to_consultation()
    residents = [factories.user(email=f"habitant{n}@exemple.fr") for n in range(3)]
    for person in residents:
        consultation.judge(person, found, {vw.recs[0].id: 1, vw.recs[1].id: 4})
    consultation.close_consultation(vw.staff, found)
    db.session.commit()
    published = client.get("/c/test/votes/consultation/export.json").data
    assert published.decode() == found.sealed_export
    export = json.loads(published)
    assert verify_tally.verify_consultation(export) == [] and len(export["judgments"]) == 6
    # A recommendation never adopted, added to the results afterwards, is refused: the list of
    # recommendations judged is sealed in the header.
    added = {**export, "recommendation_ids": [*export["recommendation_ids"], 999]}
    added["results"] = verify_tally.consultation_results(
        export["header"], export["judgments"], added["recommendation_ids"]
    )
    assert verify_tally.verify_consultation(added) == [
        f"recommendations judged: sealed {export['header']['recommendation_ids']}, "
        f"listed {added['recommendation_ids']}"
    ]
    unsealed = {
        **added,
        "header": {**export["header"], "recommendation_ids": added["recommendation_ids"]},
    }
    assert any(p.startswith("digest") for p in verify_tally.verify_consultation(unsealed))
    if not ON_POSTGRESQL:
        db.session.execute(text("UPDATE judgment SET grade = 6"))
        db.session.commit()
        assert client.get("/c/test/votes/consultation/export.json").data == published
