"""Recommendations, their versions, amendments and votes on them, citizen ideas."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.assembly.models import Hearing, Theme, WorkingGroup
from convention.auth.models import User
from convention.clock import utcnow
from convention.db_types import UTCDateTime, enum_column
from convention.extensions import Model, db


class Status(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.DRAFT: _l("brouillon"),
    Status.PUBLISHED: _l("publiée"),
    Status.SUBMITTED: _l("soumise au vote des membres"),
    Status.ADOPTED: _l("adoptée"),
    Status.REJECTED: _l("rejetée"),
    Status.WITHDRAWN: _l("retirée"),
    Status.MERGED: _l("fusionnée"),
}
PUBLIC_STATUSES = frozenset(Status) - {Status.DRAFT}


# The structured text of a recommendation, in the order it is shown. Title is plain text; the
# other fields are Markdown.
TEXT_FIELDS = (
    "title",
    "problem",
    "proposal",
    "impact",
    "carried_by",
    "cost",
    "risks",
    "evidence",
    "minority_opinion",
)
REQUIRED_FIELDS = ("title", "problem", "proposal")
FIELD_LIMITS = {
    "title": 200,
    "problem": 10000,
    "proposal": 10000,
    "impact": 5000,
    "carried_by": 2000,
    "cost": 2000,
    "risks": 5000,
    "evidence": 5000,
    "minority_opinion": 5000,
}
FIELD_LABELS = {
    "title": _l("Titre"),
    "problem": _l("Le problème auquel elle répond"),
    "proposal": _l("La recommandation"),
    "impact": _l("Impact attendu"),
    "carried_by": _l("Qui la mettrait en œuvre"),
    "cost": _l("Coût ou effort estimé"),
    "risks": _l("Risques et garde-fous"),
    "evidence": _l("Auditions et documents sur lesquels elle s'appuie"),
    "minority_opinion": _l("Avis minoritaire"),
}


class RecommendationText:
    """The versioned fields, shared by a recommendation and each of its versions."""

    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text, default="")
    proposal: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    carried_by: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    minority_opinion: Mapped[str] = mapped_column(Text, default="")

    def text(self) -> dict[str, str]:
        return {name: getattr(self, name) or "" for name in TEXT_FIELDS}


recommendation_hearing = Table(
    "recommendation_hearing",
    db.metadata,
    Column(
        "recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("hearing_id", ForeignKey("hearing.id", ondelete="CASCADE"), primary_key=True),
)

recommendation_idea = Table(
    "recommendation_idea",
    db.metadata,
    Column(
        "recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("idea_id", ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True),
)


class Recommendation(RecommendationText, Model):
    __tablename__ = "recommendation"
    __table_args__ = (
        UniqueConstraint("convention_id", "number"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("comment_count >= 0", name="comment_count_not_negative"),
        CheckConstraint("amendment_count >= 0", name="amendment_count_not_negative"),
        # The list's count, filters and orders read narrow indexes, not the wide rows.
        Index("ix_recommendation_listing", "convention_id", "status", "id"),
        Index("ix_recommendation_recent", "convention_id", "updated_at", "id"),
        Index("ix_recommendation_discussed", "convention_id", "comment_count", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(80))
    status: Mapped[Status] = mapped_column(
        enum_column(Status, "recommendation_status"), default=Status.DRAFT
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    amendment_count: Mapped[int] = mapped_column(Integer, default=0)
    # Kept by the discussion feature; used to sort by "most discussed".
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("recommendation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    group: Mapped[WorkingGroup] = relationship()
    theme: Mapped[Theme | None] = relationship()
    author: Mapped[User] = relationship()
    coauthors: Mapped[list[CoAuthor]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan"
    )
    versions: Mapped[list[RecommendationVersion]] = relationship(
        back_populates="recommendation",
        order_by="RecommendationVersion.number",
        cascade="all, delete-orphan",
    )
    amendments: Mapped[list[Amendment]] = relationship(
        back_populates="recommendation", order_by="Amendment.number", cascade="all, delete-orphan"
    )
    hearings: Mapped[list[Hearing]] = relationship(
        secondary=recommendation_hearing, order_by="Hearing.held_on"
    )
    ideas: Mapped[list[Idea]] = relationship(
        secondary=recommendation_idea, back_populates="recommendations"
    )
    merged_into: Mapped[Recommendation | None] = relationship(remote_side=[id])

    @property
    def reference(self) -> str:
        return f"R{self.number}"

    @property
    def current_version(self) -> RecommendationVersion:
        """The latest version: a recommendation has one from its drafting on."""
        return self.versions[-1]

    def is_author(self, user: User) -> bool:
        """The author and the co-authors who accepted the invitation."""
        return user.id == self.author_id or any(
            c.user_id == user.id and c.accepted_at is not None for c in self.coauthors
        )


class CoAuthor(Model):
    """An invitation to co-write, accepted or not yet."""

    __tablename__ = "coauthor"
    __table_args__ = (UniqueConstraint("recommendation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recommendation: Mapped[Recommendation] = relationship(back_populates="coauthors")
    user: Mapped[User] = relationship()


class RecommendationVersion(RecommendationText, Model):
    """A snapshot of the whole text, made by every save; never changed afterwards."""

    __tablename__ = "recommendation_version"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(300), default="")
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()
    amendment: Mapped[Amendment | None] = relationship(foreign_keys=[amendment_id], viewonly=True)

    @property
    def shown_note(self) -> str:
        """The note as the reader reads it: a version made by an accepted amendment is named
        in the reader's language, whatever language the note was stored in."""
        if self.amendment is not None:
            return str(_l("Amendement n° %(n)d accepté", n=self.amendment.number))
        return self.note


class AmendmentStatus(enum.Enum):
    PROPOSED = "proposed"
    VOTING = "voting"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CONFLICTING = "conflicting"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(AMENDMENT_STATUS_LABELS[self])


AMENDMENT_STATUS_LABELS = {
    AmendmentStatus.PROPOSED: _l("proposé"),
    AmendmentStatus.VOTING: _l("vote en cours"),
    AmendmentStatus.ACCEPTED: _l("accepté"),
    AmendmentStatus.REJECTED: _l("rejeté"),
    AmendmentStatus.CONFLICTING: _l("en conflit : à mettre à jour"),
    AmendmentStatus.WITHDRAWN: _l("retiré"),
}
PENDING_AMENDMENT = frozenset(
    {AmendmentStatus.PROPOSED, AmendmentStatus.VOTING, AmendmentStatus.CONFLICTING}
)


class Amendment(Model):
    """A change to one or more fields of a published recommendation, decided by its group."""

    __tablename__ = "amendment"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "number"),
        CheckConstraint(
            "votes_for >= 0 AND votes_against >= 0 AND votes_abstain >= 0",
            name="tally_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    base_version_id: Mapped[int] = mapped_column(ForeignKey("recommendation_version.id"))
    changes: Mapped[dict] = mapped_column(JSON)
    justification: Mapped[str] = mapped_column(Text)
    status: Mapped[AmendmentStatus] = mapped_column(
        enum_column(AmendmentStatus, "amendment_status"), default=AmendmentStatus.PROPOSED
    )
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    votes_abstain: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    vote_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result_version_id: Mapped[int | None] = mapped_column(ForeignKey("recommendation_version.id"))

    recommendation: Mapped[Recommendation] = relationship(back_populates="amendments")
    author: Mapped[User] = relationship()
    base_version: Mapped[RecommendationVersion] = relationship(foreign_keys=[base_version_id])
    result_version: Mapped[RecommendationVersion | None] = relationship(
        foreign_keys=[result_version_id]
    )
    votes: Mapped[list[AmendmentVote]] = relationship(
        back_populates="amendment", cascade="all, delete-orphan"
    )

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_AMENDMENT


class Choice(enum.Enum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"

    @property
    def label(self) -> str:
        return str(CHOICE_LABELS[self])


CHOICE_LABELS = {
    Choice.FOR: _l("pour"),
    Choice.AGAINST: _l("contre"),
    Choice.ABSTAIN: _l("abstention"),
}


class AmendmentVote(Model):
    """One vote per member and amendment: the database refuses a second one."""

    __tablename__ = "amendment_vote"
    __table_args__ = (UniqueConstraint("amendment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    choice: Mapped[Choice] = mapped_column(enum_column(Choice, "vote_choice"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    amendment: Mapped[Amendment] = relationship(back_populates="votes")
    user: Mapped[User] = relationship()


class Idea(Model):
    """A citizen's idea on a theme, which members may take up into a recommendation."""

    __tablename__ = "idea"
    __table_args__ = (CheckConstraint("length(title) > 0", name="title_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    theme: Mapped[Theme] = relationship()
    author: Mapped[User] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=recommendation_idea, back_populates="ideas"
    )


class RecommendationEvent(Model):
    """A change of status or authorship, for the trace page."""

    __tablename__ = "recommendation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()
