"""A selection run (pool, quotas, results, lottery, draw), the invitations it sends and its
replacement draws."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.db_types import UTCDateTime, enum_column
from convention.extensions import Model
from convention.jobs import JobMixin, job_constraints


class SortitionRun(JobMixin, Model):
    """One selection: the imported files, the computed distribution's report and lottery,
    then the public draw. The pool file is kept so the run can be checked and replaced. The
    computation is a background job: its requester is the staff member who imported."""

    __tablename__ = "sortition_run"
    __table_args__ = (
        CheckConstraint("k > 0", name="panel_not_empty"),
        CheckConstraint("panels > 0", name="lottery_not_empty"),
        *job_constraints(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    k: Mapped[int] = mapped_column(Integer)
    algorithm: Mapped[str] = mapped_column(String(10))
    panels: Mapped[int] = mapped_column(Integer, default=1000)
    pool_csv: Mapped[str] = mapped_column(Text)
    quotas_csv: Mapped[str] = mapped_column(Text)
    pool_size: Mapped[int] = mapped_column(Integer)
    # Plain data made from the sortition report: probabilities, fairness, composition.
    report: Mapped[dict | None] = mapped_column(JSON)
    # The published list of panels (canonical text) and the private id -> pseudonym table.
    panel_list: Mapped[str | None] = mapped_column(Text)
    pseudonyms: Mapped[dict | None] = mapped_column(JSON)
    lottery: Mapped[dict | None] = mapped_column(JSON)
    seed: Mapped[str | None] = mapped_column(String(200))
    drawn_index: Mapped[int | None] = mapped_column(Integer)
    list_sha256: Mapped[str | None] = mapped_column(String(64))
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="run", order_by="Invitation.id", cascade="all, delete-orphan"
    )
    replacements: Mapped[list[ReplacementDraw]] = relationship(
        back_populates="run", order_by="ReplacementDraw.round", cascade="all, delete-orphan"
    )


class InvitationStatus(enum.Enum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class AnswerChannel(enum.Enum):
    """How an answer came: the person followed their link, or staff took it by phone."""

    LINK = "link"
    PHONE = "phone"


class Invitation(Model):
    """A drawn volunteer invited to join; `round` 0 is the main draw, then replacements.

    The email is private contact data given by staff after the draw: it is never shown on a
    public page nor written to a published file. One address per person of a run."""

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("run_id", "person_id"),
        UniqueConstraint("run_id", "email"),
        CheckConstraint("reminder_count >= 0", name="reminder_count_not_negative"),
        CheckConstraint(
            "reminded_at IS NULL OR invited_at IS NOT NULL", name="reminded_after_invited"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sortition_run.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(String(100))
    pseudonym: Mapped[str] = mapped_column(String(40))
    round: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus, "invitation_status"), default=InvitationStatus.INVITED
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email: Mapped[str | None] = mapped_column(String(254))
    # When the first invitation email left, and the last reminder (a resend).
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answered_by: Mapped[AnswerChannel | None] = mapped_column(
        enum_column(AnswerChannel, "answer_channel")
    )

    run: Mapped[SortitionRun] = relationship(back_populates="invitations")


class ReplacementDraw(Model):
    """A replacement draw of a run: its list of panels of substitutes (pseudonyms only,
    published like the main draw's), the public seed and the panel it picked."""

    __tablename__ = "replacement_draw"
    __table_args__ = (
        UniqueConstraint("run_id", "round"),
        CheckConstraint("round > 0", name="round_after_main_draw"),
        CheckConstraint("seats > 0", name="seats_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sortition_run.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    panel_list: Mapped[str] = mapped_column(Text)
    panels: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(200))
    drawn_index: Mapped[int] = mapped_column(Integer)
    list_sha256: Mapped[str] = mapped_column(String(64))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime())

    run: Mapped[SortitionRun] = relationship(back_populates="replacements")
