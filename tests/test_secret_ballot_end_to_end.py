"""A secret vote from end to end, as the people in it do it: the application serves real HTTP
from a process of its own, the guarantors run the tool they download (`garant.pyz`) as
separate processes in folders of their own, and anyone checks the result with the checker
they download. Then the files are tampered with, and the database is, as someone holding the
server would: each change is caught by the checkers.

The journey: staff start a key ceremony of 5 guarantors, any 3 of whom decrypt; each runs
the tool's three steps on the files of the page and sends back what it made; the facilitator
opens the ballot; 40 of the 41 members vote (secret, confirmed, each given a tracking code);
the facilitator closes it; guarantors 1, 3 and 5 decrypt the packet with the tool; the
export, the public ledger and the checker's zip are downloaded, and both checkers print OK.

The server is the application of `make_test_app` (cheap Argon2 parameters: with production
ones each of the 46 sign-ins would cost a second and a half) with CSRF protection on, as in
production, on a SQLite file, where no trigger stops the reopening attack at the end (on
PostgreSQL the database refuses it: `tests/votes/test_sealed_exports.py`). It costs some two
minutes of processor time, most of it the proofs checked by the tool (3 times) and by the
checker (6 times) in pure Python, without gmpy2.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from convention.assembly import services as assembly
from convention.assembly.models import Convention
from convention.auth.models import Role, User
from convention.ballots import records
from convention.ballots.encryption import Election, encrypt_choice
from convention.ballots.group import G, P
from convention.clock import utcnow
from convention.config import PROJECT_ROOT
from convention.extensions import db
from convention.ledger import services as ledger
from convention.ledger import verify_ledger
from convention.proposals.models import Choice, Status
from convention.votes import adoption, counting, verify_tally
from convention.votes.forms import PARIS
from convention.votes.models import AdoptionBallot
from tests import factories
from tests.conftest import MIGRATIONS, make_test_app
from tests.pages import csrf_token, visible_text

SLUG = "bout-en-bout"
GUARANTORS, THRESHOLD, DECRYPTING = 5, 3, (1, 3, 5)
VOTERS = 40  # of 41 members: the last one is the vote an attacker adds at the end
CHOICES = [Choice.FOR] * 22 + [Choice.AGAINST] * 13 + [Choice.ABSTAIN] * 5
TRACKING_CODE = re.compile(r"\b[0-9A-F]{64}\b")
SECRET = "garant-*-secret.json"  # each guarantor's secret file, in their own folder only

# The application served as in production (one process, threads), on its own port.
SERVER = """
import sys
from werkzeug.serving import make_server
from tests.conftest import make_test_app

app = make_test_app(sys.argv[1], int(sys.argv[2]), TESTING=False, WTF_CSRF_ENABLED=True)
make_server("127.0.0.1", int(sys.argv[3]), app, threaded=True).serve_forever()
"""


@dataclass
class Page:
    status: int
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Visitor:
    """Someone with a browser: their cookies kept, redirects followed, forms sent with the
    CSRF token of the page they are on."""

    def __init__(self, site: str):
        self.site = site
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, body: bytes | None = None, kind: str | None = None) -> Page:
        request = urllib.request.Request(self.site + path, data=body)
        if kind:
            request.add_header("Content-Type", kind)
        try:
            with self.opener.open(request, timeout=120) as response:
                return Page(response.status, response.read(), response.url)
        except urllib.error.HTTPError as error:
            return Page(error.code, error.read(), error.url)

    def get(self, path: str) -> Page:
        page = self.open(path)
        assert page.status == 200, f"GET {path}: {page.status} {page.body[:300]!r}"
        return page

    def send(
        self,
        page: Page,
        action: str,
        fields: list[tuple[str, str]],
        upload: Path | None = None,
    ) -> Page:
        """Submit a form of `page` (its CSRF token included), with a file if told."""
        fields = [("csrf_token", csrf_token(page.text)), *fields]
        boundary = uuid.uuid4().hex
        heading = f"--{boundary}\r\nContent-Disposition: form-data; "
        parts = [f'{heading}name="{name}"\r\n\r\n{value}\r\n'.encode() for name, value in fields]
        if upload is not None:
            parts.append(
                f'{heading}name="file"; filename="{upload.name}"\r\n'.encode()
                + b"Content-Type: application/json\r\n\r\n"
                + upload.read_bytes()
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        answer = self.open(action, body, f"multipart/form-data; boundary={boundary}")
        assert answer.status == 200, f"POST {action}: {answer.status} {answer.body[:500]!r}"
        return answer

    def sign_in(self, email: str) -> None:
        page = self.send(
            self.get("/connexion"),
            "/connexion",
            [("email", email), ("password", factories.PASSWORD)],
        )
        assert "Vous êtes connecté·e." in page.text


@dataclass
class Guarantor:
    """A guarantor at their own computer: their browser and their folder."""

    visitor: Visitor
    folder: Path

    def tool(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-I", "garant.pyz", *args],
            capture_output=True,
            text=True,
            cwd=self.folder,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def save(self, page: Page, name: str) -> Path:
        path = self.folder / name
        path.write_bytes(page.body)
        return path

    def made(self, pattern: str) -> Path:
        (found,) = self.folder.glob(pattern)
        return found


@dataclass
class Journey:
    site: str
    app: object
    ballot_id: int
    truth: Counter
    codes: list[str]
    late_member_email: str
    files: dict[str, Path] = field(default_factory=dict)

    def page(self, path: str) -> str:
        return f"/c/{SLUG}{path}"


def check(script: Path, *args: str | Path) -> tuple[int, str]:
    """A checker run as anyone runs it: a separate, isolated Python, from its own folder."""
    done = subprocess.run(
        [sys.executable, "-I", str(script), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=script.parent,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


def seed(app) -> dict:
    """The convention in its members' vote with one submitted recommendation, its 41
    members and 5 guarantors, made in the database before the server starts."""
    with app.app_context():
        factories.forget_conventions()
        world = factories.build_vote_world(n_recs=1, slug=SLUG)
        members = list(world.voters)
        while len(members) < VOTERS + 1:
            member = factories.user(Role.MEMBER, first_name=f"Membre{len(members)}")
            assembly.add_member(world.staff, world.group, member)
            members.append(member)
        guarantors = [
            factories.user(Role.GUARANTOR, name=f"Garant·e {i}") for i in range(1, GUARANTORS + 1)
        ]
        db.session.commit()
        seeded = {
            "staff": world.staff.email,
            "facilitator": world.facilitator.email,
            "members": [m.email for m in members],
            "guarantors": [(g.id, g.email) for g in guarantors],
            "recommendation": world.recs[0].id,
        }
        db.session.remove()
    return seeded


def serve(database: str, smtp_port: int, log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, database, str(smtp_port), str(port)],
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    site = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while server.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(site + "/registre.json", timeout=5):
                return server, site
        except OSError:
            time.sleep(0.2)
    server.kill()
    server.wait()
    raise AssertionError("the server did not start:\n" + log.read_text()[-3000:])


def key_ceremony(site: str, seeded: dict, folder: Path) -> list[Guarantor]:
    staff = Visitor(site)
    staff.sign_in(seeded["staff"])
    started = staff.send(
        staff.get(f"/c/{SLUG}/garants/"),
        f"/c/{SLUG}/garants/ceremonie",
        [("guarantors", str(i)) for i, _ in seeded["guarantors"]] + [("threshold", str(THRESHOLD))],
    )
    assert "La cérémonie des clés est lancée" in started.text
    guarantors = []
    for at, (_, email) in enumerate(seeded["guarantors"], start=1):
        person = Guarantor(Visitor(site), folder / f"garant-{at}")
        person.folder.mkdir()
        person.visitor.sign_in(email)
        person.save(person.visitor.get(f"/c/{SLUG}/garants/garant.pyz"), "garant.pyz")
        guarantors.append(person)
    home = guarantors[0].visitor.get(f"/c/{SLUG}/garants/").text
    ceremony = re.search(r"/garants/ceremonie/(\d+)/ceremonie\.json", home).group(1)
    steps = [
        ("ceremonie", "keys", "garant-*-cle.json", "Votre clé publique est enregistrée."),
        ("cles", "shares", "garant-*-parts.json", "Vos parts scellées sont enregistrées."),
        ("parts", "finish", "garant-*-pret.json", "Votre confirmation est enregistrée."),
    ]
    for download, command, made, done in steps:
        for person in guarantors:
            path = person.save(
                person.visitor.get(f"/c/{SLUG}/garants/ceremonie/{ceremony}/{download}.json"),
                f"{download}.json",
            )
            secret = [] if command == "keys" else ["--secret", person.made(SECRET).name]
            person.tool(command, path.name, *secret)
            sent = person.visitor.send(
                person.visitor.get(f"/c/{SLUG}/garants/"),
                f"/c/{SLUG}/garants/ceremonie/{ceremony}/envoyer",
                [],
                upload=person.made(made),
            )
            shown = visible_text(sent.text)
            assert done in shown or "La cérémonie des clés est terminée" in shown, shown[:800]
    assert "La cérémonie des clés est terminée" in shown
    return guarantors


def vote(site: str, email: str, ballot_id: int, choice: Choice) -> str:
    """A member votes and confirms; the tracking code shown once is returned."""
    member = Visitor(site)
    member.sign_in(email)
    address = f"/c/{SLUG}/votes/scrutins/{ballot_id}"
    confirm = member.send(member.get(address), f"{address}/voter", [("choice", choice.value)])
    assert "Confirmer mon vote (définitif)" in confirm.text
    done = member.send(confirm, f"{address}/voter", [("choice", choice.value), ("confirmed", "1")])
    shown = visible_text(done.text)
    assert "Votre vote secret est enregistré" in shown, shown[:800]
    return TRACKING_CODE.search(shown).group(0)


def decrypt(person: Guarantor) -> str:
    packets = person.visitor.get(f"/c/{SLUG}/votes/depouillement/")
    packet = re.search(r"/depouillement/(\d+)/paquet\.json", packets.text).group(1)
    path = person.save(
        person.visitor.get(f"/c/{SLUG}/votes/depouillement/{packet}/paquet.json"), "paquet.json"
    )
    person.tool("decrypt", path.name, "--secret", person.made(SECRET).name)
    sent = person.visitor.send(
        packets,
        f"/c/{SLUG}/votes/depouillement/{packet}/envoyer",
        [],
        upload=person.made(f"garant-*-depouillement-{packet}.json"),
    )
    return visible_text(sent.text)


@pytest.fixture(scope="module")
def journey(tmp_path_factory, smtp_server) -> Journey:
    folder = tmp_path_factory.mktemp("bout-en-bout")
    database = f"sqlite:///{folder / 'site.db'}"
    app = make_test_app(database, smtp_server[1])
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    seeded = seed(app)
    server, site = serve(database, smtp_server[1], folder / "server.log")
    try:
        yield run_journey(site, app, seeded, folder)
    finally:
        server.terminate()
        server.wait(timeout=30)
        with app.app_context():
            db.engine.dispose()


def run_journey(site: str, app, seeded: dict, folder: Path) -> Journey:
    guarantors = key_ceremony(site, seeded, folder)

    facilitator = Visitor(site)
    facilitator.sign_in(seeded["facilitator"])
    closes_at = (utcnow() + timedelta(days=2)).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
    opened = facilitator.send(
        facilitator.get(f"/c/{SLUG}/votes/ouvrir"),
        f"/c/{SLUG}/votes/ouvrir",
        [("recommendations", str(seeded["recommendation"])), ("closes_at", closes_at)],
    )
    assert "1 vote ouvert." in visible_text(opened.text)
    with app.app_context():
        ballot_id = db.session.scalar(
            select(AdoptionBallot.id).where(
                AdoptionBallot.recommendation_id == seeded["recommendation"]
            )
        )
        assert db.session.get(AdoptionBallot, ballot_id).secret
        db.session.remove()

    codes = [
        vote(site, email, ballot_id, choice)
        for email, choice in zip(seeded["members"], CHOICES, strict=False)
    ]

    closing = facilitator.get(f"/c/{SLUG}/votes/scrutins/{ballot_id}/clore")
    closed = facilitator.send(closing, f"/c/{SLUG}/votes/scrutins/{ballot_id}/clore", [])
    assert "attendent le dépouillement par les garant·es" in visible_text(closed.text)

    answers = [decrypt(guarantors[at - 1]) for at in DECRYPTING]
    assert all("Votre déchiffrement partiel est vérifié" in a for a in answers[:-1]), answers
    assert "Le dépouillement est terminé" in answers[-1], answers[-1][:800]

    anyone = Visitor(site)
    found = Journey(site, app, ballot_id, Counter(CHOICES), codes, seeded["members"][VOTERS])
    checker = folder / "verifier"
    with zipfile.ZipFile(save(anyone, f"/c/{SLUG}/votes/verifier-scrutin.zip", folder)) as z:
        z.extractall(checker)
    found.files = {
        "export": save(anyone, f"/c/{SLUG}/votes/scrutins/{ballot_id}/export.json", folder),
        "ledger": save(anyone, "/registre.json", folder),
        "verify_tally": checker / "verifier-scrutin" / "verify_tally.py",
        "verify_ledger": checker / "verifier-scrutin" / "verify_ledger.py",
    }
    return found


def save(visitor: Visitor, path: str, folder: Path) -> Path:
    target = folder / path.rsplit("/", 1)[-1]
    target.write_bytes(visitor.get(path).body)
    return target


def closing_entry(ledger: dict, ballot_id: int) -> dict:
    return next(
        e
        for e in ledger["entries"]
        if e["kind"] == "ballot_closed" and e["body"]["ballot_id"] == ballot_id
    )


def resealed_digest(export: dict) -> dict:
    """What someone who changed an export would do next: recompute its digest."""
    export.pop("digest", None)
    export["digest"] = records.digest_of(export)
    return export


def rehashed(entries: list[dict], start: int) -> list[dict]:
    previous = entries[start - 1]["entry_hash"] if start else verify_ledger.GENESIS
    for entry in entries[start:]:
        entry["previous_hash"] = previous
        entry["entry_hash"] = verify_ledger.hash_of(previous, verify_ledger.sealed_text(entry))
        previous = entry["entry_hash"]
    return entries


def check_ledger(journey: Journey, data: dict, path: Path, *args: str) -> tuple[int, str]:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return check(journey.files["verify_ledger"], path, *args)


def check_here(*args: str | Path) -> tuple[int, str]:
    """`verify_tally.py`'s command line, run in this process."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = verify_tally.main(["verify_tally.py", *map(str, args)])
    return code, out.getvalue()


def failed(outcome: tuple[int, str]) -> str:
    code, output = outcome
    assert code == 1 and output.rstrip().endswith("FAILED"), output
    return output


def tampered_exports(journey: Journey, digest: str) -> dict[str, tuple[dict, tuple[str, ...]]]:
    """Copies of the export, each changed by someone who then recomputes its digest, as
    anyone holding the server could; the arguments the checker is run with."""

    def copy() -> dict:
        return json.loads(journey.files["export"].read_text(encoding="utf-8"))

    made = {}
    # One encryption of 0 made an encryption of 1: beta times g.
    changed = copy()
    selection = changed["ballots"][0]["selections"][0]
    selection["beta"] = records.hx(int(selection["beta"], 16) * G % P)
    made["ciphertext"] = resealed_digest(changed), ()
    changed = copy()
    del changed["ballots"][7]
    made["dropped"] = resealed_digest(changed), ()
    # A ballot encrypted and proven exactly as the server does for a member.
    changed = copy()
    election = Election(
        int(changed["header"]["joint_key"], 16), int(changed["header"]["base_hash"], 16)
    )
    changed["ballots"].append(records.ballot_json(encrypt_choice(election, "against")))
    changed["tally"]["against"] += 1
    made["added"] = resealed_digest(changed), ()
    changed = copy()
    changed["tally"]["for"], changed["tally"]["against"] = 12, 23
    changed["tally"]["adopted"] = False
    made["tally"] = resealed_digest(changed), ("--expect", digest)
    return made


@pytest.mark.no_db
def test_a_secret_vote_from_end_to_end_and_every_tampering_caught(journey, tmp_path, subtests):
    """One test with a subtest per check, so that the journey runs once even when the suite
    is spread over processes (xdist sends a module's tests to any worker)."""
    ledger = json.loads(journey.files["ledger"].read_text(encoding="utf-8"))
    closing = closing_entry(ledger, journey.ballot_id)
    head, digest = ledger["head"], closing["body"]["digest"]
    export = json.loads(journey.files["export"].read_text(encoding="utf-8"))

    with subtests.test("the checkers say OK, against a digest and a head from elsewhere"):
        code, output = check(
            journey.files["verify_tally"], journey.files["export"], "--expect", digest
        )
        assert code == 0 and output.rstrip().endswith("OK"), output
        tally = {c.value: journey.truth[c] for c in Choice}
        assert tally == {"for": 22, "against": 13, "abstain": 5}
        assert {name: export["tally"][name] for name in tally} == tally
        assert (export["tally"]["participants"], export["tally"]["eligible"]) == (40, 41)
        assert [s["guarantor"] for s in closing["body"]["signatures"]] == list(DECRYPTING)
        code, output = check(
            journey.files["verify_ledger"], journey.files["ledger"], "--head", head
        )
        assert code == 0 and output.rstrip().endswith("OK"), output

    with subtests.test("each member finds their encrypted ballot by its tracking code"):
        assert sorted(journey.codes) == sorted(b["tracking_code"] for b in export["ballots"])
        anyone = Visitor(journey.site)
        for code in journey.codes[:3]:
            page = anyone.get(journey.page(f"/votes/scrutins/{journey.ballot_id}?code={code}"))
            assert "Votre bulletin chiffré figure dans la liste publiée" in visible_text(page.text)

    # The tampered copies go through the same checker's command line in this process, so
    # that a ballot checked for one copy is not checked again for the next.
    outputs = {}
    for name, (data, args) in tampered_exports(journey, digest).items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        outputs[name] = check_here(path, *args)
    with subtests.test("a changed ciphertext"):
        assert export["ballots"][0]["tracking_code"] in failed(outputs["ciphertext"])
    with subtests.test("a dropped ballot"):
        assert "MISMATCH" in failed(outputs["dropped"])
    with subtests.test("an added ballot, validly encrypted and proven"):
        assert "MISMATCH" in failed(outputs["added"])
    with subtests.test("a changed tally"):
        output = failed(outputs["tally"])
        assert "tally for" in output and f"expected {digest}" in output

    with subtests.test("a rewritten ledger entry"):
        changed = json.loads(journey.files["ledger"].read_text(encoding="utf-8"))
        at = changed["entries"].index(closing_entry(changed, journey.ballot_id))
        changed["entries"][at]["body"]["tally"]["votes_for"] = 12
        output = failed(check_ledger(journey, changed, tmp_path / "edited.json"))
        assert "its hash does not match its content" in output
        # Every hash recomputed from there on: the chain holds, the head kept before does not.
        rehashed(changed["entries"], at)
        changed["head"] = verify_ledger.head_of(changed["entries"])
        output = failed(check_ledger(journey, changed, tmp_path / "rehashed.json", "--head", head))
        assert f"head {head}: not an entry of this ledger" in output

    # Last: it changes the server's database.
    with subtests.test("a ballot reopened and resealed on the server"):
        reopened_and_resealed(journey, tmp_path, head, digest)


def reopened_and_resealed(journey: Journey, tmp_path: Path, head: str, digest: str) -> None:
    """Issue 18's attack with server access: the new record fails the checker (the
    guarantors decrypted the product of the 40 ballots, not of these 41) and is not the one
    the first closing entry holds; hiding that entry by rewriting the ledger is found with
    the head kept before."""
    assert reopen_vote_and_reseal(journey) == VOTERS + 1
    anyone = Visitor(journey.site)
    path = tmp_path / "resealed.json"
    path.write_bytes(
        anyone.get(journey.page(f"/votes/scrutins/{journey.ballot_id}/export.json")).body
    )
    resealed = json.loads(path.read_text(encoding="utf-8"))
    assert resealed["tally"]["participants"] == VOTERS + 1 and resealed["digest"] != digest
    output = failed(check(journey.files["verify_tally"], path, "--expect", digest))
    assert f"expected {digest}" in output
    assert len([line for line in output.splitlines() if line.startswith("MISMATCH")]) > 1
    # The ledger now closes the ballot twice, the second time under another digest.
    rewritten = json.loads(anyone.get("/registre.json").body)
    closings = [
        e["body"]["digest"]
        for e in rewritten["entries"]
        if e["kind"] == "ballot_closed" and e["body"]["ballot_id"] == journey.ballot_id
    ]
    assert closings == [digest, resealed["digest"]]
    # Had they rewritten the ledger to hide the first closing, the head kept before tells.
    at = rewritten["entries"].index(closing_entry(rewritten, journey.ballot_id))
    del rewritten["entries"][at]
    rehashed(rewritten["entries"], at)
    rewritten["head"] = verify_ledger.head_of(rewritten["entries"])
    output = failed(check_ledger(journey, rewritten, tmp_path / "hidden.json", "--head", head))
    assert f"head {head}: not an entry of this ledger" in output


def reopen_vote_and_reseal(journey: Journey) -> int:
    """What issue 18 did in `flask shell`: reopen the closed ballot, cast one more vote, and
    seal again with the guarantors' decryptions and signatures of the first close."""
    with journey.app.app_context():
        ballot = db.session.get(AdoptionBallot, journey.ballot_id)
        sealed = json.loads(ballot.sealed_export)
        ballot.closed_at = ballot.counting_at = None
        ballot.recommendation.status = Status.SUBMITTED
        db.session.flush()
        late = db.session.scalar(select(User).where(User.email == journey.late_member_email))
        adoption.cast_vote(late, ballot, Choice.AGAINST)
        db.session.refresh(ballot)
        ballot.votes_for = sealed["tally"]["for"]
        ballot.votes_against = sealed["tally"]["against"] + 1
        ballot.votes_abstain = sealed["tally"]["abstain"]
        ballot.closed_at = utcnow()
        entries = sealed["decryptions"]
        signatures = [
            {
                "guarantor": e["statement"]["guarantor"],
                "statement_digest": records.digest_of(e["statement"]),
                "signature": e["signature"],
            }
            for e in entries
        ]
        closer = db.session.get(User, ballot.opened_by_id)
        adoption.seal(
            closer,
            ballot,
            db.session.get(Convention, ballot.convention_id),
            lambda b: counting.secret_export(b, entries),
            signatures=signatures,
        )
        participants = ballot.participants
        db.session.commit()
        db.session.remove()
    return participants


def test_the_ledger_checker_refuses_a_ballot_closed_a_second_time():
    """What the resealing above leaves in the ledger, checked with the ledger alone: a
    closed ballot never closes again, and the guarantors' signatures of the first close say
    nothing of the second."""
    world = factories.build_vote_world(n_recs=1)
    ballot = world.ballot(secret=True)
    for member, choice in zip(
        world.voters[:3], (Choice.FOR, Choice.FOR, Choice.AGAINST), strict=True
    ):
        adoption.cast_vote(member, ballot, choice)
    world.close(ballot)
    first = closing_entry(ledger.as_json(), ballot.id)["body"]
    assert verify_ledger.verify_file(ledger.as_json()) == []
    tally = {**first["tally"], "votes_against": 2, "participants": 4}
    ledger.append(
        "ballot_closed",
        {**first, "digest": "ab" * 32, "tally": tally},
        convention_slug=world.convention.slug,
    )
    db.session.flush()
    problems = verify_ledger.verify_file(ledger.as_json())
    assert any(f"ballot {ballot.id} was already closed" in p for p in problems)
    assert any("signature was already used" in p for p in problems)
