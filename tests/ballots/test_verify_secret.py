"""The public checker of a secret vote (verify_tally.py, format convention-secret-vote/1):
the export is assembled here as the platform publishes it, from the files the guarantors'
tool wrote; the checker runs from the unpacked download, then each way of tampering with the
published record is caught, by name."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from convention.ballots import encryption, packaging, records
from convention.ballots.group import G, P
from convention.votes import verify_tally
from tests.ballots.test_guarantor_tool import (
    BALLOT_ID,
    CEREMONY_ID,
    COUNTS,
    THRESHOLD,
    Played,
    load,
    played_once,
    write,
)

pytestmark = pytest.mark.no_db

HEADER = {
    "ballot_id": BALLOT_ID,
    "recommendation_id": 4,
    "secret": True,
    "eligible": 10,
    "quorum_percent": 50,
    "threshold_numerator": 1,
    "threshold_denominator": 2,
    "abstentions_count": False,
    "paper_for": 1,
    "paper_against": 0,
    "paper_abstain": 0,
}


def sealed(export: dict) -> dict:
    """The export with its digest recomputed, as a forger would leave it."""
    export = {k: v for k, v in export.items() if k != "digest"}
    return {**export, "digest": verify_tally.secret_digest(export)}


def secret_export(played: Played, guarantors: tuple[int, ...] = (1, 2)) -> dict:
    """What the platform publishes for the vote once the guarantors have decrypted it."""
    vote = played.packet["votes"][0]
    header = {
        **HEADER,
        "ceremony_id": CEREMONY_ID,
        "base_hash": vote["base_hash"],
        "joint_key": records.hx(played.joint),
    }
    ballots = sorted(vote["ballots"], key=lambda b: b["tracking_code"])
    return sealed(
        {
            "format": records.SECRET_VOTE,
            "header": header,
            "ceremony": {
                "ceremony_id": CEREMONY_ID,
                "base_hash": records.hx(played.base),
                "threshold": THRESHOLD,
                "keys": played.keys,
            },
            "roll": [{"member_id": n, "member": f"Membre {n}"} for n in range(1, len(ballots) + 1)],
            "ballots": ballots,
            "decryptions": [
                entry
                for g in guarantors
                for entry in played.decryptions[g]["votes"]
                if entry["statement"]["ballot_id"] == BALLOT_ID
            ],
            "tally": verify_tally.result(header, COUNTS, len(ballots)),
        }
    )


@pytest.fixture(scope="session")
def played(tmp_path_factory) -> Played:
    """The files of the guarantors' tool (tests/ballots/test_guarantor_tool.py)."""
    return played_once(tmp_path_factory)


@pytest.fixture
def export(played) -> dict:
    return json.loads(json.dumps(secret_export(played)))


def problems_of(export: dict) -> list[str]:
    problems = verify_tally.verify_secret(sealed(export))
    assert problems
    return problems


def check(checker: Path, folder: Path, *args: str) -> list[str]:
    """The checker run as anyone runs it, in its own process."""
    done = subprocess.run(
        [sys.executable, str(checker), "vote-12.json", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in done.stderr
    return done.stdout.splitlines()


def test_the_unpacked_checker_recounts_the_published_vote(played, tmp_path):
    with zipfile.ZipFile(io.BytesIO(packaging.checker_zip())) as archive:
        archive.extractall(tmp_path)
    published = write(tmp_path / "vote-12.json", secret_export(played))
    published = load(published)
    lines = check(tmp_path / "verifier-scrutin" / "verify_tally.py", tmp_path)
    assert (
        json.loads(lines[0])
        == published["tally"]
        == {
            "for": 3,  # two members' ballots and one on paper
            "against": 1,
            "abstain": 1,
            "participants": 5,
            "eligible": 10,
            "quorum_met": True,
            "adopted": True,
        }
    )
    assert lines[1:] == [f"digest {published['digest']}", "OK"]


def test_the_checker_of_a_checkout_compares_the_digest_obtained_elsewhere(played, tmp_path):
    published = load(write(tmp_path / "vote-12.json", secret_export(played)))
    lines = check(Path(verify_tally.__file__), tmp_path, "--expect", "0" * 64)
    assert lines[-2:] == [
        f"MISMATCH digest: expected {'0' * 64}, the file says {published['digest']}",
        "FAILED",
    ]


def test_the_export_verifies_and_its_tally_comes_from_the_decryptions(export):
    assert verify_tally.verify_secret(export) == []
    assert verify_tally.secret_tally(export) == export["tally"]


def test_a_changed_ciphertext_is_caught_by_its_tracking_code_or_its_proofs(export):
    line = export["ballots"][0]
    changed = json.loads(json.dumps(line))
    changed["selections"][0]["beta"] = records.hx(
        records.num(line["selections"][0]["beta"]) * G % P
    )
    export["ballots"][0] = changed
    assert f"ballot {line['tracking_code']}: the tracking code" in problems_of(export)[0]
    # Recomputing the tracking code does not help: the proofs no longer hold.
    ballot = records.ballot_from(line)
    alpha, beta = ballot.selections[0].alpha, ballot.selections[0].beta * G % P
    forged = replace(
        ballot, selections=(encryption.Ciphertext(alpha, beta), *ballot.selections[1:])
    )
    export["ballots"][0] = records.ballot_json(forged)
    export["ballots"].sort(key=lambda b: b["tracking_code"])
    problems = problems_of(export)
    assert (
        f"ballot {forged.tracking_code}: for: the proof that it encrypts 0 or 1 fails" in problems
    )
    assert any("guarantor 1: decrypted an encrypted tally other than" in p for p in problems)


def test_a_dropped_ballot_is_caught(export):
    del export["ballots"][1]
    problems = problems_of(export)
    assert "3 ballots for 4 members on the roll" in problems
    assert any("guarantor 2: decrypted an encrypted tally other than" in p for p in problems)


def test_a_valid_ballot_added_off_the_roll_is_caught(played, export):
    election = encryption.Election(played.joint, played.vote_base)
    export["ballots"].append(records.ballot_json(encryption.encrypt_choice(election, "for")))
    export["ballots"].sort(key=lambda b: b["tracking_code"])
    assert "5 ballots for 4 members on the roll" in problems_of(export)


def test_a_changed_tally_is_caught(export):
    export["tally"]["for"] = 2
    export["tally"]["against"] = 2
    problems = problems_of(export)
    assert problems == [
        "tally for: published 2, recomputed 3",
        "tally against: published 2, recomputed 1",
    ]


def test_a_forged_partial_decryption_is_caught_though_its_guarantor_signed_it(played, export):
    statement = export["decryptions"][0]["statement"]
    partial = statement["partials"][0]
    partial["value"] = records.hx(records.num(partial["value"]) * G % P)
    secret = load(played.folders[1] / "garant-1-secret.json")
    signature = records.sign(records.num(secret["coefficients"][0]), records.digest_of(statement))
    export["decryptions"][0]["signature"] = signature.as_json()
    problems = problems_of(export)
    assert "guarantor 1: partial decryption of 'for' not proven" in problems
    assert not any("signature" in p for p in problems)
    # Without it, one valid decryption remains: not enough to count.
    assert f"decryptions: 1 valid, {THRESHOLD} needed" in problems


def test_fewer_guarantors_than_the_threshold_count_nothing(played):
    export = secret_export(played, guarantors=(2,))
    assert verify_tally.verify_secret(export) == [f"decryptions: 1 valid, {THRESHOLD} needed"]
    with pytest.raises(ValueError, match="1 valid"):
        verify_tally.secret_tally(export)


def test_a_broken_signature_is_caught(export):
    signature = export["decryptions"][1]["signature"]
    signature["r"] = records.hx(records.num(signature["r"]) ^ 1)
    assert "guarantor 2: signature not valid" in problems_of(export)


def test_a_member_listed_twice_on_the_roll_is_caught(export):
    export["roll"][3] = {"member_id": 1, "member": "Membre 1"}
    assert problems_of(export) == ["member 1 is listed twice"]


def test_a_record_changed_without_its_digest_is_caught(export):
    export["roll"][3]["member"] = "Quelqu'un d'autre"
    problems = verify_tally.verify_secret(export)
    assert len(problems) == 1 and problems[0].startswith("digest: published")
