"""Accounts and roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.clock import utcnow
from convention.db_types import UTCDateTime
from convention.extensions import Model


class Role(enum.Enum):
    """What a person may do. Each role includes the rights of the roles before it, except that
    facilitators and staff are not members: only members draft and vote."""

    CITIZEN = "citizen"
    MEMBER = "member"
    FACILITATOR = "facilitator"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.CITIZEN: _l("habitant·e"),
    Role.MEMBER: _l("membre tiré·e au sort"),
    Role.FACILITATOR: _l("animateur·rice"),
    Role.STAFF: _l("équipe de la Métropole"),
    Role.ADMIN: _l("administrateur·rice"),
}

MANAGING_ROLES = frozenset({Role.STAFF, Role.ADMIN})


class Commune(Model):
    """A commune of the territory; residents and members say where they live."""

    __tablename__ = "commune"
    __table_args__ = (CheckConstraint("population >= 0", name="population_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    population: Mapped[int] = mapped_column(Integer, default=0)


class User(UserMixin, Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("length(email) > 3", name="email_not_empty"),
        CheckConstraint("length(display_name) > 0", name="display_name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str | None] = mapped_column(String(80))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda roles: [r.value for r in roles],
        ),
        default=Role.CITIZEN,
    )
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Loaded when asked for (lists of people ask with selectinload): the signed-in person is
    # loaded on every request, which needs no commune.
    commune = relationship("Commune")

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_manager(self) -> bool:
        """Staff of the authority or administrators: they manage the convention."""
        return self.role in MANAGING_ROLES

    @property
    def public_name(self) -> str:
        """What others see: a member's first name, otherwise the chosen display name."""
        return self.first_name or self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
