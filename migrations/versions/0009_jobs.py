"""jobs: exports and selection runs share one set of job columns

Revision ID: 0009_jobs
Revises: 0008_report_edition_files
Create Date: 2026-12-03 10:00:00

Both tables stored their stage and error as text for display, frozen in one language (French
for exports, the language of whoever started a selection run). They now store codes, put into
words in the reader's language when shown: `stage_code`, `error_code` with `error_params`. The
progress becomes `progress_done` of `progress_total`; `started_at` is new; a selection run's
`created_by_id` becomes `requested_by_id`, and it gains `finished_at`.

Stored stages are converted to codes where the text is one the application wrote; errors, which
cannot be, are kept as text under the code `job.text_before_codes`.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0009_jobs"
down_revision = "0008_report_edition_files"
branch_labels = None
depends_on = None

TEXT_BEFORE_CODES = "job.text_before_codes"

# The stage texts the application stored (French, and English for a selection run started by
# someone reading the site in English), and their codes. Only a running job has a stage code.
STAGE_TEXTS = {
    "export_job": [
        (re.compile(r"^lecture des recommandations"), "export.reading"),
        (re.compile(r"^mise en forme"), "export.rendering"),
    ],
    "sortition_run": [
        (re.compile(r"^(lecture du vivier|reading the pool)"), "sortition.reading"),
        (re.compile(r"^[A-Z]+ : "), "sortition.solving"),
        (re.compile(r"^(comparaison avec|comparison with)"), "sortition.comparing"),
        (re.compile(r"^(arrondi en loterie|rounding to a lottery)"), "sortition.lottery"),
    ],
}
# Back to text (the application wrote French when no one chose otherwise).
STAGE_WORDS = {
    "export.reading": "lecture des recommandations",
    "export.rendering": "mise en forme",
    "sortition.reading": "lecture du vivier et des quotas",
    "sortition.solving": "recherche de la sélection la plus équitable",
    "sortition.comparing": "comparaison avec la méthode ancienne (LEGACY)",
    "sortition.lottery": "arrondi en loterie",
}
STATUS_WORDS = {"queued": "en attente", "running": "en cours", "done": "terminé", "failed": "échec"}
ERROR_WORDS = {
    "job.unexpected": "erreur inattendue",
    "job.not_queued": "le travail n'a pas pu être confié au serveur de tâches",
}

# Per table: the old stage and error columns' types, and the requester column's old name.
OLD = {
    "export_job": {
        "stage": sa.String(length=100),
        "error": sa.String(length=500),
        "requester": "requested_by_id",
        "status_check": "job_status",
    },
    "sortition_run": {
        "stage": sa.String(length=120),
        "error": sa.Text(),
        "requester": "created_by_id",
        "status_check": "run_status",
    },
}


def _status_check(table, name):
    return op.f(f"ck_{table}_{name}"), "status IN ('queued', 'running', 'done', 'failed')"


def _stage_code(table, status, text):
    if status != "running":
        return None
    for pattern, code in STAGE_TEXTS[table]:
        if pattern.search(text or ""):
            return code
    return None


def upgrade():
    for table, old in OLD.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("stage_code", sa.String(length=60), nullable=True))
            batch_op.add_column(sa.Column("progress_done", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("progress_total", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("error_code", sa.String(length=60), nullable=True))
            batch_op.add_column(sa.Column("error_params", sa.JSON(), nullable=True))
            batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
            if table == "sortition_run":
                batch_op.add_column(
                    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True)
                )

        rows = sa.table(
            table,
            sa.column("id"),
            sa.column("status", sa.String()),
            sa.column("stage", sa.String()),
            sa.column("progress", sa.Integer()),
            sa.column("error", sa.Text()),
            sa.column("stage_code", sa.String()),
            sa.column("progress_done", sa.Integer()),
            sa.column("progress_total", sa.Integer()),
            sa.column("error_code", sa.String()),
            sa.column("error_params", sa.JSON()),
        )
        connection = op.get_bind()
        for row in connection.execute(
            sa.select(rows.c.id, rows.c.status, rows.c.stage, rows.c.progress, rows.c.error)
        ).all():
            failed = row.status == "failed"
            connection.execute(
                rows.update()
                .where(rows.c.id == row.id)
                .values(
                    stage_code=_stage_code(table, row.status, row.stage),
                    progress_done=min(max(row.progress or 0, 0), 100),
                    progress_total=100,
                    error_code=TEXT_BEFORE_CODES if failed else None,
                    error_params={"text": row.error or ""} if failed else sa.null(),
                )
            )

        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("progress_done", existing_type=sa.Integer(), nullable=False)
            batch_op.alter_column("progress_total", existing_type=sa.Integer(), nullable=False)
            batch_op.drop_column("stage")
            batch_op.drop_column("progress")
            batch_op.drop_column("error")
            if old["status_check"] != "job_status":
                batch_op.drop_constraint(op.f(f"ck_{table}_{old['status_check']}"), type_="check")
                batch_op.create_check_constraint(*_status_check(table, "job_status"))
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_progress_total_positive"), "progress_total > 0"
            )
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_progress_within_total"),
                "progress_done >= 0 AND progress_done <= progress_total",
            )
        if old["requester"] != "requested_by_id":
            _rename_requester(table, old["requester"], "requested_by_id")


def _rename_requester(table, old_name, new_name):
    # Two steps: SQLite's batch mode would drop a key created on the column it renames.
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(op.f(f"fk_{table}_{old_name}_user_account"), type_="foreignkey")
        batch_op.alter_column(
            old_name, new_column_name=new_name, existing_type=sa.Integer(), existing_nullable=True
        )
    with op.batch_alter_table(table) as batch_op:
        batch_op.create_foreign_key(
            op.f(f"fk_{table}_{new_name}_user_account"),
            "user_account",
            [new_name],
            ["id"],
            ondelete="SET NULL",
        )


def _error_text(code, params):
    params = params or {}
    if code == TEXT_BEFORE_CODES:
        return str(params.get("text", ""))
    if code == "sortition.problems":
        return "\n".join(str(p.get("code")) for p in params.get("problems", []))
    return ERROR_WORDS.get(code, code or "")


def downgrade():
    for table, old in OLD.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("stage", old["stage"], nullable=True))
            batch_op.add_column(sa.Column("progress", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("error", old["error"], nullable=True))

        rows = sa.table(
            table,
            sa.column("id"),
            sa.column("status", sa.String()),
            sa.column("stage", sa.String()),
            sa.column("progress", sa.Integer()),
            sa.column("error", sa.Text()),
            sa.column("stage_code", sa.String()),
            sa.column("progress_done", sa.Integer()),
            sa.column("progress_total", sa.Integer()),
            sa.column("error_code", sa.String()),
            sa.column("error_params", sa.JSON()),
        )
        connection = op.get_bind()
        for row in connection.execute(
            sa.select(
                rows.c.id,
                rows.c.status,
                rows.c.stage_code,
                rows.c.progress_done,
                rows.c.progress_total,
                rows.c.error_code,
                rows.c.error_params,
            )
        ).all():
            stage = STAGE_WORDS.get(row.stage_code) or STATUS_WORDS.get(row.status, "")
            error = _error_text(row.error_code, row.error_params) if row.status == "failed" else ""
            connection.execute(
                rows.update()
                .where(rows.c.id == row.id)
                .values(
                    stage=stage[: old["stage"].length or 100],
                    progress=round(100 * row.progress_done / (row.progress_total or 100)),
                    error=error[:500] if table == "export_job" else error,
                )
            )

        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("stage", existing_type=old["stage"], nullable=False)
            batch_op.alter_column("progress", existing_type=sa.Integer(), nullable=False)
            batch_op.alter_column("error", existing_type=old["error"], nullable=False)
            batch_op.drop_constraint(op.f(f"ck_{table}_progress_within_total"), type_="check")
            batch_op.drop_constraint(op.f(f"ck_{table}_progress_total_positive"), type_="check")
            if old["status_check"] != "job_status":
                batch_op.drop_constraint(op.f(f"ck_{table}_job_status"), type_="check")
                batch_op.create_check_constraint(*_status_check(table, old["status_check"]))
            for column in (
                "stage_code",
                "progress_done",
                "progress_total",
                "error_code",
                "error_params",
                "started_at",
            ):
                batch_op.drop_column(column)
            if table == "sortition_run":
                batch_op.drop_column("finished_at")
        if old["requester"] != "requested_by_id":
            _rename_requester(table, "requested_by_id", old["requester"])
