"""The members' adoption vote: rules, secrecy, windows, paper totals and the sealed tally."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from convention.audit.models import AuditEntry
from convention.config import PROJECT_ROOT
from convention.errors import InvalidInput, NotAllowed
from convention.extensions import db
from convention.proposals.lifecycle import InvalidTransition
from convention.proposals.models import Choice, Status
from convention.proposals.trace import trace
from convention.votes import adoption, secret_ballots, verify_tally
from convention.votes.models import EncryptedVote, NamedVote
from tests.factories import in_hours

FOR, AGAINST, ABSTAIN = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN


def cast(vw, ballot, choices):
    for member, choice in zip(vw.voters, choices, strict=False):
        adoption.cast_vote(member, ballot, choice)


def counters(ballot):
    db.session.refresh(ballot)
    return {FOR: ballot.votes_for, AGAINST: ballot.votes_against, ABSTAIN: ballot.votes_abstain}


def test_named_vote_can_be_changed_and_counters_equal_the_recount(vw):
    ballot = vw.ballot(secret=False)
    cast(vw, ballot, [FOR, FOR, AGAINST, ABSTAIN, FOR])
    adoption.cast_vote(vw.voters[0], ballot, AGAINST)  # changes their mind
    adoption.cast_vote(vw.voters[2], ballot, AGAINST)  # same vote again: nothing moves
    assert counters(ballot) == adoption.recount(ballot) == {FOR: 2, AGAINST: 2, ABSTAIN: 1}
    assert ballot.participants == 5
    assert adoption.my_vote(vw.voters[0], ballot) == (True, AGAINST)
    assert db.session.scalar(select(func.count()).select_from(NamedVote)) == 5


def test_closing_applies_the_result_to_the_recommendation_with_its_tally(vw):
    ballot = vw.ballot(secret=False)
    cast(vw, ballot, [FOR, FOR, FOR, AGAINST, ABSTAIN, FOR])
    result = adoption.close_ballot(vw.facilitator, ballot, vw.convention)
    rec = ballot.recommendation
    assert rec.status == Status.ADOPTED and ballot.adopted and ballot.quorum_met
    assert (
        result.votes_for,
        result.votes_against,
        result.votes_abstain,
        result.participants,
        result.eligible,
    ) == (4, 1, 1, 6, 6)
    details = [e.detail for e in trace(rec) if e.kind == "adoption_vote"]
    assert details and "Pour 4, contre 1, abstention 1" in details[0]
    assert "quorum atteint" in details[0]


def test_without_quorum_a_unanimous_vote_rejects(vw):
    ballot = vw.ballot(secret=False, quorum_percent=60)
    cast(vw, ballot, [FOR, FOR, FOR])  # 3 of 6 members: 50 % < 60 %
    result = adoption.close_ballot(vw.staff, ballot, vw.convention)
    assert not result.quorum_met and not result.adopted
    assert ballot.recommendation.status == Status.REJECTED


@pytest.mark.parametrize(
    "threshold, abstentions_count, adopted",
    [
        ("1/2", False, True),  # 4 for, 2 against: 4/6 > 1/2
        ("2/3", False, False),  # 4/6 is not more than two thirds
        ("3/5", False, True),  # 4/6 > 3/5
        ("1/2", True, False),  # with 2 abstentions counted: 4/8 is not more than half
    ],
)
def test_threshold_and_abstentions_follow_the_convention_rules(
    vw, threshold, abstentions_count, adopted
):
    ballot = vw.ballot(
        secret=False, quorum_percent=0, threshold=threshold, abstentions_count=abstentions_count
    )
    cast(vw, ballot, [FOR, FOR, FOR, AGAINST, AGAINST, FOR])
    adoption.record_paper(vw.staff, ballot, votes_for=0, votes_against=0, votes_abstain=2)
    assert adoption.close_ballot(vw.staff, ballot, vw.convention).adopted is adopted


def test_a_secret_vote_is_final_and_a_second_one_writes_nothing(vw):
    ballot = vw.ballot(secret=True)
    code = adoption.cast_vote(vw.voters[0], ballot, FOR)
    with pytest.raises(adoption.AlreadyVoted):
        adoption.cast_vote(vw.voters[0], ballot, AGAINST)
    assert db.session.scalar(select(func.count()).select_from(EncryptedVote)) == 1
    assert secret_ballots.has_ballot(ballot, code) and len(code) == 64
    # Only the turnout moves while the vote is open: no counter per choice.
    assert (ballot.participants, *counters(ballot).values()) == (1, 0, 0, 0)
    assert adoption.my_vote(vw.voters[0], ballot) == (True, None)
    assert [u.id for u in adoption.roll(ballot)] == [vw.voters[0].id]


def test_a_secret_ballot_is_counted_by_the_guarantors_and_never_stored_in_clear(vw):
    ballot = vw.ballot(secret=True)
    choices = [FOR, FOR, AGAINST, FOR, ABSTAIN, FOR]
    codes = [adoption.cast_vote(m, ballot, c) for m, c in zip(vw.voters, choices, strict=True)]
    stored = db.session.scalars(select(EncryptedVote.body)).all()
    assert not any(c.value in body for body in stored for c in Choice)
    # Closing hands the ballots to the guarantors: no result yet, no vote accepted.
    assert adoption.close_ballot(vw.facilitator, ballot, vw.convention) is None
    assert ballot.is_counting and not ballot.is_closed and ballot.packet is not None
    assert ballot.recommendation.status == Status.SUBMITTED
    with pytest.raises(adoption.VotingClosed):
        adoption.cast_vote(vw.outsider, ballot, FOR)
    # One guarantor of the two needed decrypts nothing.
    assert vw.guarantors().decrypt(ballot.packet, [1]) is False
    assert not ballot.is_closed
    assert vw.guarantors().decrypt(ballot.packet, [3]) is True
    assert adoption.tally(ballot).votes_for == 4
    assert (ballot.votes_against, ballot.votes_abstain, ballot.participants) == (1, 1, 6)
    assert ballot.recommendation.status == Status.ADOPTED
    export = json.loads(adoption.published_export(ballot))
    assert sorted(b["tracking_code"] for b in export["ballots"]) == sorted(codes)
    assert verify_tally.verify_secret(export) == []


def test_a_secret_ballot_needs_the_guarantors_key(vw):
    vw.set_rules(secret=True)
    with pytest.raises(secret_ballots.NoKey):
        adoption.open_ballots(vw.facilitator, vw.convention, [vw.recs[0]], in_hours(8))


def test_votes_are_refused_outside_the_open_window_and_after_the_close(vw):
    ballot = vw.ballot(secret=False)
    with pytest.raises(adoption.VotingClosed):
        adoption.cast_vote(vw.voters[0], ballot, FOR, now=ballot.closes_at + timedelta(seconds=1))
    with pytest.raises(adoption.VotingClosed):
        adoption.cast_vote(vw.voters[0], ballot, FOR, now=ballot.opened_at - timedelta(minutes=1))
    adoption.close_ballot(vw.facilitator, ballot, vw.convention)
    with pytest.raises(adoption.VotingClosed):
        adoption.cast_vote(vw.voters[0], ballot, FOR)
    assert ballot.participants == 0


def test_only_members_vote(vw):
    ballot = vw.ballot(secret=False)
    for outsider in (vw.citizen, vw.facilitator, vw.staff):
        with pytest.raises(NotAllowed):
            adoption.cast_vote(outsider, ballot, FOR)
    with pytest.raises(InvalidInput):
        adoption.cast_vote(vw.voters[0], ballot, "maybe")
    assert adoption.recount(ballot) == {FOR: 0, AGAINST: 0, ABSTAIN: 0}


def test_only_submitted_recommendations_get_a_ballot_opened_by_their_facilitator_or_staff(vw):
    with pytest.raises(InvalidTransition):
        adoption.open_ballots(vw.staff, vw.convention, [vw.not_submitted], in_hours(2))
    with pytest.raises(NotAllowed):
        adoption.open_ballots(vw.members[0], vw.convention, [vw.recs[0]], in_hours(2))
    with pytest.raises(InvalidInput):
        adoption.open_ballots(vw.staff, vw.convention, [vw.recs[0]], in_hours(-1))
    vw.ballot()
    with pytest.raises(adoption.ConventionError):
        vw.ballot()  # one ballot per recommendation


def test_paper_totals_are_added_with_a_mark_and_audited(vw):
    ballot = vw.ballot(secret=True)
    cast(vw, ballot, [FOR, AGAINST])
    with pytest.raises(NotAllowed):
        adoption.record_paper(vw.facilitator, ballot, votes_for=1, votes_against=0, votes_abstain=0)
    adoption.record_paper(vw.staff, ballot, votes_for=3, votes_against=1, votes_abstain=0)
    result = vw.close(ballot, vw.staff)
    assert (result.votes_for, result.votes_against, result.participants, result.paper) == (
        4,
        2,
        6,
        4,
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "paper_votes_recorded"))
    assert entry.details["votes_for"] == 3 and entry.actor_id == vw.staff.id
    with pytest.raises(adoption.VotingClosed):
        adoption.record_paper(vw.staff, ballot, votes_for=9, votes_against=0, votes_abstain=0)


def test_the_sealed_export_recomputes_to_the_published_tally_and_digest(vw, tmp_path):
    ballot = vw.ballot(secret=False)
    cast(vw, ballot, [FOR, FOR, AGAINST, ABSTAIN, FOR])
    adoption.record_paper(vw.staff, ballot, votes_for=1, votes_against=0, votes_abstain=0)
    adoption.close_ballot(vw.staff, ballot, vw.convention)
    text = adoption.canonical_export(ballot)
    export = json.loads(text)
    assert verify_tally.verify(export) == []
    assert export["digest"] == ballot.digest and len(ballot.digest) == 64
    assert all(set(b) == {"member_id", "member", "choice"} for b in export["ballots"])
    # The digest does not depend on the order ballots are listed in.
    export["ballots"].reverse()
    assert verify_tally.verify(export) == []
    # A changed ballot is caught, by the tally and by the digest.
    export["ballots"][0]["choice"] = (
        "against" if export["ballots"][0]["choice"] != "against" else "for"
    )
    problems = verify_tally.verify(export)
    assert any(p.startswith("digest") for p in problems)
    assert any(p.startswith("tally") for p in problems)
    # The standalone script, with the standard library only, from the file alone.
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    script = PROJECT_ROOT / "convention" / "votes" / "verify_tally.py"
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("OK") and ballot.digest in done.stdout


def test_flask_verify_tally_checks_a_closed_ballot(vw, app):
    ballot = vw.ballot(secret=False)
    cast(vw, ballot, [FOR, AGAINST, FOR])
    adoption.close_ballot(vw.staff, ballot, vw.convention)
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["verify-tally", str(ballot.id)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("OK") and ballot.digest in result.output
    assert app.test_cli_runner().invoke(args=["verify-tally", "999999"]).exit_code != 0
