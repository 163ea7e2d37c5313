"""discussion: a thread's target is a real foreign key

Revision ID: 0010_thread_targets
Revises: 0009_jobs

A thread pointed at its recommendation, idea or hearing by `target_kind` + `target_id`, with
no foreign key: it could outlive its target. It now has one nullable column per kind
(`recommendation_id`, `idea_id`, `hearing_id`), each unique, indexed and ON DELETE CASCADE,
and a CHECK that exactly one is set, the one its kind names.

Existing threads are converted. A thread whose target no longer exists is DELETED, with its
comments (and their revisions, reports and upvotes) and its follows: nobody could reach it,
its target's page being gone. A thread's convention is set to its target's.

The downgrade brings back `target_id` from whichever column is set; nothing is lost.

SQLite rebuilds the table (batch mode). With its foreign keys enforced, dropping the old
table would cascade to every comment and follow, so this revision refuses to run there
unless the foreign keys are off (migrations/env.py turns them off around the migrations).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_thread_targets"
down_revision = "0009_jobs"
branch_labels = None
depends_on = None

# kind -> (column of thread, table of the target)
TARGETS = {
    "recommendation": ("recommendation_id", "recommendation"),
    "idea": ("idea_id", "idea"),
    "hearing": ("hearing_id", "hearing"),
}
ONE_TARGET_OF_ITS_KIND = " OR ".join(
    f"(target_kind = '{kind}' AND {column} IS NOT NULL AND "
    + " AND ".join(f"{other} IS NULL" for other, _table in TARGETS.values() if other != column)
    + ")"
    for kind, (column, _table) in TARGETS.items()
)
ORPHANS = (
    "SELECT id FROM thread WHERE recommendation_id IS NULL AND idea_id IS NULL "
    "AND hearing_id IS NULL"
)


def _refuse_cascading_rebuild() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "0010_thread_targets rebuilds the thread table; with SQLite's foreign keys on, "
            "that would delete every comment. Run it through `flask db upgrade`, whose "
            "migrations/env.py turns them off."
        )


def upgrade():
    _refuse_cascading_rebuild()
    with op.batch_alter_table("thread", schema=None) as batch_op:
        for column, _table in TARGETS.values():
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))

    for kind, (column, table) in TARGETS.items():
        op.execute(
            f"UPDATE thread SET {column} = target_id, convention_id = "
            f"(SELECT convention_id FROM {table} WHERE {table}.id = thread.target_id) "
            f"WHERE target_kind = '{kind}' AND target_id IN (SELECT id FROM {table})"
        )
    # Threads whose target is gone, and what hangs on them. Spelled out rather than left to
    # ON DELETE CASCADE, which SQLite does not apply while its foreign keys are off.
    comments = f"SELECT id FROM comment WHERE thread_id IN ({ORPHANS})"
    for table in ("comment_revision", "report", "upvote"):
        op.execute(f"DELETE FROM {table} WHERE comment_id IN ({comments})")
    # Replies point at their parent and root: unlink them before the rows go.
    op.execute(
        f"UPDATE comment SET parent_id = NULL, root_id = NULL WHERE thread_id IN ({ORPHANS})"
    )
    op.execute(f"DELETE FROM comment WHERE thread_id IN ({ORPHANS})")
    op.execute(f"DELETE FROM follow WHERE thread_id IN ({ORPHANS})")
    op.execute(f"DELETE FROM thread WHERE id IN ({ORPHANS})")

    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_thread_target_kind_target_id"), type_="unique")
        batch_op.drop_column("target_id")
        for column, table in TARGETS.values():
            batch_op.create_index(op.f(f"ix_thread_{column}"), [column], unique=True)
            batch_op.create_foreign_key(
                op.f(f"fk_thread_{column}_{table}"), table, [column], ["id"], ondelete="CASCADE"
            )
        batch_op.create_check_constraint(
            op.f("ck_thread_one_target_of_its_kind"), ONE_TARGET_OF_ITS_KIND
        )


def downgrade():
    _refuse_cascading_rebuild()
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_id", sa.Integer(), nullable=True))
    op.execute("UPDATE thread SET target_id = COALESCE(recommendation_id, idea_id, hearing_id)")
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_thread_one_target_of_its_kind"), type_="check")
        for column, table in TARGETS.values():
            batch_op.drop_constraint(op.f(f"fk_thread_{column}_{table}"), type_="foreignkey")
            batch_op.drop_index(op.f(f"ix_thread_{column}"))
            batch_op.drop_column(column)
        batch_op.alter_column("target_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            op.f("uq_thread_target_kind_target_id"), ["target_kind", "target_id"]
        )
