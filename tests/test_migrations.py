"""The migration history builds the schema the models describe, and every migration can be
undone, on SQLite and PostgreSQL (whichever DATABASE_URL names)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from convention.discussion import services as discussion
from convention.discussion.models import TargetKind
from convention.extensions import db
from convention.proposals import services as proposals
from convention.proposals.search import include_in_autogenerate
from convention.publication import jobs as exports
from convention.recruitment import services as recruitment
from convention.votes import consultation, supports
from tests import factories
from tests.conftest import MIGRATIONS, fresh_app


def drift(engine) -> list:
    """What autogenerate would write to bring the database to the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_in_autogenerate}
        )
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models_with_no_drift(app):
    assert drift(db.engine) == []


def history() -> list[str]:
    """The revisions from the first to the head; there must be one head."""
    script = ScriptDirectory(MIGRATIONS)
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _default(value) -> str | None:
    # A default's text comes back quoted or bracketed differently after a table is rebuilt.
    return None if value is None else str(value).strip("()'\"").lower()


def schema(engine) -> dict:
    """Everything a migration may create, in a form that compares across table rebuilds:
    tables with their columns, keys, indexes and constraints, and the triggers, functions,
    types, views and sequences made by hand."""
    inspector = inspect(engine)
    # One query per kind of object for all tables at once (PostgreSQL reflects slowly table by
    # table, and this runs after every step).
    columns = inspector.get_multi_columns()
    primary_keys = inspector.get_multi_pk_constraint()
    foreign_keys = inspector.get_multi_foreign_keys()
    indexes = inspector.get_multi_indexes()
    uniques = inspector.get_multi_unique_constraints()
    checks = inspector.get_multi_check_constraints()
    tables = {}
    for key in columns:
        if key[1] == "alembic_version":
            continue
        tables[key[1]] = {
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"], _default(c["default"]))
                for c in columns[key]
            ),
            "primary key": sorted(primary_keys[key]["constrained_columns"]),
            "foreign keys": sorted(
                (
                    f["name"] or "",
                    tuple(f["constrained_columns"]),
                    f["referred_table"],
                    tuple(f["referred_columns"]),
                    (f.get("options") or {}).get("ondelete") or "",
                )
                for f in foreign_keys[key]
            ),
            "indexes": sorted(
                (
                    i["name"],
                    tuple(map(str, i.get("expressions") or i["column_names"])),
                    bool(i["unique"]),
                )
                for i in indexes[key]
            ),
            "uniques": sorted((u["name"] or "", tuple(u["column_names"])) for u in uniques[key]),
            "checks": sorted(c["name"] or "" for c in checks[key]),
        }
    if engine.dialect.name == "postgresql":
        others = """
            SELECT 'trigger', tgname FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL SELECT 'function', proname FROM pg_proc
                JOIN pg_namespace n ON n.oid = pronamespace WHERE nspname = 'public'
            UNION ALL SELECT 'type', typname FROM pg_type
                JOIN pg_namespace n ON n.oid = typnamespace
                WHERE nspname = 'public' AND typtype IN ('e', 'd', 'c')
                AND typrelid = 0
            UNION ALL SELECT 'relation ' || relkind::text, relname FROM pg_class
                JOIN pg_namespace n ON n.oid = relnamespace
                WHERE nspname = 'public' AND relkind IN ('S', 'v', 'm')"""
    else:
        others = "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')"
    with engine.connect() as connection:
        objects = sorted(tuple(row) for row in connection.execute(text(others)))
    return {"tables": tables, "other objects": objects}


def differences(before: dict, after: dict) -> list[str]:
    """Where two schemas differ, named by table and part, to read in a failure message."""
    found = [
        f"{name}: {'left behind' if name in after['tables'] else 'missing'}"
        for name in before["tables"].keys() ^ after["tables"].keys()
    ]
    for name in before["tables"].keys() & after["tables"].keys():
        for part, expected in before["tables"][name].items():
            if after["tables"][name][part] != expected:
                found.append(f"{name} {part}: {expected} became {after['tables'][name][part]}")
    if before["other objects"] != after["other objects"]:
        found.append(f"{before['other objects']} became {after['other objects']}")
    return found


def fill() -> None:
    """Rows in most tables, so that each downgrade runs over data, as it would in production:
    judgments and their counters, a discussion, an idea with a support, a hearing, an export
    and a selection run."""
    world = factories.build_world()
    vote_world = factories.build_vote_world(slug="vote")
    opened = vote_world.to_consultation(adopted_count=2)
    for person in factories.citizens(3):
        consultation.judge(person, opened, {vote_world.recs[0].id: 4, vote_world.recs[1].id: None})
    world.hearing()
    idea = proposals.post_idea(
        world.citizen,
        world.convention,
        world.theme,
        "Des ateliers numériques",
        "Dans chaque quartier.",
    )
    supports.support(world.citizen, idea, world.convention)
    rec = world.published()
    thread = discussion.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    comment = discussion.post_comment(world.citizen, thread, "Et les écoles ?")
    discussion.upvote(world.members[0], comment)
    discussion.follow(world.members[0], thread)
    exports.create_job(world.staff, world.convention, "csv")
    pool = "id,gender\n" + "".join(f"p{i},{('femme', 'homme')[i % 2]}\n" for i in range(10))
    recruitment.import_run(
        world.staff,
        world.convention,
        pool_file=pool.encode(),
        k=2,
        quotas_file=b"feature,value,min,max\ngender,femme,1,1\ngender,homme,1,1\n",
    )


@pytest.mark.no_db
def test_each_migration_undoes_itself_down_to_an_empty_database_and_up_again(tmp_path, smtp_server):
    revisions = history()
    with (
        fresh_app(tmp_path, smtp_server[1], "migrations", migrated=False) as app,
        app.app_context(),
    ):
        built = {"base": schema(db.engine)}
        for revision in revisions:
            upgrade(directory=MIGRATIONS, revision=revision)
            built[revision] = schema(db.engine)
        fill()
        db.session.commit()
        db.session.remove()

        for revision, below in zip(reversed(revisions), ["base", *revisions][-2::-1], strict=True):
            downgrade(directory=MIGRATIONS, revision=below)
            assert differences(built[below], schema(db.engine)) == [], (
                f"the downgrade of {revision} does not bring back the schema of {below}"
            )
        assert inspect(db.engine).get_table_names() == ["alembic_version"]

        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == revisions[-1]
        assert drift(db.engine) == []


def test_constraints_follow_the_naming_convention(app):
    inspector = inspect(db.engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("user_account")}
    assert "uq_user_account_email" in uniques
    foreign = {f["name"] for f in inspector.get_foreign_keys("group_membership")}
    assert "fk_group_membership_user_id_user_account" in foreign
