"""recruitment: invitations reach people by email; replacement draws are published

Revision ID: 0013_invitation_emails
Revises: 0012_sittings

Each invitation gets the private email staff give after the draw (one address per person of a
run), when the invitation and its last reminder left, how many reminders, and how the answer
came (the personal link or staff by phone). Existing answers were all taken by staff, so they
are marked "phone".

A new table keeps each replacement draw's list of panels (pseudonyms only), its seed and the
panel it picked, so the list can be published like the main draw's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_invitation_emails"
down_revision = "0012_sittings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "replacement_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("panel_list", sa.Text(), nullable=False),
        sa.Column("panels", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=200), nullable=False),
        sa.Column("drawn_index", sa.Integer(), nullable=False),
        sa.Column("list_sha256", sa.String(length=64), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("round > 0", name=op.f("ck_replacement_draw_round_after_main_draw")),
        sa.CheckConstraint("seats > 0", name=op.f("ck_replacement_draw_seats_not_empty")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sortition_run.id"],
            name=op.f("fk_replacement_draw_run_id_sortition_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replacement_draw")),
        sa.UniqueConstraint("run_id", "round", name=op.f("uq_replacement_draw_run_id_round")),
    )
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("reminder_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("answered_by", sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_invitation_run_id_email"), ["run_id", "email"])
        batch_op.create_check_constraint(
            op.f("ck_invitation_answer_channel"), "answered_by IN ('link', 'phone')"
        )
        batch_op.create_check_constraint(
            op.f("ck_invitation_reminder_count_not_negative"), "reminder_count >= 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_invitation_reminded_after_invited"),
            "reminded_at IS NULL OR invited_at IS NOT NULL",
        )
    invitation = sa.table(
        "invitation", sa.column("status", sa.String()), sa.column("answered_by", sa.String())
    )
    op.execute(
        invitation.update()
        .where(invitation.c.status != "invited")
        .values(answered_by=op.inline_literal("phone"))
    )


def downgrade():
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.drop_constraint(op.f("ck_invitation_reminded_after_invited"), type_="check")
        batch_op.drop_constraint(op.f("ck_invitation_reminder_count_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_invitation_answer_channel"), type_="check")
        batch_op.drop_constraint(op.f("uq_invitation_run_id_email"), type_="unique")
        batch_op.drop_column("answered_by")
        batch_op.drop_column("reminder_count")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("invited_at")
        batch_op.drop_column("email")
    op.drop_table("replacement_draw")
