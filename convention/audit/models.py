"""Audit entries are append-only: nothing in the application updates or deletes them, and on
PostgreSQL a trigger refuses it (migration 0014). Each entry is chained to the one before it
(see `convention.audit.chain`), so an entry edited or deleted behind the application's back
is found by `flask audit verify`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.auth.models import User
from convention.clock import utcnow
from convention.db_types import UTCDateTime
from convention.extensions import Model


class AuditEntry(Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The convention the action was taken in (None for the site's own: accounts, a new
    # convention's creation is in the convention itself); its journal shows only its entries.
    convention_id: Mapped[int | None] = mapped_column(
        ForeignKey("convention.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The facts above as recorded, in canonical JSON: what the hash seals.
    body: Mapped[str] = mapped_column(Text)
    # Unique: two entries chained to the same one would be a fork of the journal.
    previous_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship()
