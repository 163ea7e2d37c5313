"""The public ledger: every public event is appended, chained to the one before it, published
as a page and as JSON; the standalone checker finds an edited, deleted, moved or rewritten
entry and a forged guarantor's signature; on PostgreSQL the database refuses the rewrite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from convention.ballots import ceremony, records
from convention.config import PROJECT_ROOT
from convention.extensions import db
from convention.ledger import services as ledger
from convention.ledger import verify_ledger
from convention.ledger.commands import ledger as ledger_command
from convention.ledger.models import Pseudonym
from convention.publication import services as publication
from convention.recruitment import invitations, replacements
from convention.recruitment import services as recruitment
from convention.votes import consultation, rules
from tests import factories
from tests.pages import visible_text
from tests.publication.conftest import adopted  # noqa: F401  (the fixture)
from tests.recruitment.test_recruitment import QUOTAS, pool_csv

SCRIPT = PROJECT_ROOT / "convention" / "ledger" / "verify_ledger.py"
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="the trigger is PostgreSQL's")
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="PostgreSQL refuses the edit itself")


def published() -> dict:
    db.session.expire_all()
    return ledger.as_json()


def latest(kind: str) -> dict:
    return next(e for e in reversed(published()["entries"]) if e["kind"] == kind)


def check(data: dict, tmp_path: Path, *extra: str, script: Path = SCRIPT):
    """The checker run as anyone runs it: a separate Python, isolated, from another folder."""
    path = tmp_path / "registre.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(path), *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    return done.returncode, done.stdout


def rehashed(entries: list[dict], start: int = 0) -> list[dict]:
    """The chain recomputed from `start` on, as someone holding the server could."""
    previous = entries[start - 1]["entry_hash"] if start else verify_ledger.GENESIS
    for entry in entries[start:]:
        entry["previous_hash"] = previous
        entry["entry_hash"] = verify_ledger.hash_of(previous, verify_ledger.sealed_text(entry))
        previous = entry["entry_hash"]
    return entries


def with_entries(entries: list[dict]) -> dict:
    return {
        "format": verify_ledger.FORMAT,
        "entries": entries,
        "head": verify_ledger.head_of(entries),
    }


@pytest.fixture
def chain():
    """A few events of two conventions."""
    for n in range(5):
        ledger.append("rules_set", {"quorum_percent": 50 + n}, convention_slug="une")
    ledger.append("report_published", {"edition": 1, "sha256": "ab" * 32}, convention_slug="deux")
    return published()


# --- the chain ---------------------------------------------------------------------------


def test_each_entry_seals_its_facts_and_the_entry_before_it(chain):
    entries = chain["entries"]
    assert entries[0]["previous_hash"] == verify_ledger.GENESIS
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry["previous_hash"] == before["entry_hash"]
    assert entries[-1]["body"] == {"edition": 1, "sha256": "ab" * 32}
    assert entries[-1]["convention"] == "deux"
    assert chain["head"] == entries[-1]["entry_hash"]
    assert verify_ledger.verify_file(chain) == []


def test_a_body_is_kept_as_the_file_publishes_it():
    when = factories.in_hours(2)
    entry = ledger.append("consultation_opened", {"closes_at": when}, convention_slug="une")
    assert json.loads(entry.body) == {"closes_at": when.isoformat()}
    with pytest.raises(TypeError):
        ledger.append("rules_set", {"what": object()}, convention_slug="une")


def test_flask_ledger_verify_says_the_ledger_is_intact(chain, runner):
    result = runner.invoke(ledger_command, ["verify"])
    assert result.exit_code == 0
    assert result.output == f"Registre intact : 6 entrées, tête {chain['head']}.\n"


@sqlite_only
def test_an_entry_edited_in_the_database_is_found(chain, runner):
    edited = chain["entries"][2]
    db.session.execute(
        text("UPDATE ledger_entry SET body = :body WHERE id = :id"),
        {"body": '{"quorum_percent":10}', "id": edited["id"]},
    )
    result = runner.invoke(ledger_command, ["verify"])
    assert result.exit_code == 1
    assert f"entry {edited['id']}: its hash does not match its content" in result.output


@postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entry SET body = '{}' WHERE id = :id",
        "UPDATE ledger_entry SET created_at = created_at - interval '1 day' WHERE id = :id",
        "DELETE FROM ledger_entry WHERE id = :id",
        "TRUNCATE ledger_entry",
    ],
)
def test_postgresql_refuses_to_rewrite_the_ledger(chain, statement):
    entry = chain["entries"][-1]
    with (
        pytest.raises(DBAPIError, match="the public ledger is append-only"),
        db.session.begin_nested(),
    ):
        db.session.execute(text(statement), {"id": entry["id"]})
    assert verify_ledger.verify_file(published()) == []


@postgresql_only
@pytest.mark.no_db
def test_simultaneous_appends_never_fork_the_chain(committed_app):
    people = 20
    barrier = threading.Barrier(people)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            with committed_app.app_context():
                ledger.append("rules_set", {"quorum_percent": n}, convention_slug="ensemble")
                db.session.commit()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with committed_app.app_context():
        chained = ledger.as_json()
        assert len([e for e in chained["entries"] if e["convention"] == "ensemble"]) == people
        assert verify_ledger.verify_file(chained) == []


# --- what the events record --------------------------------------------------------------


def test_rules_consultation_opened_and_closed_are_recorded():
    world = factories.build_vote_world()
    opened = world.to_consultation(adopted_count=2)
    rules_entry = latest("rules_set")
    assert rules_entry["convention"] == "test"
    assert rules_entry["body"] == {
        "quorum_percent": 50,
        "threshold": "1/2",
        "abstentions_count": False,
        "secret": False,
        "ungraded_as_reject": True,
        "results_hidden_until_close": True,
        "staff_may_judge": False,
    }
    assert latest("consultation_opened")["body"]["consultation_id"] == opened.id
    consultation.close_consultation(world.staff, opened)
    closed = latest("consultation_closed")
    assert closed["convention"] == "test"
    assert closed["body"]["digest"] == opened.digest
    assert closed["body"]["recommendation_ids"] == [r.id for r in world.recs[:2]]
    assert verify_ledger.verify_file(published()) == []


def test_changed_rules_are_a_new_entry():
    world = factories.build_world()
    before = len(published()["entries"])
    rules.update_rules(
        world.staff,
        world.convention,
        quorum_percent=60,
        threshold="2/3",
        abstentions_count=True,
        secret=True,
        ungraded_as_reject=False,
        results_hidden_until_close=False,
    )
    entries = published()["entries"]
    assert len(entries) == before + 1
    assert entries[-1]["body"]["threshold"] == "2/3"


def test_the_draw_records_the_list_the_seed_and_the_panel():
    world = factories.build_world()
    run = recruitment.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=50
    )
    recruitment.compute(str(run.id))
    invited = recruitment.draw(world.staff, run, "42")
    entry = latest("draw_published")
    assert entry["convention"] == "test"
    assert entry["body"] == {
        "run_id": run.id,
        "round": 0,
        "list_sha256": run.list_sha256,
        "seed": run.seed,
        "index": run.drawn_index,
        "panel": [i.pseudonym for i in invited],
    }


def test_a_replacement_draw_records_its_round_and_substitutes():
    world = factories.build_world()
    run = recruitment.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=50
    )
    recruitment.compute(str(run.id))
    invitations.decline_by_link(recruitment.draw(world.staff, run, "42")[0])
    substitutes = replacements.replace(world.staff, run, "1 2 3")
    entry = latest("draw_published")
    assert entry["body"]["round"] == 1 and entry["body"]["seed"] == "1 2 3"
    assert entry["body"]["panel"] == [i.pseudonym for i in substitutes]
    assert entry["body"]["list_sha256"] == run.replacements[0].list_sha256


def test_a_report_edition_records_its_digest(adopted):  # noqa: F811  (the fixture)
    edition = publication.publish_report(adopted.staff, adopted.convention)
    entry = latest("report_published")
    assert entry["body"] == {"edition": edition.number, "sha256": edition.sha256}


# --- pseudonyms --------------------------------------------------------------------------


def test_pseudonyms_are_given_once_and_outlive_the_account():
    world = factories.build_world()
    people = [m.id for m in world.members]
    first = ledger.pseudonyms(world.convention.id, people)
    assert set(first) == set(people)
    assert len(set(first.values())) == len(people)
    assert ledger.pseudonyms(world.convention.id, people[:2] + people) == first
    other = factories.convention(slug="autre")
    assert set(ledger.pseudonyms(other.id, people[:1]).values()).isdisjoint(first.values())
    db.session.execute(text("DELETE FROM user_account WHERE id = :id"), {"id": people[0]})
    db.session.expire_all()
    kept = db.session.scalar(select(Pseudonym).where(Pseudonym.code == first[people[0]]))
    assert kept is not None and kept.user_id is None


# --- the pages ---------------------------------------------------------------------------


def test_the_page_tells_each_event_newest_first(client, chain):
    page = client.get("/registre").text
    assert "<h1>Registre public</h1>" in page
    text_of_page = visible_text(page)
    assert text_of_page.index("Édition n°") < text_of_page.index("quorum de 54")
    assert chain["head"] in page
    assert "python verify_ledger.py registre.json --head" in page
    # The link to the previous entry, and the footer's link to the page.
    previous = chain["entries"][-2]["id"]
    assert f'href="/registre/{previous}"' in page
    assert 'href="/registre" aria-current="page"' in page


def test_the_page_filters_by_convention(client, chain):
    page = client.get("/registre?convention=deux").text
    assert "Édition n°" in page and "quorum de" not in page
    assert "quorum de" in client.get("/registre?convention=inconnue").text


def test_the_page_in_english(client, chain):
    client.get("/langue/en")
    page = client.get("/registre").text
    assert '<html lang="en">' in page
    assert "Public ledger" in page
    assert "Report edition no. 1 published" in visible_text(page)
    entry = client.get(f"/registre/{chain['entries'][0]['id']}").text
    assert "first entry" in entry


def test_one_entry_shows_its_whole_body_and_hashes(client, chain):
    entry = chain["entries"][-1]
    page = client.get(f"/registre/{entry['id']}").text
    assert entry["entry_hash"] in page and entry["previous_hash"] in page
    assert "&#34;sha256&#34;" in page or '"sha256"' in page
    assert client.get("/registre/999999").status_code == 404


def test_the_json_export_is_the_chain(client, chain):
    response = client.get("/registre.json")
    assert response.mimetype == "application/json"
    assert response.json == chain


# --- the standalone checker --------------------------------------------------------------


def test_the_checker_says_ok_and_names_the_head(chain, tmp_path):
    code, output = check(chain, tmp_path, "--head", chain["entries"][2]["entry_hash"])
    assert code == 0, output
    assert output.splitlines()[-3:] == ["entries 6", f"head {chain['head']}", "OK"]


def test_the_checker_runs_from_its_zip_layout(chain, tmp_path):
    folder = tmp_path / "verifier-scrutin"
    folder.mkdir()
    shutil.copy(SCRIPT, folder)
    shutil.copytree(PROJECT_ROOT / "convention" / "ballots", folder / "ballots")
    code, output = check(chain, tmp_path, script=folder / "verify_ledger.py")
    assert (code, output.splitlines()[-1]) == (0, "OK")


def test_an_edited_body_is_found(chain, tmp_path):
    chain["entries"][1]["body"]["quorum_percent"] = 99
    code, output = check(chain, tmp_path)
    assert code == 1
    assert f"MISMATCH entry {chain['entries'][1]['id']}: its hash does not match" in output
    assert output.endswith("FAILED\n")


def test_a_deleted_entry_is_found(chain, tmp_path):
    gone = chain["entries"].pop(2)
    code, output = check(with_entries(chain["entries"]), tmp_path)
    assert code == 1
    before, after = chain["entries"][1]["id"], chain["entries"][2]["id"]
    assert before < gone["id"] < after
    assert f"MISMATCH entry {after}: an entry is missing between {before} and {after}" in output


def test_a_moved_entry_is_found(chain, tmp_path):
    entries = chain["entries"]
    entries[1], entries[2] = entries[2], entries[1]
    code, output = check(with_entries(entries), tmp_path)
    assert code == 1 and "chained to a hash that is not" in output


def test_a_rewritten_chain_is_found_by_a_head_kept_from_before(chain, tmp_path):
    kept = chain["entries"][3]["entry_hash"]
    earlier = chain["entries"][1]["entry_hash"]
    entries = chain["entries"]
    entries[2]["body"]["quorum_percent"] = 10
    rewritten = with_entries(rehashed(entries, 2))
    # The rewritten chain holds together: only a head kept elsewhere tells.
    assert check(rewritten, tmp_path)[0] == 0
    code, output = check(rewritten, tmp_path, "--head", kept)
    assert code == 1
    assert f"MISMATCH head {kept}: not an entry of this ledger" in output
    assert check(rewritten, tmp_path, "--head", earlier)[0] == 0


def test_a_file_whose_head_is_not_its_last_entry_is_refused(chain, tmp_path):
    chain["entries"].pop()
    code, output = check(chain, tmp_path)
    assert code == 1 and "MISMATCH head: the file says" in output


def test_the_checker_is_called_rightly_or_says_how(tmp_path):
    done = subprocess.run(
        [sys.executable, "-I", str(SCRIPT)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "usage" in done.stderr


# --- the guarantors' signatures ----------------------------------------------------------


@pytest.fixture
def guarantors():
    """Three guarantors' keys, as their tool makes them, and the ceremony's ledger entry."""
    secrets, publics = zip(*(ceremony.new_guarantor(7, i, 2) for i in (1, 2, 3)), strict=True)
    ledger.append(
        verify_ledger.CEREMONY,
        {
            "ceremony_id": 1,
            "threshold": 2,
            "joint_key": records.hx(ceremony.joint_key(list(publics))),
            "guarantors": [
                {"index": p.index, "key": records.hx(p.commitments[0])} for p in publics
            ],
        },
        convention_slug="une",
    )
    return {s.index: s.coefficients[0] for s in secrets}


def closing(signers: dict[int, int], *, forged: int | None = None, convention="une") -> None:
    """A ballot's close signed by `signers` (guarantor → secret); `forged` signs with a key
    that is not theirs."""
    signatures = []
    for index, secret in signers.items():
        statement = records.digest_of({"ballot_id": 4, "guarantor": index})
        key = secret if index != forged else secret + 1
        signatures.append(
            {
                "guarantor": index,
                "statement_digest": statement,
                "signature": records.sign(key, statement).as_json(),
            }
        )
    ledger.append(
        "ballot_closed",
        {"ballot_id": 4, "digest": "cd" * 32, "signatures": signatures},
        convention_slug=convention,
    )


def test_signed_closings_check(guarantors, tmp_path):
    closing({1: guarantors[1], 3: guarantors[3]})
    code, output = check(published(), tmp_path)
    assert (code, output.splitlines()[-1]) == (0, "OK")


def test_a_forged_signature_is_found(guarantors, tmp_path):
    closing({1: guarantors[1], 2: guarantors[2]}, forged=2)
    entry = published()["entries"][-1]
    code, output = check(published(), tmp_path)
    assert code == 1
    assert output.splitlines()[0] == (
        f"MISMATCH entry {entry['id']}: the signature of guarantor 2 is not valid"
    )


def test_a_signature_needs_the_guarantors_key_from_an_earlier_ceremony(guarantors, tmp_path):
    closing({1: guarantors[1], 9: guarantors[2]})
    closing({1: guarantors[1]}, convention="deux")
    problems = verify_ledger.verify_file(published())
    ids = [e["id"] for e in published()["entries"][-2:]]
    assert problems == [
        f"entry {ids[0]}: signed by guarantor 9, who has no key in the ceremony",
        f"entry {ids[1]}: signed, but no key ceremony of its convention comes before it",
    ]


def test_a_closing_entry_reads_as_a_sentence(client, guarantors):
    closing({1: guarantors[1], 3: guarantors[3]})
    page = visible_text(client.get("/registre").text)
    assert "Vote n° 4 clos, sceau cdcdcdcdcdcd" in page
    assert "Signé par 2 garant·es." in page
    assert "Cérémonie des clés terminée" in page
