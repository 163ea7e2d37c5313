"""The migration history builds the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from convention.extensions import db
from convention.proposals.search import include_in_autogenerate


def test_migrations_match_the_models_with_no_drift(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": include_in_autogenerate})
        assert compare_metadata(context, db.metadata) == []


def test_constraints_follow_the_naming_convention(app):
    inspector = inspect(db.engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("user_account")}
    assert "uq_user_account_email" in uniques
    foreign = {f["name"] for f in inspector.get_foreign_keys("group_membership")}
    assert "fk_group_membership_user_id_user_account" in foreign
