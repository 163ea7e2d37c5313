"""auth: roles are given per convention; accounts stay site-wide

Revision ID: 0011_convention_roles
Revises: 0010_thread_targets

A site now hosts several conventions. `user_account.role` keeps only what is site-wide
(citizen or administrator; a CHECK says so) and a new table `convention_role` says what a
person is in one convention (member, facilitator, guarantor or staff), one role per person and
convention.

Existing accounts are converted: until now a site served one convention, so a member,
facilitator or staff account gets that role in every convention already there (in practice
the only one) and becomes a citizen site-wide. Administrators stay administrators.

Each audit entry names the convention it was written in (`audit_entry.convention_id`; the
entries written so far are the only convention's), so each convention's journal shows its own.

The downgrade gives each account back its role in the oldest convention (a guarantor becomes a
citizen: the old schema has no such role); roles in the other conventions are lost, since the
old schema could not hold them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_convention_roles"
down_revision = "0010_thread_targets"
branch_labels = None
depends_on = None

ROLE_VALUES = ("citizen", "member", "facilitator", "guarantor", "staff", "admin")
MOVED = ("member", "facilitator", "staff")


def upgrade():
    op.create_table(
        "convention_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                *ROLE_VALUES,
                name="convention_role_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('member', 'facilitator', 'guarantor', 'staff')",
            name=op.f("ck_convention_role_a_convention_role"),
        ),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_convention_role_convention_id_convention"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_convention_role_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_convention_role")),
        sa.UniqueConstraint(
            "convention_id", "user_id", name=op.f("uq_convention_role_convention_id_user_id")
        ),
    )
    op.create_index(op.f("ix_convention_role_convention_id"), "convention_role", ["convention_id"])

    connection = op.get_bind()
    users = sa.table("user_account", sa.column("id"), sa.column("role", sa.String()))
    conventions = sa.table("convention", sa.column("id"))
    roles = sa.table(
        "convention_role",
        sa.column("convention_id"),
        sa.column("user_id"),
        sa.column("role", sa.String()),
        sa.column("granted_at", sa.DateTime(timezone=True)),
    )
    convention_ids = connection.execute(sa.select(conventions.c.id)).scalars().all()
    moved = connection.execute(
        sa.select(users.c.id, users.c.role).where(users.c.role.in_(MOVED))
    ).all()
    now = sa.func.current_timestamp()
    for convention_id in convention_ids:
        for user_id, role in moved:
            connection.execute(
                roles.insert().values(
                    convention_id=convention_id, user_id=user_id, role=role, granted_at=now
                )
            )
    connection.execute(users.update().where(users.c.role.in_(MOVED)).values(role="citizen"))

    with op.batch_alter_table("user_account") as batch_op:
        batch_op.create_check_constraint(
            "site_role_citizen_or_admin", "role IN ('citizen', 'admin')"
        )

    # Each convention's journal shows its own entries; those written so far were all the
    # only convention's.
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.add_column(sa.Column("convention_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_entry_convention_id"), ["convention_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_entry_convention_id_convention"),
            "convention",
            ["convention_id"],
            ["id"],
            ondelete="SET NULL",
        )
    if convention_ids:
        entries = sa.table("audit_entry", sa.column("convention_id"))
        connection.execute(entries.update().values(convention_id=min(convention_ids)))


def downgrade():
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_entry_convention_id_convention"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_entry_convention_id"))
        batch_op.drop_column("convention_id")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_site_role_citizen_or_admin"), type_="check")
    connection = op.get_bind()
    users = sa.table("user_account", sa.column("id"), sa.column("role", sa.String()))
    roles = sa.table(
        "convention_role",
        sa.column("convention_id"),
        sa.column("user_id"),
        sa.column("role", sa.String()),
    )
    first = connection.execute(sa.text("SELECT min(id) FROM convention")).scalar()
    if first is not None:
        for user_id, role in connection.execute(
            sa.select(roles.c.user_id, roles.c.role).where(
                roles.c.convention_id == first, roles.c.role.in_(MOVED)
            )
        ).all():
            connection.execute(
                users.update()
                .where(users.c.id == user_id, users.c.role != "admin")
                .values(role=role)
            )
    op.drop_index(op.f("ix_convention_role_convention_id"), table_name="convention_role")
    op.drop_table("convention_role")
