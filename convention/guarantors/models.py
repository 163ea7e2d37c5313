"""The guarantors' key ceremony as the platform keeps it: only public files.

The platform relays the files the guarantors' tool makes (their commitments, the shares
sealed to each other, their confirmations) and keeps each as it was uploaded. It never holds
a secret: a guarantor's coefficients and share stay in the file on their own computer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.clock import utcnow
from convention.db_types import UTCDateTime
from convention.extensions import Model


class KeyCeremony(Model):
    """One ceremony of a convention: n guarantors, any `threshold` of whom decrypt a tally.
    The convention's secret ballots use its latest completed ceremony."""

    __tablename__ = "key_ceremony"
    __table_args__ = (CheckConstraint("threshold >= 1", name="threshold_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("convention.id", ondelete="CASCADE"), index=True
    )
    threshold: Mapped[int] = mapped_column(Integer)
    # The ceremony's base hash (hexadecimal), which every proof of the ceremony is bound to.
    base_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    abandoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The election's public key (hexadecimal), once every guarantor has confirmed it.
    joint_key: Mapped[str | None] = mapped_column(Text)

    guarantors: Mapped[list[CeremonyGuarantor]] = relationship(
        order_by="CeremonyGuarantor.position", back_populates="ceremony"
    )

    @property
    def size(self) -> int:
        return len(self.guarantors)


class CeremonyGuarantor(Model):
    """A guarantor's place in a ceremony (their number, from 1) and the files they uploaded."""

    __tablename__ = "ceremony_guarantor"
    __table_args__ = (CheckConstraint("position >= 1", name="position_positive"),)

    ceremony_id: Mapped[int] = mapped_column(
        ForeignKey("key_ceremony.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The public name at the start of the ceremony, as the ceremony's files print it.
    name: Mapped[str] = mapped_column(String(200))
    key_file: Mapped[str | None] = mapped_column(Text)
    key_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shares_file: Mapped[str | None] = mapped_column(Text)
    shares_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ready_file: Mapped[str | None] = mapped_column(Text)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    ceremony: Mapped[KeyCeremony] = relationship(back_populates="guarantors")

    @property
    def index(self) -> int:
        return self.position
