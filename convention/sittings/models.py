"""The convention's sessions (its weekends), their agenda, the members' attendance and the
daily allowance the convention pays for it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.assembly.models import Hearing, WorkingGroup
from convention.auth.models import User
from convention.clock import utcnow
from convention.db_types import UTCDateTime, enum_column
from convention.extensions import Model
from convention.sittings import allowances


class AttendanceStatus(enum.Enum):
    """What staff record for a member and a session; only `present` is paid."""

    PRESENT = allowances.PRESENT
    EXCUSED = allowances.EXCUSED
    ABSENT = allowances.ABSENT

    @property
    def label(self) -> str:
        return str(ATTENDANCE_LABELS[self])


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Présent·e"),
    AttendanceStatus.EXCUSED: _l("Excusé·e"),
    AttendanceStatus.ABSENT: _l("Absent·e"),
}


class Sitting(Model):
    """One session of the convention: a day or a weekend in one place. Dates are calendar
    days (no time zone): the last day is included."""

    __tablename__ = "sitting"
    __table_args__ = (
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("convention.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="sitting",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="sitting", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def last_day(self) -> date:
        return self.ends_on or self.starts_on

    @property
    def days(self) -> int:
        """Days it lasts, both ends included: what a member present is paid for."""
        return allowances.session_days(self.starts_on, self.ends_on)


class AgendaItem(Model):
    """A point of a session's agenda, possibly about a hearing or a working group of the same
    convention (the services check that it is the same)."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("sitting_id", "position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    hearing_id: Mapped[int | None] = mapped_column(
        ForeignKey("hearing.id", ondelete="SET NULL"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="SET NULL"), index=True
    )

    sitting: Mapped[Sitting] = relationship(back_populates="agenda")
    hearing: Mapped[Hearing | None] = relationship()
    group: Mapped[WorkingGroup | None] = relationship()


class Attendance(Model):
    """Whether a member came to a session: one record per member and session, kept with who
    recorded it and when."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("sitting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_column(AttendanceStatus, "attendance_status")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    sitting: Mapped[Sitting] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class AllowanceRule(Model):
    """What the convention pays its members: a daily amount, in cents, for every day of a
    session they attended. No row means no allowance set yet (nothing is paid)."""

    __tablename__ = "allowance_rule"
    __table_args__ = (CheckConstraint("daily_cents >= 0", name="daily_cents_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("convention.id", ondelete="CASCADE"), unique=True
    )
    daily_cents: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
