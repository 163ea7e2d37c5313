"""The linking attacks of issue 18, replayed on PostgreSQL with a database administrator's
access, a backup or the logs, after a secret vote by 12 members.

Each attack still links rows to voters: that is row identity (`xmin`, `ctid`, the dump's
order, the counter's row versions, the order of the requests), and no design removes it.
What the tests show is that the linked rows hold nothing that tells a choice: the encrypted
ballots of the members who voted "for" and of those who voted "against" look alike, no
counter moves by choice while the vote is open, and no log line, header or cookie carries the
choice. After the close and the guarantors' decryption, only the totals are readable.

The world is built once for the module (some twenty seconds) on a database of its own, with real
commits: each vote is one HTTP request committed in its own transaction, as in production.
Two secret ballots are voted: `attacked` stays open for the attacks, `counted` is closed and
decrypted by the guarantors, so the tests hold in any order and on any xdist worker.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from convention.assembly import services as assembly
from convention.auth.models import Role, User
from convention.ballots import decryption, records
from convention.ballots.encryption import CHOICES
from convention.ballots.group import Q, g_pow, inverse_p, mul_p, pow_p
from convention.demo.guarantors import Keyholders
from convention.extensions import db
from convention.guarantors.models import KeyCeremony
from convention.proposals.models import Choice
from convention.votes import adoption
from convention.votes.models import AdoptionBallot
from tests import factories
from tests.conftest import fresh_app

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")

pytestmark = [
    pytest.mark.no_db,
    # One world for the module: with `--dist loadgroup` its tests share one worker.
    pytest.mark.xdist_group("secret-linking-attacks"),
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="xmin, ctid, pg_dump and pageinspect are PostgreSQL's: set DATABASE_URL to one",
    ),
]

SLUG = "secret-linking"
VOTERS = 12
# Every way a choice is written: its value, its name, its French label.
CHOICE_WORDS = frozenset(
    {c.value for c in Choice}
    | {c.name for c in Choice}
    | {f"Choice.{c.name}" for c in Choice}
    | {"Pour", "Contre", "Abstention", "pour", "contre", "abstention"}
)
# A choice as a program writes it into a log line, a header or a cookie: quoted (the
# parameters of a statement, a repr), as a form field, as the enum, or the label in « »;
# not a key (the published totals are `{"for": 8, ...}`).
CHOICE_IN_TEXT = re.compile(
    r"""['"«]\s*(for|against|abstain|pour|contre|abstention)\s*['"»](?!\s*:)"""
    r"""|choice\W{0,4}(for|against|abstain)\b|Choice\.(FOR|AGAINST|ABSTAIN)""",
    re.IGNORECASE,
)


@dataclass
class SecretVote:
    """The module's world after the votes, and what only the test knows: who chose what."""

    app: Flask
    db_url: str
    slug: str
    attacked: int  # the id of the ballot that stays open
    counted: int  # the id of the ballot a test closes and has decrypted
    truth: dict[int, dict[int, Choice]]  # ballot id → member id → their choice
    keys_folder: Path  # the guarantors' secret files (an attacker has none)
    threshold: int
    facilitator_email: str
    logs: list[logging.LogRecord]
    responses: list

    def sql(self, statement: str, **values) -> list:
        """A query as the database administrator runs it, outside the application."""
        with self.app.app_context(), db.engine.connect() as connection:
            result = connection.execute(text(statement), values)
            rows = list(result) if result.returns_rows else []
            connection.commit()
            return rows


class Collect(logging.Handler):
    def __init__(self, into: list):
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record):
        self.into.append(record)


@contextmanager
def every_log(into: list[logging.LogRecord]) -> Iterator[None]:
    """Every record of every logger at DEBUG, SQLAlchemy's statements with their parameters
    included: what an operator who turns all logging on reads. (The migrations' logging
    configuration disables the loggers it does not name: they are enabled again here. The
    test client goes through no server, so no access log line is written; the requests'
    order is in these records.)"""
    handler = Collect(into)
    root = logging.getLogger()
    loggers = [root] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    before = [(logger.level, logger.disabled, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        # Kept from the console: each record reaches this handler once, and only it.
        logger.propagate = logger is root
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger, (level, disabled, propagate) in zip(loggers, before, strict=True):
            logger.setLevel(level)
            logger.disabled, logger.propagate = disabled, propagate
            logger.removeHandler(handler)


def post_vote(client, ballot_id: int, choice: Choice) -> list:
    """The member's two requests: the choice, then its confirmation (a secret vote is final)."""
    address = f"/c/{SLUG}/votes/scrutins/{ballot_id}/voter"
    first = client.post(address, data={"choice": choice.value})
    assert "Confirmer mon vote" in first.get_data(as_text=True)
    done = client.post(address, data={"choice": choice.value, "confirmed": "1"})
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    return [first, done]


@pytest.fixture(scope="module")
def vote(tmp_path_factory, smtp_server) -> Iterator[SecretVote]:
    with fresh_app(tmp_path_factory.mktemp("linking"), smtp_server[1], "linking") as app:
        db_url = app.config["SQLALCHEMY_DATABASE_URI"]
        with app.app_context():
            factories.forget_conventions()
            world = factories.build_vote_world(n_recs=2, slug=SLUG)
            members = list(world.voters)
            for i in range(VOTERS - len(members)):
                member = factories.user(Role.MEMBER, first_name=f"Membre{i}")
                assembly.add_member(world.staff, world.group, member)
                members.append(member)
            attacked = world.ballot(world.recs[0], secret=True)
            counted = world.ballot(world.recs[1], secret=True)
            assert attacked.eligible == VOTERS
            pattern = [Choice.FOR] * 5 + [Choice.AGAINST] * 4 + [Choice.ABSTAIN] * 3
            other = cycle([Choice.AGAINST, Choice.FOR, Choice.FOR])
            truth = {
                attacked.id: {m.id: c for m, c in zip(members, pattern, strict=True)},
                counted.id: {m.id: next(other) for m in members},
            }
            found = SecretVote(
                app,
                db_url,
                SLUG,
                attacked.id,
                counted.id,
                truth,
                world.keyholders.folder,
                world.keyholders.ceremony.threshold,
                world.facilitator.email,
                [],
                [],
            )
            emails = {m.id: m.email for m in members}
            db.session.commit()
            db.session.close()
        # A snapshot kept open, as an administrator does to read old row versions: no
        # vacuum or page pruning removes a version it can still see.
        holder = create_engine(db_url)
        keeper = holder.connect()
        keeper.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        keeper.execute(text("SELECT count(*) FROM adoption_ballot"))
        with every_log(found.logs):
            for member_id, email in emails.items():
                client = app.test_client()
                factories.login(client, email)
                for ballot_id in (found.attacked, found.counted):
                    found.responses += post_vote(client, ballot_id, truth[ballot_id][member_id])
            yield found
        keeper.close()
        holder.dispose()


# --- what an attacker can read ------------------------------------------------------------


def leaves(value, path: tuple = ()) -> Iterator[tuple[tuple, object]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, (*path, key))
    elif isinstance(value, list):
        for at, inner in enumerate(value):
            yield from leaves(inner, (*path, at))
    else:
        yield path, value


def opened_by_colluding_guarantors(vote: SecretVote, body: str) -> Choice:
    """What `threshold` guarantors together (never the platform, an administrator or a
    backup) could read in one encrypted ballot, by rebuilding the joint secret from their
    shares: the test uses it only to know that a link is right."""
    present = list(range(1, vote.threshold + 1))
    secret = 0
    for position in present:
        kept = json.loads((vote.keys_folder / f"garant-{position}-secret.json").read_text())
        secret += decryption.lagrange(position, present) * records.num(kept["share"])
    counts = [
        {1: 0, g_pow(1): 1}[mul_p(c.beta, inverse_p(pow_p(c.alpha, secret % Q)))]
        for c in records.ballot_from(json.loads(body)).selections
    ]
    return Choice(CHOICES[counts.index(1)])


def assert_no_choice_readable(linked: dict[int, str], truth: dict[int, Choice]) -> None:
    """The bodies linked to voters tell nothing of their choices: the same fields, lengths
    within 1 %, no value that is a choice, and for each field either one value for all (it
    tells nothing) or a different value for each ballot (nothing groups the members who chose
    alike)."""
    assert sorted(linked) == sorted(truth)
    bodies = {member: dict(leaves(json.loads(body))) for member, body in linked.items()}
    shapes = {tuple(sorted(map(str, fields))) for fields in bodies.values()}
    assert len(shapes) == 1, "the ballots' fields differ"
    for member, fields in bodies.items():
        readable = [v for v in fields.values() if isinstance(v, str) and v in CHOICE_WORDS]
        assert readable == [], f"member {member}'s ballot holds a choice: {readable}"
    for name in next(iter(bodies.values())):
        values = [fields[name] for fields in bodies.values()]
        assert len(set(values)) in (1, len(values)), f"{name} groups some ballots together"
    lengths = [len(body) for body in linked.values()]
    assert max(lengths) <= min(lengths) * 1.01
    # And what the choices were is not a function of any of this: several choices occur.
    assert len(set(truth.values())) == len(Choice)


def assert_links_are_right(vote: SecretVote, linked: dict[int, str], ballot_id: int) -> None:
    """The attack works on row identity: each linked ballot is its voter's own."""
    truth = vote.truth[ballot_id]
    opened = {m: opened_by_colluding_guarantors(vote, b) for m, b in linked.items()}
    assert opened == truth


# --- the attacks ---------------------------------------------------------------------------


def test_joining_the_roll_and_the_ballots_on_xmin_links_each_voter_to_a_ciphertext_only(vote):
    """Written in one transaction, a member's roll line and their encrypted ballot share
    `xmin`: the join links all 12. But each linked row is an encryption whose every field
    is random-looking: nothing separates the five who voted for from the four against."""
    rows = vote.sql(
        """
        SELECT p.user_id, e.body FROM vote_participation p
        JOIN encrypted_vote e ON e.xmin = p.xmin AND e.ballot_id = p.ballot_id
        WHERE p.ballot_id = :ballot
        """,
        ballot=vote.attacked,
    )
    linked = dict(rows)
    assert len(rows) == len(linked) == VOTERS
    assert_links_are_right(vote, linked, vote.attacked)
    assert_no_choice_readable(linked, vote.truth[vote.attacked])
    # What the attacker could compare against: the same choice encrypted twice differs.
    bodies_for = [linked[m] for m, c in vote.truth[vote.attacked].items() if c is Choice.FOR]
    assert len(set(bodies_for)) == len(bodies_for) == 5


def test_the_physical_row_order_links_each_voter_to_a_ciphertext_only(vote):
    """Rows are written in voting order: `ctid` order pairs the roll with the ballots."""
    voters = [
        user
        for (user,) in vote.sql(
            "SELECT user_id FROM vote_participation WHERE ballot_id = :b ORDER BY ctid",
            b=vote.attacked,
        )
    ]
    bodies = [
        body
        for (body,) in vote.sql(
            "SELECT body FROM encrypted_vote WHERE ballot_id = :b ORDER BY ctid", b=vote.attacked
        )
    ]
    linked = dict(zip(voters, bodies, strict=True))
    assert_links_are_right(vote, linked, vote.attacked)
    assert_no_choice_readable(linked, vote.truth[vote.attacked])


def pg_dump(vote: SecretVote) -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    if not found:
        pytest.skip("no pg_dump under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    url = make_url(vote.db_url)
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    done = subprocess.run(
        [
            found[-1],
            "--data-only",
            "--no-owner",
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            url.database,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


COPY_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


def copy_field(raw: str) -> str | None:
    """A field of COPY's text format as the table holds it (`\\N` is NULL)."""
    if raw == "\\N":
        return None
    return re.sub(r"\\(.)", lambda m: COPY_ESCAPES.get(m.group(1), m.group(1)), raw)


def copy_blocks(dump: str) -> dict[str, tuple[list[str], list[list[str | None]]]]:
    """Each table's COPY block: its column names and rows of fields, in dump order."""
    tables = {}
    lines = iter(dump.splitlines())
    for line in lines:
        heading = re.match(r"COPY public\.(\w+) \((.*)\) FROM stdin;", line)
        if not heading:
            continue
        columns = [c.strip().strip('"') for c in heading.group(2).split(",")]
        rows = []
        for row in lines:
            if row == "\\.":
                break
            rows.append([copy_field(raw) for raw in row.split("\t")])
        tables[heading.group(1)] = (columns, rows)
    return tables


def readable_choices(tables) -> list[tuple[str, str]]:
    """Every field, and every value inside a JSON field (a ballot, a sealed export, a ledger
    or audit entry), that is a choice, by table."""
    found = []
    for table, (_, rows) in tables.items():
        for row in rows:
            for value in filter(None, row):
                if value in CHOICE_WORDS:
                    found.append((table, value))
                elif value[:1] in "{[":
                    try:
                        inner = json.loads(value)
                    except ValueError:
                        continue  # text that starts like JSON, checked whole above
                    found += [
                        (table, v)
                        for _, v in leaves(inner)
                        if isinstance(v, str) and v in CHOICE_WORDS
                    ]
    return found


def test_a_dump_of_the_database_holds_no_choice_of_the_open_secret_vote(vote):
    """A `pg_dump --data-only` (a backup) keeps the insertion order, so a restored copy links
    the roll to the ballots as the live tables do; it still holds no choice anywhere, and the
    ballot's per-choice counters stay at zero while the vote is open."""
    tables = copy_blocks(pg_dump(vote))
    assert readable_choices(tables) == []
    columns, rows = tables["adoption_ballot"]
    ballot = dict(zip(columns, next(r for r in rows if r[0] == str(vote.attacked)), strict=True))
    assert (ballot["votes_for"], ballot["votes_against"], ballot["votes_abstain"]) == ("0",) * 3
    assert ballot["participants"] == str(VOTERS)
    columns, rows = tables["vote_participation"]
    voters = [
        int(r[columns.index("user_id")])
        for r in rows
        if r[columns.index("ballot_id")] == str(vote.attacked)
    ]
    columns, rows = tables["encrypted_vote"]
    bodies = [
        r[columns.index("body")]
        for r in rows
        if r[columns.index("ballot_id")] == str(vote.attacked)
    ]
    assert_no_choice_readable(dict(zip(voters, bodies, strict=True)), vote.truth[vote.attacked])


def int4(raw: bytes | None) -> int | None:
    return None if raw is None else int.from_bytes(raw, "little", signed=True)


def test_old_versions_of_the_ballot_row_never_count_a_choice_while_the_vote_is_open(vote):
    """Each vote writes a new version of the ballot's row, and `pageinspect` reads the old
    ones: there is one for every vote, written by the vote's own transaction (so linked to
    the voter by `xmin`), and only `participants` moves in them (the roll is public anyway);
    the per-choice counters are zero in every version until the close."""
    vote.sql("CREATE EXTENSION IF NOT EXISTS pageinspect")
    attnum = dict(
        vote.sql(
            "SELECT attname, attnum FROM pg_attribute "
            "WHERE attrelid = 'adoption_ballot'::regclass AND attnum > 0"
        )
    )
    (pages,) = vote.sql("SELECT pg_relation_size('adoption_ballot') / 8192")[0]
    versions = []
    for page in range(pages):
        for written_by, attributes in vote.sql(
            """
            SELECT t_xmin::text, tuple_data_split('adoption_ballot'::regclass, t_data,
                                                  t_infomask, t_infomask2, t_bits)
            FROM heap_page_items(get_raw_page('adoption_ballot', :page))
            WHERE t_data IS NOT NULL
            """,
            page=page,
        ):
            row = {name: attributes[at - 1] for name, at in attnum.items()}
            if int4(row["id"]) == vote.attacked:
                versions.append({**row, "written_by": written_by})
    open_versions = [v for v in versions if v["closed_at"] is None and v["counting_at"] is None]
    participants = sorted(int4(v["participants"]) for v in open_versions)
    assert participants == list(range(VOTERS + 1))  # the row as opened, then once per vote
    votes = {
        xid
        for (xid,) in vote.sql(
            "SELECT xmin::text FROM vote_participation WHERE ballot_id = :b", b=vote.attacked
        )
    }
    assert {v["written_by"] for v in open_versions if int4(v["participants"])} == votes
    counters = {
        tuple(int4(v[name]) for name in ("votes_for", "votes_against", "votes_abstain"))
        for v in open_versions
    }
    assert counters == {(0, 0, 0)}


def test_no_log_line_header_or_cookie_of_the_voting_requests_holds_a_choice(vote):
    """The twelve members' requests, as an operator with every log turned on sees them."""
    assert vote.logs, "the logs were captured"
    for record in vote.logs:
        line = record.getMessage() + " " + repr(record.args)
        assert not CHOICE_IN_TEXT.search(line), line[:300]
    assert len(vote.responses) == VOTERS * 2 * 2
    serializer = vote.app.session_interface.get_signing_serializer(vote.app)
    sessions = 0
    for response in vote.responses:
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        assert not CHOICE_IN_TEXT.search(headers), headers
        for cookie in response.headers.getlist("Set-Cookie"):
            name, _, value = cookie.partition(";")[0].partition("=")
            if name == vote.app.config["SESSION_COOKIE_NAME"]:
                sessions += 1
                session = json.dumps(serializer.loads(value), default=str)
                assert not CHOICE_IN_TEXT.search(session), session
                assert not set(re.findall(r"\w+", session)) & {"for", "against", "abstain"}
    assert sessions >= VOTERS * 2  # each vote's confirmation sets the session (its message)


def test_after_the_close_and_the_decryption_only_the_totals_are_readable(vote):
    """The facilitator closes the other ballot through its page, two guarantors decrypt the
    packet: the published result is the true totals, and still no table nor log holds a
    choice, let alone one next to a member."""
    client = vote.app.test_client()
    factories.login(client, vote.facilitator_email)
    closed = client.post(f"/c/{vote.slug}/votes/scrutins/{vote.counted}/clore")
    assert closed.status_code == 302
    with vote.app.app_context():
        ballot = db.session.get(AdoptionBallot, vote.counted)
        ceremony = db.session.get(KeyCeremony, ballot.ceremony_id)
        people = {p.position: db.session.get(User, p.user_id) for p in ceremony.guarantors}
        assert Keyholders(ceremony, vote.keys_folder, people).decrypt(ballot.packet)
        db.session.commit()
        db.session.refresh(ballot)
        tally = adoption.tally(ballot)
    expected = Counter(vote.truth[vote.counted].values())
    assert (tally.votes_for, tally.votes_against, tally.votes_abstain) == (
        expected[Choice.FOR],
        expected[Choice.AGAINST],
        expected[Choice.ABSTAIN],
    )
    tables = copy_blocks(pg_dump(vote))
    assert readable_choices(tables) == []
    # The published record, kept in the ballot's row: totals, the roll, and ballots that
    # name no one.
    columns, rows = tables["adoption_ballot"]
    row = dict(zip(columns, next(r for r in rows if r[0] == str(vote.counted)), strict=True))
    published = json.loads(row["sealed_export"])
    assert published["tally"]["participants"] == VOTERS
    assert len(published["roll"]) == len(published["ballots"]) == VOTERS
    names = {member["member"] for member in published["roll"]}
    assert not any(names & {str(v) for _, v in leaves(b)} for b in published["ballots"])
    for record in vote.logs:
        line = record.getMessage() + " " + repr(record.args)
        assert not CHOICE_IN_TEXT.search(line), line[:300]
