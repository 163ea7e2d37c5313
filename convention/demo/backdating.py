"""Steps of the demo's past convention, each dated on the day it happened.

The services stamp what they write with the clock (`created_at`, `decided_at`, the journal's
entries...). A convention that ended in 2025 is loaded today, so each of its steps runs inside
`happened_on(day)`, where the clock reads `day`: its writes are dated on that day, in order,
and nothing is rewritten afterwards (the journal is a hash chain that refuses rewriting).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from convention.clock import set_back_to
from convention.extensions import db


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    """`day` (ISO) at `hour`:`minute`, UTC."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


@contextmanager
def happened_on(day: datetime) -> Iterator[None]:
    """Run the block as if it started at `day`."""
    with set_back_to(day):
        yield
        db.session.flush()
