"""audit: the journal is a hash chain, and PostgreSQL refuses to rewrite it

Revision ID: 0014_audit_chain
Revises: 0013_invitation_emails

Each audit entry gets `body` (the canonical JSON of its facts), `previous_hash` (the hash of the
entry before it by id, 64 zeros for the first) and `entry_hash` (the SHA-256 of previous_hash
followed by body). Existing entries are chained here, in id order, exactly as the application
chains new ones (convention/audit/chain.py; the few lines it takes are copied below, since a
migration must keep working whatever the application becomes).

On PostgreSQL a trigger then refuses UPDATE, DELETE and TRUNCATE on the table, except the
update that clears actor_id when an account is deleted (ON DELETE SET NULL).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014_audit_chain"
down_revision = "0013_invitation_emails"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

REFUSE_REWRITES = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Deleting an account clears its actor_id (ON DELETE SET NULL); that alone is allowed.
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
            AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % on audit_entry is refused', TG_OP
        USING HINT = 'Entries are never edited or deleted; record a new entry instead.';
END;
$$
"""


def _moment(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _canonical(facts: dict) -> str:
    return json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _chain_existing_entries() -> None:
    entry = sa.table(
        "audit_entry",
        sa.column("id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("target_type", sa.String()),
        sa.column("target_id", sa.Integer()),
        sa.column("convention_id", sa.Integer()),
        sa.column("actor_id", sa.Integer()),
        sa.column("details", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("body", sa.Text()),
        sa.column("previous_hash", sa.String()),
        sa.column("entry_hash", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            entry.c.id,
            entry.c.action,
            entry.c.target_type,
            entry.c.target_id,
            entry.c.convention_id,
            entry.c.actor_id,
            entry.c.details,
            entry.c.created_at,
        ).order_by(entry.c.id)
    ).all()
    previous = GENESIS
    for row in rows:
        facts = dict(row._mapping)
        entry_id = facts.pop("id")
        facts["details"] = facts["details"] or {}
        facts["created_at"] = _moment(facts["created_at"])
        body = _canonical(facts)
        entry_hash = hashlib.sha256((previous + body).encode("utf-8")).hexdigest()
        connection.execute(
            entry.update()
            .where(entry.c.id == entry_id)
            .values(body=body, previous_hash=previous, entry_hash=entry_hash)
        )
        previous = entry_hash


def upgrade():
    # Nullable until the existing entries are chained, so no default is needed.
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.alter_column("body", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("previous_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_audit_entry_previous_hash"), ["previous_hash"])
        batch_op.create_unique_constraint(op.f("uq_audit_entry_entry_hash"), ["entry_hash"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_REWRITES)
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_no_truncate ON audit_entry")
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.drop_constraint(op.f("uq_audit_entry_entry_hash"), type_="unique")
        batch_op.drop_constraint(op.f("uq_audit_entry_previous_hash"), type_="unique")
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("previous_hash")
        batch_op.drop_column("body")
