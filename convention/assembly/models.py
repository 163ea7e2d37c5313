"""The convention, its phase calendar, themes, working groups and the territory's communes."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.auth.models import User
from convention.clock import utcnow
from convention.db_types import UTCDateTime
from convention.extensions import Model


class PhaseKind(enum.Enum):
    """The phases of a convention, in the order they happen."""

    RECRUITMENT = "recruitment"
    LEARNING = "learning"
    DELIBERATION = "deliberation"
    MEMBERS_VOTE = "members_vote"
    CONSULTATION = "consultation"
    PUBLICATION = "publication"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self])

    @property
    def description(self) -> str:
        return str(PHASE_DESCRIPTIONS[self])

    @property
    def position(self) -> int:
        return PHASE_ORDER.index(self)

    @property
    def next(self) -> PhaseKind | None:
        following = PHASE_ORDER[self.position + 1 :]
        return following[0] if following else None


PHASE_ORDER = list(PhaseKind)

PHASE_LABELS = {
    PhaseKind.RECRUITMENT: _l("Recrutement"),
    PhaseKind.LEARNING: _l("Information et auditions"),
    PhaseKind.DELIBERATION: _l("Délibération"),
    PhaseKind.MEMBERS_VOTE: _l("Vote des membres"),
    PhaseKind.CONSULTATION: _l("Consultation du public"),
    PhaseKind.PUBLICATION: _l("Publication et réponses"),
    PhaseKind.FOLLOW_UP: _l("Suivi"),
}

PHASE_DESCRIPTIONS = {
    PhaseKind.RECRUITMENT: _l(
        "Les volontaires s'inscrivent et les membres sont tirés au sort selon des quotas."
    ),
    PhaseKind.LEARNING: _l(
        "Les membres auditionnent des expertes et des experts, dont les interventions "
        "sont publiées."
    ),
    PhaseKind.DELIBERATION: _l(
        "Les groupes de travail rédigent et amendent leurs recommandations ; "
        "les habitants proposent des idées et commentent."
    ),
    PhaseKind.MEMBERS_VOTE: _l("Les membres adoptent ou rejettent chaque recommandation."),
    PhaseKind.CONSULTATION: _l("Les habitants évaluent les recommandations adoptées."),
    PhaseKind.PUBLICATION: _l(
        "Le rapport final est publié et la Métropole répond à chaque recommandation."
    ),
    PhaseKind.FOLLOW_UP: _l("La mise en œuvre des recommandations est suivie publiquement."),
}

phase_kind_type = Enum(
    PhaseKind,
    name="phase_kind",
    native_enum=False,
    create_constraint=True,
    length=20,
    values_callable=lambda kinds: [k.value for k in kinds],
)


class Convention(Model):
    __tablename__ = "convention"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    authority: Mapped[str] = mapped_column(String(200), default="")
    current_phase: Mapped[PhaseKind] = mapped_column(phase_kind_type, default=PhaseKind.RECRUITMENT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="convention", order_by="Theme.position", cascade="all, delete-orphan"
    )
    phases: Mapped[list[Phase]] = relationship(
        back_populates="convention", order_by="Phase.starts_on", cascade="all, delete-orphan"
    )
    working_groups: Mapped[list[WorkingGroup]] = relationship(
        back_populates="convention", order_by="WorkingGroup.name", cascade="all, delete-orphan"
    )

    def phase(self, kind: PhaseKind) -> Phase | None:
        return next((p for p in self.phases if p.kind == kind), None)

    @property
    def is_past(self) -> bool:
        """In its follow-up: the convention has handed over its work (it stays readable, and
        its follow-up may last years while the next convention starts)."""
        return self.current_phase == PhaseKind.FOLLOW_UP


class Phase(Model):
    """One step of the calendar: when it is planned, and when staff actually opened it."""

    __tablename__ = "phase"
    __table_args__ = (
        UniqueConstraint("convention_id", "kind"),
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="ends_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    kind: Mapped[PhaseKind] = mapped_column(phase_kind_type)
    starts_on: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_on: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    convention: Mapped[Convention] = relationship(back_populates="phases")


class Theme(Model):
    __tablename__ = "theme"
    __table_args__ = (
        UniqueConstraint("convention_id", "slug"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    convention: Mapped[Convention] = relationship(back_populates="themes")
    working_groups: Mapped[list[WorkingGroup]] = relationship(back_populates="theme")


class WorkingGroup(Model):
    """A thematic group of members, run by a facilitator."""

    __tablename__ = "working_group"
    __table_args__ = (UniqueConstraint("convention_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    convention: Mapped[Convention] = relationship(back_populates="working_groups")
    theme: Mapped[Theme | None] = relationship(back_populates="working_groups")
    facilitator: Mapped[User | None] = relationship()
    memberships: Mapped[list[GroupMembership]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )


class GroupMembership(Model):
    """A member sits in exactly one working group of a convention."""

    __tablename__ = "group_membership"
    __table_args__ = (UniqueConstraint("convention_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group: Mapped[WorkingGroup] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Hearing(Model):
    """An expert heard by the convention, published with the interests they declared."""

    __tablename__ = "hearing"
    __table_args__ = (
        UniqueConstraint("convention_id", "slug"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    expert: Mapped[str] = mapped_column(String(200))
    expert_role: Mapped[str] = mapped_column(String(300), default="")
    held_on: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text, default="")
    declared_interests: Mapped[str] = mapped_column(Text, default="")
    # One document a line: "Title | https://address" or just an address.
    documents: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def document_links(self) -> list[tuple[str, str]]:
        links = []
        for line in self.documents.splitlines():
            title, _, url = line.rpartition("|") if "|" in line else ("", "", line)
            if url.strip():
                links.append(((title or url).strip(), url.strip()))
        return links
