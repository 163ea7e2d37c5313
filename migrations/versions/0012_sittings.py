"""sittings: the convention's sessions, their agenda, attendance and the daily allowance

Revision ID: 0012_sittings
Revises: 0011_convention_roles

Four new tables, nothing converted:

- `sitting`: a session of a convention (a day or a weekend), with calendar dates (`ends_on`
  empty for a one-day session, never before `starts_on`) and its place;
- `agenda_item`: the points of a session's agenda in order (one position per session), each
  possibly about a hearing or a working group, which may be deleted later (the link is then
  emptied, the point stays);
- `attendance`: present, excused or absent, one record per member and session, with who
  recorded it and when;
- `allowance_rule`: the daily amount, in cents and never negative, one per convention.

The downgrade drops the four tables, and with them every session, agenda and attendance
recorded.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_sittings"
down_revision = "0011_convention_roles"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "allowance_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("daily_cents", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "daily_cents >= 0", name=op.f("ck_allowance_rule_daily_cents_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_allowance_rule_convention_id_convention"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allowance_rule")),
        sa.UniqueConstraint("convention_id", name=op.f("uq_allowance_rule_convention_id")),
    )
    op.create_table(
        "sitting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_sitting_ends_after_start")
        ),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_sitting_title_not_empty")),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_sitting_convention_id_convention"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sitting")),
    )
    with op.batch_alter_table("sitting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sitting_convention_id"), ["convention_id"], unique=False
        )

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "excused",
                "absent",
                name="attendance_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_attendance_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sitting_id"],
            ["sitting.id"],
            name=op.f("fk_attendance_sitting_id_sitting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_attendance_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("sitting_id", "user_id", name=op.f("uq_attendance_sitting_id_user_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_user_id"), ["user_id"], unique=False)

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_agenda_item_title_not_empty")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_agenda_item_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_group.id"],
            name=op.f("fk_agenda_item_group_id_working_group"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
            name=op.f("fk_agenda_item_hearing_id_hearing"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sitting_id"],
            ["sitting.id"],
            name=op.f("fk_agenda_item_sitting_id_sitting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        sa.UniqueConstraint(
            "sitting_id", "position", name=op.f("uq_agenda_item_sitting_id_position")
        ),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_hearing_id"), ["hearing_id"], unique=False)


def downgrade():
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_hearing_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_group_id"))

    op.drop_table("agenda_item")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_user_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("sitting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sitting_convention_id"))

    op.drop_table("sitting")
    op.drop_table("allowance_rule")
