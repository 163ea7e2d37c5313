"""The current time, in one place so tests can freeze it and the demo can load a past
convention on the days it happened."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

_offset: ContextVar[timedelta] = ContextVar("clock_offset", default=timedelta(0))


def utcnow() -> datetime:
    return datetime.now(UTC) + _offset.get()


@contextmanager
def set_back_to(moment: datetime) -> Iterator[None]:
    """Within the block, the clock reads `moment` at its start and runs on from there: what
    the services stamp (created_at, the journal's entries...) is dated as if it happened
    then, in order, with nothing rewritten afterwards. For loading past data (the demo)."""
    token = _offset.set(moment - datetime.now(UTC))
    try:
        yield
    finally:
        _offset.reset(token)
