"""Accounts and roles.

Accounts are site-wide; roles are per convention. A person's `site_role` is either citizen or
administrator (administrators manage every convention); what they are in one convention
(member, facilitator, guarantor, staff of that convention) is a `ConventionRole` row. A member
of one convention is a citizen in every other."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.clock import utcnow
from convention.db_types import UTCDateTime
from convention.extensions import Model


class Role(enum.Enum):
    """What a person may do in a convention. Facilitators, guarantors and staff are not
    members: only members draft and vote. Guarantors attest the process: they read what staff
    read and change nothing."""

    CITIZEN = "citizen"
    MEMBER = "member"
    FACILITATOR = "facilitator"
    GUARANTOR = "guarantor"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.CITIZEN: _l("habitant·e"),
    Role.MEMBER: _l("membre tiré·e au sort"),
    Role.FACILITATOR: _l("animateur·rice"),
    Role.GUARANTOR: _l("garant·e"),
    Role.STAFF: _l("équipe de la Métropole"),
    Role.ADMIN: _l("administrateur·rice"),
}

MANAGING_ROLES = frozenset({Role.STAFF, Role.ADMIN})
#: The roles given in one convention; the others (citizen, administrator) are site-wide.
CONVENTION_ROLES = (Role.MEMBER, Role.FACILITATOR, Role.GUARANTOR, Role.STAFF)
SITE_ROLES = (Role.CITIZEN, Role.ADMIN)


def _role_type(name: str) -> Enum:
    return Enum(
        Role,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda roles: [r.value for r in roles],
    )


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
        CheckConstraint("role IN ('citizen', 'admin')", name="site_role_citizen_or_admin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str | None] = mapped_column(String(80))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Citizen or administrator, site-wide (the column keeps its first name, "role").
    site_role: Mapped[Role] = mapped_column("role", _role_type("role"), default=Role.CITIZEN)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Loaded when asked for (lists of people ask with selectinload): the signed-in person is
    # loaded on every request, which needs no commune.
    commune = relationship("Commune")
    # Read once per loaded account (the identity map keeps it for the request).
    convention_roles: Mapped[list[ConventionRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_admin(self) -> bool:
        """Administrators of the site manage every convention."""
        return self.site_role == Role.ADMIN

    def role_in(self, convention_id: int | None) -> Role:
        """What this person is in the convention `convention_id`: administrator everywhere,
        else the role given there, else a citizen."""
        if self.site_role == Role.ADMIN:
            return Role.ADMIN
        if convention_id is None:
            return Role.CITIZEN
        return next(
            (r.role for r in self.convention_roles if r.convention_id == convention_id),
            Role.CITIZEN,
        )

    def manages(self, convention_id: int | None) -> bool:
        """Staff of that convention, or an administrator."""
        return self.role_in(convention_id) in MANAGING_ROLES

    @property
    def public_name(self) -> str:
        """What others see: a member's first name, otherwise the chosen display name."""
        return self.first_name or self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.site_role.value}>"


class ConventionRole(Model):
    """What one person is in one convention. One role per person and convention; the
    convention table is named, not imported (accounts sit below conventions)."""

    __tablename__ = "convention_role"
    __table_args__ = (
        UniqueConstraint("convention_id", "user_id"),
        CheckConstraint(
            "role IN ('member', 'facilitator', 'guarantor', 'staff')", name="a_convention_role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("convention.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_role_type("convention_role_kind"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="convention_roles")
