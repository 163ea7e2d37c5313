"""Revision 0009_jobs turns the stage texts that exports and selection runs stored into codes,
keeps their errors readable, and goes back."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from convention.config import PROJECT_ROOT
from convention.extensions import db
from tests.conftest import fresh_database_url, make_test_app, worker_id

MIGRATIONS = str(PROJECT_ROOT / "migrations")
CREATED = "2026-01-01 00:00:00"


def _insert_old_rows(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO user_account (id, email, display_name, password_hash, role, created_at) "
            "VALUES (1, 'equipe@test.example', 'Équipe', 'x', 'staff', :at)"
        ),
        {"at": CREATED},
    )
    connection.execute(
        text(
            "INSERT INTO convention (id, slug, title, question, description, authority, "
            "current_phase, created_at) VALUES (1, 'c', 'T', 'Q', '', 'A', 'recruitment', :at)"
        ),
        {"at": CREATED},
    )
    for key, status, progress, stage, error in [
        ("e1", "running", 50, "mise en forme (PDF)", ""),
        ("e2", "failed", 100, "échec", "Pango is missing"),
        ("e3", "done", 100, "terminé", ""),
    ]:
        connection.execute(
            text(
                "INSERT INTO export_job (id, convention_id, requested_by_id, format, status, "
                "progress, stage, error, created_at) VALUES (:id, 1, 1, 'pdf', :status, "
                ":progress, :stage, :error, :at)"
            ),
            {
                "id": key,
                "status": status,
                "progress": progress,
                "stage": stage,
                "error": error,
                "at": CREATED,
            },
        )
    for key, status, stage in [
        (1, "running", "LEXIMIN : level"),
        (2, "running", "rounding to a lottery of 100 panels"),
        (3, "running", "un texte inconnu"),
    ]:
        connection.execute(
            text(
                "INSERT INTO sortition_run (id, convention_id, created_by_id, created_at, k, "
                "algorithm, panels, pool_csv, quotas_csv, pool_size, status, stage, progress, "
                "error) VALUES (:id, 1, 1, :at, 6, 'leximin', 100, '', '', 30, :status, :stage, "
                "40, '')"
            ),
            {"id": key, "at": CREATED, "status": status, "stage": stage},
        )


@pytest.mark.no_db
def test_stage_texts_become_codes_and_come_back(tmp_path, smtp_server):
    url = fresh_database_url(tmp_path, f"jobs_migration_{worker_id()}")
    migrated = make_test_app(url, smtp_server[1])
    with migrated.app_context():
        upgrade(directory=MIGRATIONS, revision="0008_report_edition_files")
        with db.engine.begin() as connection:
            _insert_old_rows(connection)

        upgrade(directory=MIGRATIONS, revision="0009_jobs")
        with db.engine.connect() as connection:
            exports = connection.execute(
                text(
                    "SELECT id, stage_code, progress_done, progress_total, error_code, "
                    "error_params FROM export_job ORDER BY id"
                )
            ).all()
            runs = connection.execute(
                text("SELECT id, requested_by_id, stage_code FROM sortition_run ORDER BY id")
            ).all()
        # Read without the model: SQLite gives the JSON as text, PostgreSQL decoded.
        params = [json.loads(row[5]) if isinstance(row[5], str) else row[5] for row in exports]
        assert [tuple(row[:5]) for row in exports] == [
            ("e1", "export.rendering", 50, 100, None),
            ("e2", None, 100, 100, "job.text_before_codes"),
            ("e3", None, 100, 100, None),
        ]
        assert params == [None, {"text": "Pango is missing"}, None]
        assert [tuple(row) for row in runs] == [
            (1, 1, "sortition.solving"),
            (2, 1, "sortition.lottery"),
            (3, 1, None),
        ]

        downgrade(directory=MIGRATIONS, revision="0008_report_edition_files")
        with db.engine.connect() as connection:
            exports = connection.execute(
                text("SELECT id, stage, progress, error FROM export_job ORDER BY id")
            ).all()
            runs = connection.execute(
                text("SELECT id, created_by_id, stage FROM sortition_run ORDER BY id")
            ).all()
        assert [tuple(row) for row in exports] == [
            ("e1", "mise en forme", 50, ""),
            ("e2", "échec", 100, "Pango is missing"),
            ("e3", "terminé", 100, ""),
        ]
        assert [tuple(row) for row in runs] == [
            (1, 1, "recherche de la sélection la plus équitable"),
            (2, 1, "arrondi en loterie"),
            (3, 1, "en cours"),
        ]
        db.engine.dispose()
