"""Threads, comments, reports, upvotes, follows, notifications and suspensions.

Uniqueness (one report, one upvote, one follow per person) is a database constraint; the
counters on threads and comments are updated in SQL in the same transaction as the row they
count, and must always equal a recount.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from convention.assembly.models import Hearing
from convention.auth.models import User
from convention.clock import utcnow
from convention.db_types import UTCDateTime, enum_column
from convention.extensions import Model
from convention.proposals.models import Idea, Recommendation


class TargetKind(enum.Enum):
    RECOMMENDATION = "recommendation"
    IDEA = "idea"
    HEARING = "hearing"


class Stance(enum.Enum):
    FOR = "for"
    AGAINST = "against"
    NEUTRAL = "neutral"

    @property
    def label(self) -> str:
        return str(STANCE_LABELS[self])


STANCE_LABELS = {
    Stance.FOR: _l("pour"),
    Stance.AGAINST: _l("contre"),
    Stance.NEUTRAL: _l("ni pour ni contre"),
}


class ReportReason(enum.Enum):
    INSULT = "insult"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    SPAM = "spam"
    MISINFORMATION = "misinformation"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self])


REASON_LABELS = {
    ReportReason.INSULT: _l("insulte ou propos injurieux"),
    ReportReason.OFF_TOPIC: _l("hors sujet"),
    ReportReason.PERSONAL_DATA: _l("données personnelles"),
    ReportReason.SPAM: _l("publicité ou spam"),
    ReportReason.MISINFORMATION: _l("fausse information"),
    ReportReason.OTHER: _l("autre raison"),
}


# The column of `thread` that points at each kind of target.
TARGET_COLUMNS = {
    TargetKind.RECOMMENDATION: "recommendation_id",
    TargetKind.IDEA: "idea_id",
    TargetKind.HEARING: "hearing_id",
}


def _one_target_of_its_kind() -> str:
    """SQL: exactly one target column is set, the one of the thread's kind."""
    cases = []
    for kind, column in TARGET_COLUMNS.items():
        others = " AND ".join(
            f"{other} IS NULL" for other in TARGET_COLUMNS.values() if other != column
        )
        cases.append(f"(target_kind = '{kind.value}' AND {column} IS NOT NULL AND {others})")
    return " OR ".join(cases)


class Thread(Model):
    """The discussion of one recommendation, idea or hearing.

    Its target is a real foreign key: one nullable column per kind of target, each unique and
    ON DELETE CASCADE, and a CHECK that exactly one is set, the one `target_kind` names. So a
    thread never outlives its target, never points at a row of another kind, and one target
    has at most one thread. Chosen over one `discussable` table that recommendations, ideas
    and hearings would each reference: that would make proposals and assembly, layers below
    the discussion, depend on a table of the discussion, whereas here only the discussion
    knows what it discusses. A new kind of target costs one column and one line of the CHECK.
    """

    __tablename__ = "thread"
    __table_args__ = (
        CheckConstraint(_one_target_of_its_kind(), name="one_target_of_its_kind"),
        CheckConstraint("comment_count >= 0", name="comment_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always its target's convention (checked when the thread is created).
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    target_kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind, "thread_target"))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True, unique=True
    )
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="CASCADE"), index=True, unique=True
    )
    hearing_id: Mapped[int | None] = mapped_column(
        ForeignKey("hearing.id", ondelete="CASCADE"), index=True, unique=True
    )
    members_only: Mapped[bool] = mapped_column(Boolean, default=False)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # For pages that list comments of many threads (the moderation queue): their targets'
    # titles and addresses, loaded in one query per kind.
    recommendation: Mapped[Recommendation | None] = relationship(viewonly=True)
    idea: Mapped[Idea | None] = relationship(viewonly=True)
    hearing: Mapped[Hearing | None] = relationship(viewonly=True)

    @classmethod
    def about(cls, kind: TargetKind, target_id: int) -> ColumnElement[bool]:
        """SQL: the thread of this target (through its indexed column)."""
        column: InstrumentedAttribute[int | None] = getattr(cls, TARGET_COLUMNS[kind])
        return column == target_id

    @classmethod
    def on(cls, kind: TargetKind, target_id: int, **fields: Any) -> Thread:
        """A new thread about the target `kind` #`target_id`."""
        return cls(target_kind=kind, **{TARGET_COLUMNS[kind]: target_id}, **fields)

    @property
    def target_id(self) -> int:
        target_id: int = getattr(self, TARGET_COLUMNS[self.target_kind])
        return target_id

    @property
    def target(self) -> Recommendation | Idea | Hearing:
        """The recommendation, idea or hearing discussed."""
        target: Recommendation | Idea | Hearing = getattr(self, self.target_kind.value)
        return target


class Comment(Model):
    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint("depth >= 0 AND depth <= 2", name="depth_at_most_three_levels"),
        CheckConstraint("upvote_count >= 0", name="upvote_count_not_negative"),
        CheckConstraint("report_count >= 0", name="report_count_not_negative"),
        Index("ix_comment_thread_root", "thread_id", "root_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    # The top-level comment of the conversation this one belongs to (itself for top level).
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    stance: Mapped[Stance] = mapped_column(
        enum_column(Stance, "comment_stance"), default=Stance.NEUTRAL
    )
    body: Mapped[str] = mapped_column(Text)
    # The sanitised HTML of `body`, made once at each save rather than at every display.
    body_html: Mapped[str] = mapped_column(Text)
    # Whether the author was a member drawn by lot when writing: shown next to the comment.
    by_member: Mapped[bool] = mapped_column(Boolean, default=False)
    upvote_count: Mapped[int] = mapped_column(Integer, default=0)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    # Hidden automatically after enough reports, until a moderator reviews it.
    pending_review: Mapped[bool] = mapped_column(Boolean, default=False)

    author: Mapped[User] = relationship()
    revisions: Mapped[list[CommentRevision]] = relationship(
        back_populates="comment", order_by="CommentRevision.id", cascade="all, delete-orphan"
    )
    thread: Mapped[Thread] = relationship(viewonly=True)
    # The reports no moderator has dealt with yet: what the moderation queue shows.
    open_reports: Mapped[list[Report]] = relationship(
        primaryjoin="and_(Report.comment_id == Comment.id, Report.resolved_at.is_(None))",
        order_by="Report.id",
        viewonly=True,
    )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentRevision(Model):
    """A former text of a comment edited after its first 15 minutes; shown as history."""

    __tablename__ = "comment_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    body_html: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="revisions")


class Report(Model):
    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    reason: Mapped[ReportReason] = mapped_column(enum_column(ReportReason, "report_reason"))
    details: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when a moderator has dealt with the comment (hidden, restored or dismissed).
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    reporter: Mapped[User] = relationship()


class Upvote(Model):
    __tablename__ = "upvote"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Follow(Model):
    """Someone follows a thread and receives a daily digest of its new comments."""

    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Comments after this moment go into the next digest.
    digested_until: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(Model):
    """A message for one person: a mention, a moderation decision about their comment."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Suspension(Model):
    """A moderator stops someone from posting for a period; the history is kept."""

    __tablename__ = "suspension"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
