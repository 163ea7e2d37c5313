"""Writing to the public ledger and reading it back."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Select, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convention.ballots.records import canonical
from convention.clock import utcnow
from convention.extensions import db
from convention.ledger import verify_ledger
from convention.ledger.models import LedgerEntry, Pseudonym

# Any fixed number, the same for every process: the key of the lock on the ledger's head.
HEAD_LOCK = 0x6C6564676572  # "ledger"
# Letters and digits no one confuses when reading a roll aloud (no I, O, 0, 1).
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def append(kind: str, body: dict, *, convention_slug: str | None) -> LedgerEntry:
    """Append one public event, chained to the latest entry; it is committed with the action
    it records, or not at all. On PostgreSQL a transaction that appends holds the head until it
    commits, so two transactions never chain to the same entry."""
    created_at = utcnow()
    # Through JSON both ways: what is kept is exactly what the published file will say.
    plain = json.loads(json.dumps(body, default=_plain))
    entry = LedgerEntry(
        created_at=created_at,
        kind=kind,
        convention_slug=convention_slug,
        body=canonical(plain),
    )
    entry.previous_hash = _head()
    entry.entry_hash = verify_ledger.hash_of(
        entry.previous_hash, verify_ledger.sealed_text(entry_json(entry))
    )
    db.session.add(entry)
    # Written now, so the next entry of this transaction chains to this one.
    db.session.flush()
    return entry


def _head() -> str:
    """The hash the next entry chains to; on PostgreSQL, taken under a lock held until commit
    so that two transactions never chain to the same entry."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": HEAD_LOCK})
    return head() or verify_ledger.GENESIS


def _plain(value: Any) -> Any:
    """JSON's form of what a body may hold besides plain values: a time in ISO UTC, an enum
    by its value."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} cannot be written in the ledger")


def moment(entry: LedgerEntry) -> str:
    return entry.created_at.astimezone(UTC).isoformat()


def entry_json(entry: LedgerEntry) -> dict:
    """An entry as the published file gives it."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "convention": entry.convention_slug,
        "created_at": moment(entry),
        "body": json.loads(entry.body),
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
    }


def pseudonyms(convention_id: int, user_ids: list[int]) -> dict[int, str]:
    """Each person's pseudonym in the convention, given on first use and kept for good."""
    wanted = sorted(set(user_ids))
    found = _known(convention_id, wanted)
    # A code drawn twice (or a pseudonym given at the same moment by another transaction) is
    # skipped by the database; the next round gives the ones still missing.
    for _attempt in range(5):
        missing = [user_id for user_id in wanted if user_id not in found]
        if not missing:
            break
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(Pseudonym)
            .values(
                [
                    {"convention_id": convention_id, "user_id": user_id, "code": _new_code()}
                    for user_id in missing
                ]
            )
            .on_conflict_do_nothing()
        )
        found = _known(convention_id, wanted)
    return found


def _known(convention_id: int, user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Pseudonym.user_id, Pseudonym.code).where(
            Pseudonym.convention_id == convention_id, Pseudonym.user_id.in_(user_ids)
        )
    )
    return {user_id: code for user_id, code in rows if user_id is not None}


def _new_code() -> str:
    letters = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def entries(convention_slug: str | None = None) -> Select[tuple[LedgerEntry]]:
    """The entries, newest first; only one convention's when a slug is given."""
    query = select(LedgerEntry).order_by(LedgerEntry.id.desc())
    if convention_slug is not None:
        query = query.where(LedgerEntry.convention_slug == convention_slug)
    return query


def head() -> str | None:
    """The latest entry's hash, which a reader keeps to compare later; None when empty."""
    return db.session.scalar(
        select(LedgerEntry.entry_hash).order_by(LedgerEntry.id.desc()).limit(1)
    )


def conventions() -> list[str]:
    """The slugs of the conventions the ledger names, for its filter."""
    return list(
        db.session.scalars(
            select(LedgerEntry.convention_slug)
            .where(LedgerEntry.convention_slug.is_not(None))
            .distinct()
            .order_by(LedgerEntry.convention_slug)
        )
    )


def previous_of(entries_shown: list[LedgerEntry]) -> dict[str, int]:
    """The id of the entry each shown entry is chained to ({previous_hash: id}), in one query."""
    hashes = [entry.previous_hash for entry in entries_shown]
    if not hashes:
        return {}
    rows = db.session.execute(
        select(LedgerEntry.entry_hash, LedgerEntry.id).where(LedgerEntry.entry_hash.in_(hashes))
    )
    return {entry_hash: entry_id for entry_hash, entry_id in rows}


def as_json() -> dict:
    """The whole chain, oldest first, with its head: what `/registre.json` publishes."""
    chained = [
        entry_json(entry)
        for entry in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))
    ]
    return {
        "format": verify_ledger.FORMAT,
        "entries": chained,
        "head": verify_ledger.head_of(chained),
    }
