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


def _convention_of(target: Model | None) -> int | None:
    """The convention an entry belongs to: its target's, else the one the request serves."""
    if getattr(target, "__tablename__", "") == "convention":
        found = getattr(target, "id", None)
    else:
        found = getattr(target, "convention_id", None)
    return found if isinstance(found, int) else scope.current_id()


def _plain(value):
    """JSON-friendly form of a detail value (enums by value, dates as ISO text)."""
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
