"""The audit log as a hash chain, with the standard library only.

Each entry keeps `body`, the canonical JSON of its facts when it was recorded (action,
target_type, target_id, convention_id, actor_id, details, created_at in ISO UTC), where
canonical means `json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
Its `entry_hash` is the SHA-256 (hex) of the UTF-8 text `previous_hash + body`, where
`previous_hash` is the entry_hash of the entry before it by id, or 64 zeros for the first.

Editing an entry breaks its hash or its agreement with its columns; deleting one breaks the
link of the next. Only the deletion of the latest entries leaves no trace in the chain: the
head (the last entry_hash) is what a reader compares with a copy kept elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

GENESIS = "0" * 64
FACTS = ("action", "target_type", "target_id", "convention_id", "actor_id", "details", "created_at")


class Chained(Protocol):
    """What the verifier reads of an entry (an AuditEntry, or any row with these fields)."""

    id: int
    body: str
    previous_hash: str
    entry_hash: str


def moment(value: datetime) -> str:
    """A time as the body holds it: ISO 8601 in UTC; a naive time is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def facts_of(entry: object) -> dict[str, Any]:
    """The facts an entry's columns hold, in the form its body records them."""
    found = {name: getattr(entry, name) for name in FACTS}
    found["created_at"] = moment(found["created_at"])
    found["details"] = found["details"] or {}
    return found


def canonical(facts: Mapping[str, Any]) -> str:
    return json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def hash_of(previous_hash: str, body: str) -> str:
    return hashlib.sha256((previous_hash + body).encode("utf-8")).hexdigest()


def verify(entries: Iterable[Chained]) -> list[str]:
    """The problems of a journal given in id order, in plain English; none if it is intact.

    An entry is intact when its hash is that of its previous_hash and body, its columns hold
    what its body recorded (except actor_id, cleared when the account was deleted) and its
    previous_hash is the hash of the entry before it. Ids may skip (a rolled-back transaction
    still uses its sequence number): a skip is a deletion only when the link breaks there.
    """
    problems: list[str] = []
    prior: Chained | None = None
    for entry in entries:
        if hash_of(entry.previous_hash, entry.body) != entry.entry_hash:
            problems.append(f"entry {entry.id}: its hash does not match its content")
        differing = _differing_columns(entry)
        if differing:
            problems.append(
                f"entry {entry.id}: its columns differ from what was recorded "
                f"({', '.join(differing)})"
            )
        expected = GENESIS if prior is None else prior.entry_hash
        if entry.previous_hash != expected:
            problems.append(_broken_link(prior, entry))
        prior = entry
    return problems


def _differing_columns(entry: Chained) -> list[str]:
    try:
        recorded = json.loads(entry.body)
    except ValueError:
        return ["its body is not JSON"]
    # Through JSON both ways, so a tuple and a list, or 1 and "1" as a key, read alike.
    present = json.loads(canonical(facts_of(entry)))
    differing = []
    for name in FACTS:
        if name == "actor_id" and present[name] is None:
            continue  # the person's account was deleted since (ON DELETE SET NULL)
        if not isinstance(recorded, dict) or recorded.get(name) != present[name]:
            differing.append(name)
    return differing


def _broken_link(prior: Chained | None, entry: Chained) -> str:
    if prior is None:
        return f"entry {entry.id}: chained to an earlier entry that is missing"
    first, last = prior.id + 1, entry.id - 1
    if first == last:
        return f"entry {first} is missing between {prior.id} and {entry.id}"
    if first < last:
        return f"entries {first} to {last} are missing between {prior.id} and {entry.id}"
    return f"entry {entry.id}: chained to a hash that is not entry {prior.id}'s"
