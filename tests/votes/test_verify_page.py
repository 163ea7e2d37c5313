"""« Vérifier un scrutin »: anyone recomputes a sealed ballot from its export on the site, or
at home with the scripts the page hands out."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from convention.extensions import db
from convention.votes import adoption, verify_tally
from tests.factories import build_vote_world
from tests.pages import visible_text


def _closed_ballot(secret=False):
    vw = build_vote_world(n_recs=1)
    ballot = vw.ballot(secret=secret)
    for voter in vw.voters:
        adoption.cast_vote(voter, ballot, adoption.Choice.FOR)
    vw.close(ballot)
    db.session.commit()
    return ballot


def _upload(client, data: bytes):
    return client.post(
        "/c/test/votes/verifier",
        data={"export": (io.BytesIO(data), "export.json")},
        content_type="multipart/form-data",
    ).text


def test_a_sealed_ballot_is_recounted_on_the_site_and_at_home(client, tmp_path):
    ballot = _closed_ballot()
    page = client.get(f"/c/test/votes/scrutins/{ballot.id}").text
    assert "LISEZ-MOI" not in page and 'href="/c/test/votes/verifier"' in page
    export = client.get(f"/c/test/votes/scrutins/{ballot.id}/export.json").data

    first = visible_text(_upload(client, export))
    assert "ce scrutin n'a pas été modifié depuis sa clôture" in first, first[-600:]
    # One ballot changed after the close: the recount and the seal both say so.
    tampered = json.loads(export)
    tampered["ballots"][0]["choice"] = "against"
    page = _upload(client, json.dumps(tampered).encode())
    assert "Le recomptage ne donne pas ce qui est publié" in page and "digest" in page
    assert "n&#39;est pas un export" in _upload(client, b"pas du json")

    # The scripts the page hands out say the same with Python's standard library alone.
    bundle = client.get("/c/test/votes/verifier-scrutin.zip")
    zipfile.ZipFile(io.BytesIO(bundle.data)).extractall(tmp_path)
    (tmp_path / "export.json").write_bytes(export)
    done = subprocess.run(
        [sys.executable, "-I", "verifier-scrutin/verify_tally.py", "export.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("OK"), done.stdout + done.stderr


def test_a_secret_ballot_is_checked_on_the_site_proof_by_proof(client):
    ballot = _closed_ballot(secret=True)
    export = client.get(f"/c/test/votes/scrutins/{ballot.id}/export.json").data
    assert "ce scrutin n'a pas été modifié depuis sa clôture" in visible_text(
        _upload(client, export)
    )
    tampered = json.loads(export)
    tampered["tally"]["against"] = 1
    page = visible_text(_upload(client, json.dumps(tampered).encode()))
    assert "Le recomptage ne donne pas ce qui est publié" in page and "tally against" in page


def _check(tmp_path, export: dict, *options: str) -> subprocess.CompletedProcess:
    """The public checker, run as a resident runs it: Python alone, on the file."""
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    script = Path(verify_tally.__file__)
    return subprocess.run(
        [sys.executable, "-I", str(script), "export.json", *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )


def test_the_checker_compares_with_a_digest_from_elsewhere(client, tmp_path):
    ballot = _closed_ballot()
    export = json.loads(client.get(f"/c/test/votes/scrutins/{ballot.id}/export.json").data)
    assert _check(tmp_path, export, "--expect", export["digest"].upper()).returncode == 0
    # A vote reopened, a ballot changed and the file resealed: the file agrees with itself,
    # not with the digest printed before.
    changed = [{**export["ballots"][0], "choice": "against"}, *export["ballots"][1:]]
    resealed = {**export, "ballots": changed}
    resealed["tally"] = verify_tally.recount(resealed["header"], resealed["ballots"])
    resealed["digest"] = verify_tally.digest(resealed["header"], resealed["ballots"])
    assert _check(tmp_path, resealed).returncode == 0
    refused = _check(tmp_path, resealed, "--expect", export["digest"])
    assert refused.returncode == 1 and "MISMATCH digest: expected" in refused.stdout
    assert _check(tmp_path, export, "--expect").returncode == 2


def test_the_checker_refuses_a_ballot_listed_twice_and_more_voters_than_members(client, tmp_path):
    ballot = _closed_ballot()
    export = json.loads(client.get(f"/c/test/votes/scrutins/{ballot.id}/export.json").data)
    header, ballots = export["header"], export["ballots"]
    key = "id" if header["secret"] else "member_id"
    twice = [*ballots, dict(ballots[0])]
    assert f"{'ballot' if key == 'id' else 'member'} {ballots[0][key]!r} is listed twice" in (
        verify_tally.roll_problems(header, twice)
    )
    crowded = [{key: 10_000 + n, "choice": "for"} for n in range(header["eligible"] + 1)]
    forged = {**export, "ballots": crowded}
    forged["tally"] = verify_tally.recount(header, crowded)
    forged["digest"] = verify_tally.digest(header, crowded)
    done = _check(tmp_path, forged)
    assert done.returncode == 1
    assert f"{header['eligible'] + 1} voters for {header['eligible']} members" in done.stdout
