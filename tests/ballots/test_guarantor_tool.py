"""The guarantors' tool as each guarantor runs it: a separate process on their own computer
(here a folder each), from a checkout or from the downloaded garant.pyz, with the platform
played by the test in between (records' formats only)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from convention.ballots import ceremony, decryption, encryption, packaging, records
from convention.ballots.group import G, P, hash_to_q

pytestmark = pytest.mark.no_db

TOOL = Path(ceremony.__file__).with_name("guarantor.py")
GUARANTORS = {1: "Alice Martin", 2: "Bachir Haddad", 3: "Chloé Roux"}
THRESHOLD = 2
CEREMONY_ID = 5
BALLOT_ID = 12
CAST = ["for", "against", "for", "abstain"]
COUNTS = {"for": 2, "against": 1, "abstain": 1}
SMALL_VOTE = 13  # a second vote of the same close, with a single ballot


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def run(folder: Path, *args: object, pyz: Path | None = None) -> subprocess.CompletedProcess:
    """The tool in its own process, in the guarantor's folder."""
    program = [sys.executable, str(pyz)] if pyz else [sys.executable, str(TOOL)]
    return subprocess.run(
        [*program, *map(str, args)], cwd=folder, capture_output=True, text=True, timeout=300
    )


def refused(done: subprocess.CompletedProcess) -> str:
    """The refusal a guarantor reads: exit 1, one message, no traceback."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


@dataclass
class Played:
    """A ceremony of three guarantors (any two decrypt) and a close, as the files left on
    each guarantor's computer and uploaded to the platform."""

    folders: dict[int, Path]
    base: int
    keys: list[dict]
    joint: int
    vote_base: int
    packet: dict
    unfinished_secret: str  # guarantor 1's secret file before `finish`
    decryptions: dict[int, dict]
    decrypt_output: str


def invitation(index: int, base: int) -> dict:
    return {
        "format": records.CEREMONY,
        "convention": "montpellier",
        "convention_name": "Convention citoyenne de Montpellier",
        "ceremony_id": CEREMONY_ID,
        "base_hash": records.hx(base),
        "threshold": THRESHOLD,
        "guarantors": [{"index": i, "name": name} for i, name in GUARANTORS.items()],
        "index": index,
    }


def keys_file(base: int, keys: list[dict]) -> dict:
    return {
        "format": records.KEYS,
        "ceremony_id": CEREMONY_ID,
        "base_hash": records.hx(base),
        "threshold": THRESHOLD,
        "keys": keys,
    }


def packet_vote(ballot_id: int, title: str, base: int, joint: int, cast: list[str]) -> dict:
    vote_base = records.election_base_hash(base, ballot_id, joint)
    election = encryption.Election(joint, vote_base)
    ballots = sorted(
        (records.ballot_json(encryption.encrypt_choice(election, c)) for c in cast),
        key=lambda b: b["tracking_code"],
    )
    return {
        "ballot_id": ballot_id,
        "title": title,
        "base_hash": records.hx(vote_base),
        "voters": len(ballots),
        "ballots": ballots,
    }


def together(steps: dict[int, tuple], folders: dict[int, Path], tools: dict) -> dict[int, str]:
    """One step of the ceremony, each guarantor at once on their own computer."""
    running = {
        i: subprocess.Popen(
            [sys.executable, str(tools[i] or TOOL), *map(str, args)],
            cwd=folders[i],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, args in steps.items()
    }
    outputs = {}
    for i, process in running.items():
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stdout + stderr
        outputs[i] = stdout
    return outputs


def play(root: Path) -> Played:
    pyz = root / "garant.pyz"
    pyz.write_bytes(packaging.guarantor_tool())
    tools = {1: None, 2: pyz, 3: None}  # guarantor 2 uses the downloaded tool
    base = hash_to_q("convention-test", "ceremony", CEREMONY_ID)
    folders = {i: root / f"garant-{i}" for i in GUARANTORS}
    for i, folder in folders.items():
        folder.mkdir()
        write(folder / "ceremonie.json", invitation(i, base))
    together({i: ("keys", "ceremonie.json") for i in folders}, folders, tools)
    keys = [load(folders[i] / f"garant-{i}-cle.json") for i in GUARANTORS]
    for folder in folders.values():
        write(folder / "cles.json", keys_file(base, keys))
    secrets_ = {i: ("--secret", f"garant-{i}-secret.json") for i in folders}
    together({i: ("shares", "cles.json", *secrets_[i]) for i in folders}, folders, tools)
    sealed = [s for i in GUARANTORS for s in load(folders[i] / f"garant-{i}-parts.json")["shares"]]
    unfinished = (folders[1] / "garant-1-secret.json").read_text(encoding="utf-8")
    for i, folder in folders.items():
        mine = [s for s in sealed if s["recipient"] == i]
        write(folder / "parts-pour-moi.json", shares_for(base, keys, i, mine))
    together({i: ("finish", "parts-pour-moi.json", *secrets_[i]) for i in folders}, folders, tools)
    joint = ceremony.joint_key([records.key_from(k) for k in keys])
    packet = {
        "format": records.PACKET,
        "convention": "montpellier",
        "packet_id": "cloture-1",
        "created_at": "2026-12-03T18:00:00+00:00",
        "ceremony": {
            "ceremony_id": CEREMONY_ID,
            "base_hash": records.hx(base),
            "threshold": THRESHOLD,
            "joint_key": records.hx(joint),
            "keys": keys,
        },
        "votes": [
            packet_vote(BALLOT_ID, "Recommandation 4 : tramway gratuit", base, joint, CAST),
            packet_vote(SMALL_VOTE, "Recommandation 7 : jardins", base, joint, ["for"]),
        ],
    }
    for i in (1, 2):
        write(folders[i] / "paquet.json", packet)
    outputs = together(
        {i: ("decrypt", "paquet.json", *secrets_[i]) for i in (1, 2)}, folders, tools
    )
    return Played(
        folders,
        base,
        keys,
        joint,
        records.election_base_hash(base, BALLOT_ID, joint),
        packet,
        unfinished,
        {i: load(folders[i] / f"garant-{i}-depouillement-cloture-1.json") for i in (1, 2)},
        outputs[1],
    )


def shares_for(base: int, keys: list[dict], recipient: int, shares: list[dict]) -> dict:
    return {
        "format": records.SHARES_FOR,
        "ceremony_id": CEREMONY_ID,
        "base_hash": records.hx(base),
        "threshold": THRESHOLD,
        "recipient": recipient,
        "keys": keys,
        "shares": shares,
    }


_PLAYED: dict[str, Played] = {}


def played_once(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """The ceremony and close, played once per test session though two modules use them."""
    session = str(tmp_path_factory.getbasetemp())
    if session not in _PLAYED:
        _PLAYED[session] = play(tmp_path_factory.mktemp("ceremony"))
    return _PLAYED[session]


@pytest.fixture(scope="session")
def played(tmp_path_factory) -> Played:
    return played_once(tmp_path_factory)


def secret_copy(played: Played, index: int, folder: Path) -> Path:
    """A guarantor's secret file, copied where a refused command runs."""
    name = f"garant-{index}-secret.json"
    shutil.copy(played.folders[index] / name, folder / name)
    return folder / name


# --- the ceremony ------------------------------------------------------------------------------


def test_three_guarantors_make_one_key_that_two_of_them_can_use(played):
    for i, folder in played.folders.items():
        secret = load(folder / f"garant-{i}-secret.json")
        ready = load(folder / f"garant-{i}-pret.json")
        # Every guarantor arrived at the same joint key, and holds a share matching it.
        assert records.num(ready["joint_key"]) == played.joint == records.num(secret["joint_key"])
        publics = [records.key_from(k) for k in played.keys]
        assert records.num(ready["public_share"]) == ceremony.public_share(publics, i)
        statement = {k: ready[k] for k in ("ceremony_id", "index", "joint_key", "public_share")}
        assert records.signature_is_valid(
            publics[i - 1].key,
            records.digest_of(statement),
            records.signature_from(ready["signature"]),
        )


def test_the_secret_file_never_leaves_the_guarantors_computer(played):
    for i, folder in played.folders.items():
        secret_path = folder / f"garant-{i}-secret.json"
        assert secret_path.stat().st_mode & 0o077 == 0  # readable by its owner only
        secret = load(secret_path)
        hidden = [*secret["coefficients"], secret["share"]]
        uploads = [f"garant-{i}-cle.json", f"garant-{i}-parts.json", f"garant-{i}-pret.json"]
        if i in played.decryptions:
            uploads.append(f"garant-{i}-depouillement-cloture-1.json")
        for upload in uploads:
            text = (folder / upload).read_text(encoding="utf-8")
            assert records.SECRET not in text
            assert not any(value in text for value in hidden), upload


def test_keys_never_overwrites_a_secret_file(played, tmp_path):
    shutil.copy(played.folders[1] / "ceremonie.json", tmp_path)
    before = secret_copy(played, 1, tmp_path).read_bytes()
    message = refused(run(tmp_path, "keys", "ceremonie.json"))
    assert "garant-1-secret.json existe déjà" in message
    assert (tmp_path / "garant-1-secret.json").read_bytes() == before
    assert not (tmp_path / "garant-1-cle.json").exists()


def test_a_key_without_its_proofs_is_refused_naming_its_guarantor(played, tmp_path):
    secret_copy(played, 1, tmp_path)
    keys = json.loads(json.dumps(played.keys))
    keys[2]["commitments"][1] = records.hx(G)
    write(tmp_path / "cles.json", keys_file(played.base, keys))
    message = refused(run(tmp_path, "shares", "cles.json", "--secret", "garant-1-secret.json"))
    assert "La clé de garant·e n° 3" in message
    assert not (tmp_path / "garant-1-parts.json").exists()


def test_an_altered_share_stops_finish_and_names_its_sender(played, tmp_path):
    secret = secret_copy(played, 2, tmp_path)
    before = secret.read_bytes()
    shares = [
        s
        for i in (1, 3)
        for s in load(played.folders[i] / f"garant-{i}-parts.json")["shares"]
        if s["recipient"] == 2
    ]
    masked = shares[0]["masked"]  # the share itself, under its mask
    shares[0]["masked"] = masked[:-1] + ("0" if masked[-1] != "0" else "1")
    write(tmp_path / "parts.json", shares_for(played.base, played.keys, 2, shares))
    message = refused(run(tmp_path, "finish", "parts.json", "--secret", secret.name))
    assert "La part envoyée par garant·e n° 1 est invalide" in message
    assert "cérémonie soit recommencée" in message
    assert secret.read_bytes() == before
    assert not (tmp_path / "garant-2-pret.json").exists()


# --- the close ---------------------------------------------------------------------------------


def test_two_guarantors_decrypt_the_totals_and_nothing_else(played):
    assert "vérification de 4 bulletins… tous valides" in played.decrypt_output
    assert "vérification de 1 bulletin… valide" in played.decrypt_output
    assert "Recommandation 4 : tramway gratuit" in played.decrypt_output
    assert "seul le total" in played.decrypt_output
    assert "Attention" in played.decrypt_output  # the vote of a single ballot
    publics = [records.key_from(k) for k in played.keys]
    for upload in played.decryptions.values():
        assert upload["packet_digest"] == records.digest_of(played.packet)
        assert [v["statement"]["ballot_id"] for v in upload["votes"]] == [BALLOT_ID, SMALL_VOTE]
    # The platform's part: the two uploads combined give the count of each choice.
    statements = [upload["votes"][0]["statement"] for upload in played.decryptions.values()]
    tally = [records.ciphertext_from(c) for c in statements[0]["tally"]]
    counts = {}
    for position, choice in enumerate(encryption.CHOICES):
        partials = [records.partial_from(s["partials"][position]) for s in statements]
        assert all(
            decryption.check_partial(
                played.vote_base,
                p,
                tally[position],
                ceremony.public_share(publics, p.guarantor),
            )
            for p in partials
        )
        counts[choice] = decryption.combine(partials, tally[position], THRESHOLD, len(CAST))
    assert counts == COUNTS


def refused_packet(played: Played, folder: Path, packet: dict) -> str:
    secret_copy(played, 1, folder)
    write(folder / "paquet.json", packet)
    message = refused(run(folder, "decrypt", "paquet.json", "--secret", "garant-1-secret.json"))
    assert not list(folder.glob("*depouillement*"))
    return message


def test_a_packet_under_another_key_is_refused(played, tmp_path):
    packet = json.loads(json.dumps(played.packet))
    packet["ceremony"]["joint_key"] = records.hx(played.joint * G % P)
    assert "n'utilise pas la clé commune" in refused_packet(played, tmp_path, packet)


def test_a_ballot_that_is_not_one_choice_is_refused_by_its_tracking_code(played, tmp_path):
    # What a server would send to have a guarantor open more than a tally.
    packet = json.loads(json.dumps(played.packet))
    election = encryption.Election(played.joint, played.vote_base)
    forged = records.ballot_json(encryption.encrypt_messages(election, (2, 0, -1)))
    packet["votes"][0]["ballots"][3] = forged
    message = refused_packet(played, tmp_path, packet)
    assert f"le bulletin {forged['tracking_code']} n'est pas valide" in message


def test_a_vote_with_more_ballots_than_voters_is_refused(played, tmp_path):
    packet = json.loads(json.dumps(played.packet))
    packet["votes"][0]["voters"] = len(CAST) - 1
    message = refused_packet(played, tmp_path, packet)
    assert f"annonce {len(CAST) - 1} votants mais contient {len(CAST)} bulletins" in message


def test_a_vote_already_decrypted_is_not_decrypted_again_with_other_ballots(played, tmp_path):
    # The difference of two totals would be the ballots left out.
    shutil.copy(played.folders[1] / "garant-1-journal.json", tmp_path)
    packet = json.loads(json.dumps(played.packet))
    vote = packet["votes"][0]
    vote["ballots"], vote["voters"] = vote["ballots"][1:], vote["voters"] - 1
    packet["packet_id"] = "cloture-2"
    message = refused_packet(played, tmp_path, packet)
    assert "Vous avez déjà déchiffré le vote « Recommandation 4 : tramway gratuit »" in message


def test_decrypt_before_the_ceremony_is_finished_is_refused(played, tmp_path):
    (tmp_path / "garant-1-secret.json").write_text(played.unfinished_secret, encoding="utf-8")
    write(tmp_path / "paquet.json", played.packet)
    message = refused(run(tmp_path, "decrypt", "paquet.json", "--secret", "garant-1-secret.json"))
    assert "terminez d'abord la cérémonie" in message


# --- the command line --------------------------------------------------------------------------


def test_the_usage_lists_the_four_steps_in_order(tmp_path):
    done = run(tmp_path)
    assert done.returncode == 2
    steps = [done.stdout.index(f"  {c} ") for c in ("keys", "shares", "finish", "decrypt")]
    assert steps == sorted(steps)
    done = run(tmp_path, "shares", "cles.json")
    assert done.returncode == 2 and "a besoin de --secret" in done.stderr


def test_a_file_that_is_not_the_expected_one_is_refused_plainly(played, tmp_path):
    (tmp_path / "photo.json").write_bytes(b"\x89PNG\r\n")
    assert "n'est pas un fichier JSON" in refused(run(tmp_path, "keys", "photo.json"))
    shutil.copy(played.folders[1] / "garant-1-cle.json", tmp_path)
    message = refused(run(tmp_path, "keys", "garant-1-cle.json"))
    assert "n'est pas l'invitation à la cérémonie des clés" in message
    assert "introuvable" in refused(run(tmp_path, "keys", "absent.json"))


def test_the_downloads_are_the_same_bytes_from_one_build_to_the_next():
    tool = packaging.guarantor_tool()
    assert tool == packaging.guarantor_tool() and tool.startswith(b"#!/usr/bin/env python3\n")
    with zipfile.ZipFile(io.BytesIO(tool)) as archive:
        names = archive.namelist()
        assert {info.date_time for info in archive.infolist()} == {packaging.STAMP}
    assert names[0] == "__main__.py" and "ballots/guarantor.py" in names
    assert "ballots/records.py" in names
    with zipfile.ZipFile(io.BytesIO(packaging.checker_zip())) as archive:
        names = archive.namelist()
    assert "verifier-scrutin/verify_tally.py" in names
    assert "verifier-scrutin/ballots/encryption.py" in names
    assert ("verifier-scrutin/verify_ledger.py" in names) == packaging.LEDGER_CHECKER.is_file()
