"""Writing to the audit log."""

from __future__ import annotations

from convention import scope
from convention.audit.models import AuditEntry
from convention.auth.models import User
from convention.extensions import Model, db


def record(actor: User | None, action: str, target: Model | None = None, **details) -> AuditEntry:
    """Append one entry; it is committed with the action it describes, or not at all."""
    if target is not None and getattr(target, "id", None) is None:
        db.session.flush()
    entry = AuditEntry(
        actor=actor,
        convention_id=_convention_of(target),
        action=action,
        target_type=target.__tablename__ if target is not None else "",
        target_id=getattr(target, "id", None),
        details={k: _plain(v) for k, v in details.items()},
    )
    db.session.add(entry)
    return entry


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
