"""publication: each published edition's files, rendered once and kept

Revision ID: 0008_report_edition_files
Revises: 0007_judgment_counters
Create Date: 2026-11-24 07:00:00

A download of a published edition used to render the report again: tens of seconds of
processor time for the PDF of a large convention, on a public address. The files are now
rendered when the edition is published (or at its first download) and served from here.
Editions published before this revision get their files at their next download.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_report_edition_files"
down_revision = "0007_judgment_counters"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_edition_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["report_edition.id"],
            name=op.f("fk_report_edition_file_edition_id_report_edition"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_edition_file")),
        sa.UniqueConstraint(
            "edition_id", "format", name=op.f("uq_report_edition_file_edition_id_format")
        ),
    )


def downgrade():
    op.drop_table("report_edition_file")
