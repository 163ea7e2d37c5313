"""votes: whether the convention's staff may judge in its public consultation (off by default)

Revision ID: 0016_who_may_judge
Revises: 0015_sealed_exports

The rules say it (`vote_rules.staff_may_judge`) and a consultation keeps the value it was
opened with (`consultation.staff_may_judge`), which its sealed export then states.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_who_may_judge"
down_revision = "0015_sealed_exports"
branch_labels = None
depends_on = None

TABLES = ("vote_rules", "consultation")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "staff_may_judge", sa.Boolean(), nullable=False, server_default=sa.false()
                )
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("staff_may_judge")
