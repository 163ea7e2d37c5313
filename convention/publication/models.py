"""Report editions, official answers, follow-up updates, members' assessments, export jobs."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.auth.models import User
from convention.clock import utcnow
from convention.db_types import UTCDateTime, enum_column
from convention.extensions import Model
from convention.jobs import JobMixin, job_constraints
from convention.proposals.models import Recommendation


class ReportEdition(Model):
    """A published report, frozen: the data it was rendered from is kept as it was."""

    __tablename__ = "report_edition"
    __table_args__ = (UniqueConstraint("convention_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # Read only to render a file the edition does not have yet: lists and downloads of
    # editions leave it (a large convention's report is a megabyte of JSON) in the database.
    data: Mapped[dict] = mapped_column(JSON, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class ReportEditionFile(Model):
    """A published edition in one format, rendered once and kept: every download of the
    edition serves these bytes, so a public download never renders the report (the PDF of a
    large convention takes tens of seconds of processor time)."""

    __tablename__ = "report_edition_file"
    __table_args__ = (UniqueConstraint("edition_id", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("report_edition.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AnswerKind(enum.Enum):
    ADOPTED = "adopted"
    ADAPTED = "adapted"
    REJECTED = "rejected"
    UNDER_STUDY = "under_study"

    @property
    def label(self) -> str:
        return str(ANSWER_LABELS[self])


ANSWER_LABELS = {
    AnswerKind.ADOPTED: _l("retenue telle quelle"),
    AnswerKind.ADAPTED: _l("retenue avec des modifications"),
    AnswerKind.REJECTED: _l("non retenue"),
    AnswerKind.UNDER_STUDY: _l("à l'étude"),
}


class Answer(Model):
    """The authority's official answer to one adopted recommendation (comply or explain)."""

    __tablename__ = "answer"
    __table_args__ = (
        CheckConstraint("kind <> 'rejected' OR length(reasons) > 0", name="rejection_has_reasons"),
        CheckConstraint("kind <> 'under_study' OR due_on IS NOT NULL", name="study_has_due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[AnswerKind] = mapped_column(enum_column(AnswerKind, "answer_kind"))
    reasons: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    service: Mapped[str] = mapped_column(String(200))
    public_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    recommendation: Mapped[Recommendation] = relationship()
    assessments: Mapped[list[AnswerAssessment]] = relationship(
        back_populates="answer", cascade="all, delete-orphan"
    )


class AnswerAssessment(Model):
    """A member's grade of an answer, 0 to 10, as the Convention citoyenne pour le climat
    graded the government's answers. One per member and answer."""

    __tablename__ = "answer_assessment"
    __table_args__ = (
        UniqueConstraint("answer_id", "member_id"),
        CheckConstraint("grade >= 0 AND grade <= 10", name="grade_0_to_10"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    grade: Mapped[int] = mapped_column(Integer)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    answer: Mapped[Answer] = relationship(back_populates="assessments")


class FollowUpUpdate(Model):
    """An implementation update on an adopted recommendation."""

    __tablename__ = "follow_up_update"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_0_to_100"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    happened_on: Mapped[date] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # One address a line: "Title | https://address" or just an address.
    links: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    recommendation: Mapped[Recommendation] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def link_list(self) -> list[tuple[str, str]]:
        """The links as (title, address); an address given alone is its own title."""
        found = []
        for line in self.links.splitlines():
            title, _, url = line.rpartition("|")
            if url.strip():
                found.append((title.strip() or url.strip(), url.strip()))
        return found


class ExportJob(JobMixin, Model):
    """A draft export prepared for one staff member; only they can download it."""

    __tablename__ = "export_job"
    __table_args__ = job_constraints()

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    # The draft is for its requester alone: it goes with their account.
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
