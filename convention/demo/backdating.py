"""Steps of the demo's past convention, each dated on the day it happened.

The services stamp what they write with the current time (`created_at`, `decided_at`, the
journal's entries...). A convention that ended in 2025 is loaded today, so each of its steps
runs inside `happened_on(day)`: afterwards, every time stamped during the step is moved by the
same amount, so the step starts on `day` and its writes keep their order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Column, Insert, Table, Update, event, or_, select, update
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.util import identity_key

from convention.clock import utcnow
from convention.db_types import UTCDateTime
from convention.extensions import Base, db


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    """`day` (ISO) at `hour`:`minute`, UTC."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def _time_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if isinstance(c.type, UTCDateTime)]


def _mappers() -> dict[Table, Mapper]:
    return {m.local_table: m for m in Base.registry.mappers if isinstance(m.local_table, Table)}


@contextmanager
def happened_on(day: datetime) -> Iterator[None]:
    """Run the block, then move the times it stamped so that it started at `day`."""
    written: set[Table] = set()

    def note(conn, statement, *_args) -> None:
        if isinstance(statement, Insert | Update) and isinstance(statement.table, Table):
            written.add(statement.table)

    engine = db.session.get_bind()
    event.listen(engine, "before_execute", note)
    start = utcnow()
    try:
        yield
        db.session.flush()
    finally:
        event.remove(engine, "before_execute", note)
    end = utcnow()
    shift = day - start
    mappers = _mappers()
    for table in written:
        columns, keys = _time_columns(table), list(table.primary_key.columns)
        if not columns or not keys:
            continue
        stamped = db.session.execute(
            select(*keys, *columns).where(or_(*(c.between(start, end) for c in columns)))
        ).all()
        for row in stamped:
            key, times = tuple(row[: len(keys)]), row[len(keys) :]
            # Every time column is named, so an `onupdate` stamp cannot put today back.
            values = {
                column.name: value + shift if value is not None and start <= value <= end else value
                for column, value in zip(columns, times, strict=True)
            }
            db.session.execute(
                update(table)
                .where(*(k == v for k, v in zip(keys, key, strict=True)))
                .values(values)
            )
            mapper = mappers.get(table)
            if mapper is not None:
                # The object in the session, if any, reads its moved times again.
                found = db.session.identity_map.get(identity_key(mapper.class_, key))
                if found is not None:
                    db.session.expire(
                        found, [mapper.get_property_by_column(c).key for c in columns]
                    )
