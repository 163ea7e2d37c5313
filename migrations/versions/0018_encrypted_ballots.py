"""votes: secret ballots are encrypted to the guarantors' key; the key ceremony; the packets
the guarantors decrypt at a close

Revision ID: 0018_encrypted_ballots
Revises: 0017_public_ledger

The plaintext choices of secret ballots (`secret_vote`) are dropped: they could be linked to
their voters by whoever reads the database (see issue 18). A vote closed before keeps its
sealed export, which is what is published and checked. On PostgreSQL, the encrypted ballots
of a vote whose voting has ended can no longer be added, changed or removed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_encrypted_ballots"
down_revision = "0017_public_ledger"
branch_labels = None
depends_on = None

FROZEN = """
CREATE FUNCTION ended_vote_keeps_its_ballots() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ballot integer;
BEGIN
    IF TG_OP = 'INSERT' THEN ballot := NEW.ballot_id; ELSE ballot := OLD.ballot_id; END IF;
    IF EXISTS (
        SELECT 1 FROM adoption_ballot
        WHERE id = ballot AND (counting_at IS NOT NULL OR closed_at IS NOT NULL)
    ) THEN
        RAISE EXCEPTION 'the voting of ballot % has ended: its encrypted ballots are final',
            ballot;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
"""


def _when(column: str) -> sa.Column:
    return sa.Column(column, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "key_ceremony",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("base_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _when("completed_at"),
        _when("abandoned_at"),
        sa.Column("joint_key", sa.Text(), nullable=True),
        sa.CheckConstraint("threshold >= 1", name=op.f("ck_key_ceremony_threshold_positive")),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_key_ceremony_convention_id_convention"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_key_ceremony_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_ceremony")),
    )
    op.create_index(
        op.f("ix_key_ceremony_convention_id"), "key_ceremony", ["convention_id"], unique=False
    )
    op.create_table(
        "ceremony_guarantor",
        sa.Column("ceremony_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_file", sa.Text(), nullable=True),
        _when("key_at"),
        sa.Column("shares_file", sa.Text(), nullable=True),
        _when("shares_at"),
        sa.Column("ready_file", sa.Text(), nullable=True),
        _when("ready_at"),
        sa.CheckConstraint("position >= 1", name=op.f("ck_ceremony_guarantor_position_positive")),
        sa.ForeignKeyConstraint(
            ["ceremony_id"],
            ["key_ceremony.id"],
            name=op.f("fk_ceremony_guarantor_ceremony_id_key_ceremony"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_ceremony_guarantor_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("ceremony_id", "position", name=op.f("pk_ceremony_guarantor")),
    )
    op.create_index(
        op.f("ix_ceremony_guarantor_user_id"), "ceremony_guarantor", ["user_id"], unique=False
    )
    op.create_table(
        "decryption_packet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("ceremony_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        _when("completed_at"),
        sa.ForeignKeyConstraint(
            ["ceremony_id"],
            ["key_ceremony.id"],
            name=op.f("fk_decryption_packet_ceremony_id_key_ceremony"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_decryption_packet_convention_id_convention"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_decryption_packet_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decryption_packet")),
    )
    op.create_index(
        op.f("ix_decryption_packet_convention_id"),
        "decryption_packet",
        ["convention_id"],
        unique=False,
    )
    op.create_table(
        "partial_decryption",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["decryption_packet.id"],
            name=op.f("fk_partial_decryption_packet_id_decryption_packet"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_partial_decryption_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("packet_id", "position", name=op.f("pk_partial_decryption")),
    )
    op.create_table(
        "encrypted_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["adoption_ballot.id"],
            name=op.f("fk_encrypted_vote_ballot_id_adoption_ballot"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encrypted_vote")),
        sa.UniqueConstraint(
            "ballot_id", "tracking_code", name=op.f("uq_encrypted_vote_ballot_id_tracking_code")
        ),
    )
    op.create_index(
        op.f("ix_encrypted_vote_ballot_id"), "encrypted_vote", ["ballot_id"], unique=False
    )
    with op.batch_alter_table("adoption_ballot") as batch_op:
        batch_op.add_column(sa.Column("ceremony_id", sa.Integer(), nullable=True))
        batch_op.add_column(_when("counting_at"))
        batch_op.add_column(sa.Column("packet_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_adoption_ballot_packet_id"), ["packet_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_adoption_ballot_ceremony_id_key_ceremony"),
            "key_ceremony",
            ["ceremony_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_adoption_ballot_packet_id_decryption_packet"),
            "decryption_packet",
            ["packet_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("secret_vote") as batch_op:
        batch_op.drop_index(batch_op.f("ix_secret_vote_ballot_id"))
    op.drop_table("secret_vote")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FROZEN)
        op.execute(
            "CREATE TRIGGER encrypted_vote_final BEFORE INSERT OR UPDATE OR DELETE "
            "ON encrypted_vote FOR EACH ROW EXECUTE FUNCTION ended_vote_keeps_its_ballots()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS encrypted_vote_final ON encrypted_vote")
        op.execute("DROP FUNCTION IF EXISTS ended_vote_keeps_its_ballots()")
    # The plaintext table comes back empty: the encrypted ballots cannot be turned back.
    op.create_table(
        "secret_vote",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum(
                "for",
                "against",
                "abstain",
                name="secret_vote_choice",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["adoption_ballot.id"],
            name=op.f("fk_secret_vote_ballot_id_adoption_ballot"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secret_vote")),
    )
    with op.batch_alter_table("secret_vote") as batch_op:
        batch_op.create_index(batch_op.f("ix_secret_vote_ballot_id"), ["ballot_id"], unique=False)
    with op.batch_alter_table("adoption_ballot") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_adoption_ballot_packet_id_decryption_packet"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_adoption_ballot_ceremony_id_key_ceremony"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_adoption_ballot_packet_id"))
        batch_op.drop_column("packet_id")
        batch_op.drop_column("counting_at")
        batch_op.drop_column("ceremony_id")
    op.drop_table("encrypted_vote")
    op.drop_table("partial_decryption")
    op.drop_table("decryption_packet")
    op.drop_table("ceremony_guarantor")
    op.drop_table("key_ceremony")
