"""INSERT … ON CONFLICT for the database in use (PostgreSQL in production, SQLite embedded)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convention.extensions import db


def insert(model):
    """An `insert()` that offers `on_conflict_do_update/nothing` on both dialects."""
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)
