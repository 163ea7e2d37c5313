"""votes: the public export of a closed vote is kept as published, and a closed vote stays closed

Revision ID: 0015_sealed_exports
Revises: 0014_audit_chain

A members' ballot and the consultation keep `sealed_export`, the exact text of their public
export written at the close, which the site then serves as it is. On PostgreSQL a trigger
refuses to reopen a closed vote or to change its digest or its kept export, so rewriting the
votes and sealing them again (the reseal from a shell) cannot be done through the tables.
Votes closed before this migration keep an empty `sealed_export`: their export is still
rebuilt from the tables, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_sealed_exports"
down_revision = "0014_audit_chain"
branch_labels = None
depends_on = None

TABLES = ("adoption_ballot", "consultation")

KEEP_CLOSED = """
CREATE FUNCTION closed_vote_stays_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The closing transaction writes the digest and the export once the row is closed;
    -- once written, they never change.
    IF OLD.closed_at IS NOT NULL AND (
        NEW.closed_at IS DISTINCT FROM OLD.closed_at
        OR (OLD.digest IS NOT NULL AND NEW.digest IS DISTINCT FROM OLD.digest)
        OR (OLD.sealed_export IS NOT NULL
            AND NEW.sealed_export IS DISTINCT FROM OLD.sealed_export)
    ) THEN
        RAISE EXCEPTION 'a closed vote stays closed: % % cannot be reopened or resealed',
            TG_TABLE_NAME, OLD.id
            USING HINT = 'The close, its digest and its kept export are final.';
    END IF;
    RETURN NEW;
END;
$$
"""


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("sealed_export", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(KEEP_CLOSED)
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_stays_closed BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION closed_vote_stays_closed()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_stays_closed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS closed_vote_stays_closed()")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sealed_export")
