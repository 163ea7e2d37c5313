"""The audit log is a chain: each entry seals its facts and the entry before it, so an entry
edited or deleted behind the application's back is found by `flask audit verify`; on
PostgreSQL the database refuses the edit in the first place."""

from __future__ import annotations

import json
import os
import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from convention.assembly import services as assembly
from convention.assembly.models import Convention
from convention.audit import chain
from convention.audit.commands import audit
from convention.audit.models import AuditEntry
from convention.auth.models import Role, User
from convention.extensions import db
from tests import factories
from tests.conftest import MIGRATIONS, fresh_app

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="the trigger and the advisory lock exist on PostgreSQL only"
)
sqlite_only = pytest.mark.skipif(
    ON_POSTGRESQL, reason="PostgreSQL refuses the tampering itself (tested below)"
)


def journal() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def tamper(statement: str, **values) -> None:
    """A change made behind the application's back, straight in the database."""
    db.session.execute(text(statement), values)


@pytest.fixture
def world():
    world = factories.build_world()
    assembly.add_theme(world.staff, world.convention, "Mobilités douces")
    return world


def test_each_entry_seals_its_facts_and_the_entry_before_it(world):
    entries = journal()
    assert len(entries) > 10
    assert entries[0].previous_hash == chain.GENESIS
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry.previous_hash == before.entry_hash
    theme = entries[-1]
    assert json.loads(theme.body) == {
        "action": "theme.create",
        "actor_id": world.staff.id,
        "convention_id": world.convention.id,
        "created_at": theme.created_at.isoformat(),
        "details": {"name": "Mobilités douces"},
        "target_id": theme.target_id,
        "target_type": "theme",
    }
    assert chain.verify(entries) == []


def test_flask_audit_verify_names_the_entries_and_the_head(world, runner):
    entries = journal()
    result = runner.invoke(audit, ["verify"])
    assert result.exit_code == 0
    assert result.output == (
        f"Journal intact: {len(entries)} entrées, tête {entries[-1].entry_hash}.\n"
    )


def test_flask_audit_verify_is_a_command_of_the_site(app):
    assert app.cli.commands.get("audit") is audit


@sqlite_only
def test_edited_details_are_found(world, runner):
    edited = journal()[-1]
    tamper('UPDATE audit_entry SET details = \'{"name": "Vélo"}\' WHERE id = :id', id=edited.id)
    assert chain.verify(journal()) == [
        f"entry {edited.id}: its columns differ from what was recorded (details)"
    ]
    result = runner.invoke(audit, ["verify"])
    assert result.exit_code == 1
    assert result.output == (
        f"entry {edited.id}: its columns differ from what was recorded (details)\n"
    )


@sqlite_only
def test_a_changed_date_is_found(world):
    moved = journal()[3]
    tamper(
        "UPDATE audit_entry SET created_at = '2025-01-01 09:00:00.000000' WHERE id = :id",
        id=moved.id,
    )
    assert chain.verify(journal()) == [
        f"entry {moved.id}: its columns differ from what was recorded (created_at)"
    ]


@sqlite_only
def test_a_rewritten_body_breaks_its_hash_and_a_recomputed_hash_breaks_the_next_link(world):
    entries = journal()
    target, after = entries[4], entries[5]
    body = target.body.replace(target.action, "group.delete")
    tamper(
        "UPDATE audit_entry SET body = :body, action = 'group.delete' WHERE id = :id",
        body=body,
        id=target.id,
    )
    assert chain.verify(journal()) == [f"entry {target.id}: its hash does not match its content"]
    tamper(
        "UPDATE audit_entry SET entry_hash = :hash WHERE id = :id",
        hash=chain.hash_of(target.previous_hash, body),
        id=target.id,
    )
    assert chain.verify(journal()) == [
        f"entry {after.id}: chained to a hash that is not entry {target.id}'s"
    ]


@sqlite_only
def test_a_deleted_entry_is_found_missing(world, runner):
    entries = journal()
    before, deleted, after = (entry.id for entry in entries[5:8])
    tamper("DELETE FROM audit_entry WHERE id = :id", id=deleted)
    problem = f"entry {deleted} is missing between {before} and {after}"
    assert chain.verify(journal()) == [problem]
    result = runner.invoke(audit, ["verify"])
    assert (result.exit_code, result.output) == (1, problem + "\n")


@sqlite_only
def test_the_first_entries_deleted_are_found_missing(world):
    first, second = (entry.id for entry in journal()[:2])
    tamper("DELETE FROM audit_entry WHERE id = :id", id=first)
    assert chain.verify(journal()) == [
        f"entry {second}: chained to an earlier entry that is missing"
    ]


def test_ids_that_skip_are_not_a_deletion_when_the_chain_holds(world):
    entries = journal()
    # A rolled-back transaction on PostgreSQL leaves its sequence number unused.
    for entry in entries[3:]:
        db.session.expunge(entry)
        entry.id += 10
    assert chain.verify(entries) == []


def test_deleting_an_account_keeps_the_journal_intact(world, runner):
    leaving = factories.user(Role.STAFF, name="Partant", convention=world.convention)
    assembly.add_theme(leaving, world.convention, "Logement")
    leaving_id = leaving.id
    tamper("DELETE FROM user_account WHERE id = :id", id=leaving_id)
    entries = journal()
    assert entries[-1].actor_id is None
    assert json.loads(entries[-1].body)["actor_id"] == leaving_id
    assert chain.verify(entries) == []
    assert runner.invoke(audit, ["verify"]).exit_code == 0


@postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET details = '{}' WHERE id = :id",
        "UPDATE audit_entry SET created_at = created_at - interval '1 day' WHERE id = :id",
        "UPDATE audit_entry SET actor_id = NULL, action = 'other' WHERE id = :id",
        "DELETE FROM audit_entry WHERE id = :id",
        "TRUNCATE audit_entry",
    ],
)
def test_postgresql_refuses_to_rewrite_the_journal(world, statement):
    entry = journal()[-1]
    with pytest.raises(DBAPIError, match="the audit log is append-only"), db.session.begin_nested():
        tamper(statement, id=entry.id)
    assert chain.verify(journal()) == []


@postgresql_only
@pytest.mark.no_db
def test_simultaneous_records_never_fork_the_chain(committed_app):
    app = committed_app
    with app.app_context():
        site = factories.convention(slug="chaine")
        staff = factories.user(Role.STAFF, name="Équipe", convention=site)
        db.session.commit()
        site_id, staff_id = site.id, staff.id
    people = 20
    barrier = threading.Barrier(people)
    errors: list[BaseException] = []

    def add_theme(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            with app.app_context():
                assembly.add_theme(
                    db.session.get(User, staff_id), db.session.get(Convention, site_id), f"T{n}"
                )
                db.session.commit()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=add_theme, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        entries = journal()
        themes = [e for e in entries if e.action == "theme.create"]
        assert len(themes) == people
        assert len({e.previous_hash for e in entries}) == len(entries)
        assert chain.verify(entries) == []


@pytest.mark.no_db
def test_the_migration_chains_the_entries_already_recorded(tmp_path, smtp_server):
    with (
        fresh_app(tmp_path, smtp_server[1], "chain", migrated=False) as app,
        app.app_context(),
    ):
        upgrade(directory=MIGRATIONS, revision="0013_invitation_emails")
        for n, (details, at) in enumerate(
            (
                ('{"name": "Vélo", "ids": [1, 2]}', "2025-01-02 10:00:00+00:00"),
                ("{}", "2025-01-03 11:00:00.123456+00:00"),
            )
        ):
            db.session.execute(
                text(
                    "INSERT INTO audit_entry (action, target_type, target_id, details, created_at)"
                    " VALUES ('theme.create', 'theme', :n, :details, :at)"
                ),
                {"n": n, "details": details, "at": at},
            )
        db.session.commit()
        upgrade(directory=MIGRATIONS)
        first, second = journal()
        assert first.previous_hash == chain.GENESIS
        assert second.previous_hash == first.entry_hash
        assert json.loads(first.body)["created_at"] == "2025-01-02T10:00:00+00:00"
        assert chain.verify([first, second]) == []
        # The application goes on from the head the migration left.
        assembly.add_theme(None, factories.convention(slug="suite"), "Logement")
        assert chain.verify(journal()) == []
