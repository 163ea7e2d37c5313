"""votes: judgment counters and turnout kept by database triggers

The grade counters and the turnout move in the statement that writes a judgment or a
participant, so a judgment is one statement and one round trip.

Revision ID: 0007_judgment_counters
Revises: 0006_recruitment
Create Date: 2026-11-24 10:05:00

Grade counters are sharded by the judgment's id (16 shards): people grading the same
recommendation at the same moment seldom update the same counter row, and a judgment keeps its
shard for life (even when the account is deleted and its citizen set to NULL). The existing
counters are rebuilt from the judgments. `judgment.previous_grade`, which the service used to
compute the deltas, is dropped. A grade taken back is now a NULL grade rather than a deleted
row, so that a whole judgment is one upsert in recommendation order: every transaction takes
its counter rows in the same order and two judgments never deadlock.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_judgment_counters"
down_revision = "0006_recruitment"
branch_labels = None
depends_on = None

SHARDS = 16
GRADES = range(7)


def _is(row: str, grade: int) -> str:
    """1 if the row has this grade, 0 otherwise (also when it has no grade)."""
    return f"(CASE WHEN {row}.grade = {grade} THEN 1 ELSE 0 END)"


def _rebuild_counters() -> None:
    op.execute("DELETE FROM judgment_tally")
    counts = ", ".join(f"SUM(CASE WHEN grade = {g} THEN 1 ELSE 0 END)" for g in GRADES)
    op.execute(
        f"INSERT INTO judgment_tally (recommendation_id, shard, "
        f"{', '.join(f'grade_{g}' for g in GRADES)}) SELECT recommendation_id, "
        f"id % {SHARDS}, {counts} FROM judgment GROUP BY recommendation_id, id % {SHARDS}"
    )
    op.execute("DELETE FROM consultation_turnout")
    op.execute(
        f"INSERT INTO consultation_turnout (consultation_id, shard, participants) "
        f"SELECT consultation_id, citizen_id % {SHARDS}, COUNT(*) FROM "
        f"consultation_participant GROUP BY consultation_id, citizen_id % {SHARDS}"
    )


def _counter_sql(table: str) -> tuple[str, str, str, str, str]:
    """SQL fragments for the seven counters: the column list, the new row's counts, the
    upsert's sum (`table` names the row being updated), minus the old row, and the move."""
    columns = ", ".join(f"grade_{g}" for g in GRADES)
    added = ", ".join(_is("NEW", g) for g in GRADES)
    summed = ", ".join(f"grade_{g} = {table}grade_{g} + excluded.grade_{g}" for g in GRADES)
    removed = ", ".join(f"grade_{g} = grade_{g} - {_is('OLD', g)}" for g in GRADES)
    moved = ", ".join(f"grade_{g} = grade_{g} + {_is('NEW', g)} - {_is('OLD', g)}" for g in GRADES)
    return columns, added, summed, removed, moved


def _postgresql_triggers() -> None:
    columns, added, summed, removed, moved = _counter_sql("t.")
    op.execute(f"""
CREATE FUNCTION judgment_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO judgment_tally AS t (recommendation_id, shard, {columns})
        VALUES (NEW.recommendation_id, NEW.id % {SHARDS}, {added})
        ON CONFLICT (recommendation_id, shard) DO UPDATE SET {summed};
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.grade IS DISTINCT FROM OLD.grade THEN
            UPDATE judgment_tally SET {moved}
            WHERE recommendation_id = NEW.recommendation_id AND shard = NEW.id % {SHARDS};
        END IF;
    ELSE
        UPDATE judgment_tally SET {removed}
        WHERE recommendation_id = OLD.recommendation_id AND shard = OLD.id % {SHARDS};
    END IF;
    RETURN NULL;
END $$""")
    op.execute(
        "CREATE TRIGGER judgment_counts AFTER INSERT OR DELETE OR UPDATE OF grade "
        "ON judgment FOR EACH ROW EXECUTE FUNCTION judgment_counts()"
    )
    op.execute(f"""
CREATE FUNCTION consultation_turnout_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO consultation_turnout AS t (consultation_id, shard, participants)
        VALUES (NEW.consultation_id, NEW.citizen_id % {SHARDS}, 1)
        ON CONFLICT (consultation_id, shard) DO UPDATE SET participants = t.participants + 1;
    ELSE
        UPDATE consultation_turnout SET participants = participants - 1
        WHERE consultation_id = OLD.consultation_id AND shard = OLD.citizen_id % {SHARDS};
    END IF;
    RETURN NULL;
END $$""")
    op.execute(
        "CREATE TRIGGER consultation_turnout_counts AFTER INSERT OR DELETE "
        "ON consultation_participant FOR EACH ROW "
        "EXECUTE FUNCTION consultation_turnout_counts()"
    )


def _sqlite_triggers() -> None:
    columns, added, summed, removed, moved = _counter_sql("")
    op.execute(f"""
CREATE TRIGGER judgment_counts_insert AFTER INSERT ON judgment BEGIN
    INSERT INTO judgment_tally (recommendation_id, shard, {columns})
    VALUES (NEW.recommendation_id, NEW.id % {SHARDS}, {added})
    ON CONFLICT (recommendation_id, shard) DO UPDATE SET {summed};
END""")
    op.execute(f"""
CREATE TRIGGER judgment_counts_update AFTER UPDATE OF grade ON judgment
WHEN NEW.grade IS NOT OLD.grade BEGIN
    UPDATE judgment_tally SET {moved}
    WHERE recommendation_id = NEW.recommendation_id AND shard = NEW.id % {SHARDS};
END""")
    op.execute(f"""
CREATE TRIGGER judgment_counts_delete AFTER DELETE ON judgment BEGIN
    UPDATE judgment_tally SET {removed}
    WHERE recommendation_id = OLD.recommendation_id AND shard = OLD.id % {SHARDS};
END""")
    op.execute(f"""
CREATE TRIGGER consultation_turnout_insert AFTER INSERT ON consultation_participant BEGIN
    INSERT INTO consultation_turnout (consultation_id, shard, participants)
    VALUES (NEW.consultation_id, NEW.citizen_id % {SHARDS}, 1)
    ON CONFLICT (consultation_id, shard) DO UPDATE SET participants = participants + 1;
END""")
    op.execute(f"""
CREATE TRIGGER consultation_turnout_delete AFTER DELETE ON consultation_participant BEGIN
    UPDATE consultation_turnout SET participants = participants - 1
    WHERE consultation_id = OLD.consultation_id AND shard = OLD.citizen_id % {SHARDS};
END""")


def upgrade():
    with op.batch_alter_table("judgment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_judgment_previous_grade_in_range"), type_="check")
        batch_op.drop_column("previous_grade")
        batch_op.alter_column("grade", existing_type=sa.SmallInteger(), nullable=True)
    _rebuild_counters()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER consultation_turnout_counts ON consultation_participant")
        op.execute("DROP FUNCTION consultation_turnout_counts()")
        op.execute("DROP TRIGGER judgment_counts ON judgment")
        op.execute("DROP FUNCTION judgment_counts()")
    else:
        for name in (
            "consultation_turnout_delete",
            "consultation_turnout_insert",
            "judgment_counts_delete",
            "judgment_counts_update",
            "judgment_counts_insert",
        ):
            op.execute(f"DROP TRIGGER {name}")
    op.execute("DELETE FROM judgment WHERE grade IS NULL")
    with op.batch_alter_table("judgment", schema=None) as batch_op:
        batch_op.alter_column("grade", existing_type=sa.SmallInteger(), nullable=False)
        batch_op.add_column(sa.Column("previous_grade", sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_judgment_previous_grade_in_range"),
            "previous_grade IS NULL OR previous_grade BETWEEN 0 AND 6",
        )
    # The service before this revision sharded the counters by citizen.
    op.execute("DELETE FROM judgment_tally")
    counts = ", ".join(f"SUM(CASE WHEN grade = {g} THEN 1 ELSE 0 END)" for g in GRADES)
    op.execute(
        f"INSERT INTO judgment_tally (recommendation_id, shard, "
        f"{', '.join(f'grade_{g}' for g in GRADES)}) SELECT recommendation_id, "
        f"citizen_id % {SHARDS}, {counts} FROM judgment WHERE citizen_id IS NOT NULL "
        f"GROUP BY recommendation_id, citizen_id % {SHARDS}"
    )
