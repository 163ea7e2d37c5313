"""Roles in a convention: granting one, and the people who hold one.

A convention is named by its id: accounts sit below conventions in the layers. The writes are
audited by the caller (the convention's services), which knows the actor and the reason.
"""

from __future__ import annotations

from sqlalchemy import select

from convention.auth.models import CONVENTION_ROLES, ConventionRole, Role, User
from convention.extensions import db
from convention.i18n import sorted_by_name


def grant_role(user: User, convention_id: int, role: Role) -> ConventionRole:
    """Make `user` a `role` of the convention, replacing the role they had there (one role per
    person and convention)."""
    if role not in CONVENTION_ROLES:
        raise ValueError(f"{role} is not given per convention")
    found = next((r for r in user.convention_roles if r.convention_id == convention_id), None)
    if found is None:
        found = ConventionRole(convention_id=convention_id, role=role)
        user.convention_roles.append(found)
    else:
        found.role = role
    db.session.flush()
    return found


def revoke_role(user: User, convention_id: int) -> None:
    """`user` is a citizen again in that convention."""
    for found in [r for r in user.convention_roles if r.convention_id == convention_id]:
        user.convention_roles.remove(found)
    db.session.flush()


def holders(convention_id: int, role: Role):
    """A query of the people who are `role` in the convention, by name."""
    return (
        select(User)
        .join(ConventionRole, ConventionRole.user_id == User.id)
        .where(ConventionRole.convention_id == convention_id, ConventionRole.role == role)
        .order_by(User.display_name, User.id)
    )


def people_with_role(convention_id: int, role: Role) -> list[User]:
    return sorted_by_name(
        db.session.scalars(holders(convention_id, role)), lambda u: u.display_name
    )
