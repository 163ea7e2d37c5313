"""ledger: the public ledger of the conventions' events, and the pseudonyms its rolls use

Revision ID: 0017_public_ledger
Revises: 0016_who_may_judge

`ledger_entry` is a hash chain (convention/ledger/verify_ledger.py): on PostgreSQL a trigger
refuses UPDATE, DELETE and TRUNCATE on it. `pseudonym` gives each member a random, stable name
per convention; deleting an account clears its user_id and keeps the code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_public_ledger"
down_revision = "0016_who_may_judge"
branch_labels = None
depends_on = None

REFUSE_REWRITES = """
CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the public ledger is append-only: % on ledger_entry is refused', TG_OP
        USING HINT = 'Entries are never edited or deleted; append a new entry instead.';
END;
$$
"""


def upgrade():
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("convention_slug", sa.String(length=60), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_ledger_entry_entry_hash")),
        sa.UniqueConstraint("previous_hash", name=op.f("uq_ledger_entry_previous_hash")),
    )
    with op.batch_alter_table("ledger_entry") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_entry_convention_slug"), ["convention_slug"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_entry_kind"), ["kind"], unique=False)
    op.create_table(
        "pseudonym",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_pseudonym_convention_id_convention"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_pseudonym_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pseudonym")),
        sa.UniqueConstraint("code", name=op.f("uq_pseudonym_code")),
        sa.UniqueConstraint(
            "convention_id", "user_id", name=op.f("uq_pseudonym_convention_id_user_id")
        ),
    )
    with op.batch_alter_table("pseudonym") as batch_op:
        batch_op.create_index(batch_op.f("ix_pseudonym_user_id"), ["user_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_REWRITES)
        op.execute(
            "CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry "
            "FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()"
        )
        op.execute(
            "CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_entry_no_truncate ON ledger_entry")
        op.execute("DROP TRIGGER ledger_entry_append_only ON ledger_entry")
        op.execute("DROP FUNCTION ledger_entry_append_only()")
    with op.batch_alter_table("pseudonym") as batch_op:
        batch_op.drop_index(batch_op.f("ix_pseudonym_user_id"))
    op.drop_table("pseudonym")
    with op.batch_alter_table("ledger_entry") as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_kind"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_convention_slug"))
    op.drop_table("ledger_entry")
