"""Writing to the audit log."""

from __future__ import annotations

from sqlalchemy import select, text

from convention import scope
from convention.audit import chain
from convention.audit.models import AuditEntry
from convention.auth.models import User
from convention.clock import utcnow
from convention.extensions import Model, db

# Any fixed number, the same for every process: the key of the lock on the journal's head.
HEAD_LOCK = 0x6A6F75726E616C  # "journal"


def record(actor: User | None, action: str, target: Model | None = None, **details) -> AuditEntry:
    """Append one entry, chained to the latest; it is committed with the action it describes,
    or not at all. Entries are chained in the order their transactions record them: on
    PostgreSQL, a transaction that records holds the head until it commits."""
    if (target is not None and getattr(target, "id", None) is None) or (
        actor is not None and actor.id is None
    ):
        db.session.flush()
    entry = AuditEntry(
        actor=actor,
        actor_id=actor.id if actor is not None else None,
        convention_id=_convention_of(target),
        action=action,
        target_type=target.__tablename__ if target is not None else "",
        target_id=getattr(target, "id", None),
        details={k: _plain(v) for k, v in details.items()},
        created_at=utcnow(),
    )
    entry.body = chain.canonical(chain.facts_of(entry))
    entry.previous_hash = _head()
    entry.entry_hash = chain.hash_of(entry.previous_hash, entry.body)
    db.session.add(entry)
    # Written now, so the next entry of this transaction chains to this one.
    db.session.flush()
    return entry


def _head() -> str:
    """The hash the next entry chains to; on PostgreSQL, taken under a lock held until commit
    so that two transactions never chain to the same entry."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": HEAD_LOCK})
    latest = db.session.scalar(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    )
    return latest or chain.GENESIS


# What a target that has no convention of its own belongs to (an answer to its recommendation,
# a comment to its thread, an invitation to its run, an attendance to its session...).
OWNERS = ("recommendation", "thread", "run", "sitting", "group", "ballot", "amendment")


def _convention_of(target: Model | None) -> int | None:
    """The convention an entry belongs to: its target's, or its target's owner's, else the one
    the request serves."""
    if getattr(target, "__tablename__", "") == "convention":
        found = getattr(target, "id", None)
    else:
        found = getattr(target, "convention_id", None)
        for owner in OWNERS:
            if isinstance(found, int):
                break
            found = _convention_of_owner(getattr(target, owner, None))
    return found if isinstance(found, int) else scope.current_id()


def _convention_of_owner(owner: object) -> int | None:
    found = getattr(owner, "convention_id", None)
    if isinstance(found, int):
        return found
    # One level further: an amendment's recommendation, a session's item...
    inner = getattr(getattr(owner, "recommendation", None), "convention_id", None)
    return inner if isinstance(inner, int) else None


def _plain(value):
    """JSON-friendly form of a detail value (enums by value, dates as ISO text)."""
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
