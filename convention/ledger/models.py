"""The public ledger's entries, and the pseudonyms its rolls name people by.

Entries are append-only: nothing in the application updates or deletes them, and on
PostgreSQL a trigger refuses it (migration 0017). Each entry is chained to the one before it
(see `convention.ledger.verify_ledger`), so anyone holding the published file can find an
entry edited, moved or deleted behind the application's back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from convention.clock import utcnow
from convention.db_types import UTCDateTime
from convention.extensions import Model


class LedgerEntry(Model):
    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # The convention's slug as it was (a public name, kept even if the convention goes).
    convention_slug: Mapped[str | None] = mapped_column(String(60), index=True)
    # The entry's facts in canonical JSON, as published.
    body: Mapped[str] = mapped_column(Text)
    # Unique: two entries chained to the same one would be a fork of the ledger.
    previous_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class Pseudonym(Model):
    """A member's name in what the ledger publishes of a convention: random, given once and
    kept. Deleting the account clears `user_id` and keeps the code, so the ledger never
    changes and no published roll leads back to the person."""

    __tablename__ = "pseudonym"
    __table_args__ = (UniqueConstraint("convention_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    code: Mapped[str] = mapped_column(String(20), unique=True)
