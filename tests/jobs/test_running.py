"""Where and when jobs run: after the request's commit and never after a rollback, at the
public address, through `flask worker`; their work committed once at its end while their
progress is written in transactions of its own."""

from __future__ import annotations

import itertools
import os
import time
import uuid

import pytest
import redis
from flask import Blueprint, abort, url_for
from flask_migrate import upgrade
from sqlalchemy import select, text

from convention import jobs
from convention.auth.models import Role, User
from convention.config import PROJECT_ROOT
from convention.errors import NotAllowed
from convention.extensions import db
from convention.jobs import JobStatus, worker
from convention.publication import jobs as exports
from convention.publication.models import ExportJob
from tests import factories
from tests.conftest import fresh_database_url, make_test_app, worker_id

REDIS_FOR_TESTS = "redis://127.0.0.1:6379/14"
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")

ran: list[str] = []


def _record_run(key: str) -> None:
    ran.append(key)


def _link_to_report(key: str) -> None:
    ran.append(url_for("publication.report_index", convention="test", _external=True) + f"#{key}")


def test_a_job_links_to_the_public_address_even_when_run_in_an_internal_request(app):
    ran.clear()
    with app.test_request_context(base_url="http://10.0.0.5:8000"):  # behind the proxy
        jobs.submit(_link_to_report, "7")  # no request transaction here, no Redis: runs now
        assert url_for("publication.report_index", convention="test", _external=True).startswith(
            "http://10.0.0.5"
        )
    assert ran == [app.config["BASE_URL"] + "/c/test/rapport#7"]


# --- a job asked for in a request runs only once the request is committed ------------------

probe = Blueprint("job_probe", __name__)


@probe.post("/essai/tache-puis-<outcome>")
def submit_then(outcome: str):
    """Asks for a job, then ends as `outcome` says."""
    jobs.submit(_record_run, "demandé")
    assert ran == [], "the job ran before the request's commit"
    if outcome == "refus":
        raise NotAllowed()
    if outcome == "panne":
        raise RuntimeError("a fault after the job was asked for")
    if outcome == "erreur":
        abort(404)
    return "demandé"


def _probe_app(app, smtp_server, **config):
    probed = make_test_app(
        app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], PROPAGATE_EXCEPTIONS=False, **config
    )
    probed.register_blueprint(probe)
    ran.clear()
    return probed


@pytest.fixture
def redis_queue(monkeypatch):
    try:
        redis.Redis.from_url(REDIS_FOR_TESTS).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    monkeypatch.setattr(worker, "QUEUE", f"test-jobs-{uuid.uuid4().hex}")  # isolated
    return worker.queue(REDIS_FOR_TESTS)


def test_without_redis_a_job_runs_after_the_request_commits(app, smtp_server):
    client = _probe_app(app, smtp_server).test_client()
    assert client.post("/essai/tache-puis-ok").status_code == 200
    assert ran == ["demandé"]


@pytest.mark.parametrize("outcome, status", [("refus", 403), ("panne", 500), ("erreur", 404)])
def test_a_job_asked_for_in_a_request_that_fails_never_runs(app, smtp_server, outcome, status):
    client = _probe_app(app, smtp_server).test_client()
    assert client.post(f"/essai/tache-puis-{outcome}").status_code == status
    assert ran == []


@pytest.mark.parametrize(
    "outcome, status, queued", [("ok", 200, 1), ("refus", 403, 0), ("panne", 500, 0)]
)
def test_with_redis_a_job_is_queued_only_if_the_request_commits(
    app, smtp_server, redis_queue, outcome, status, queued
):
    client = _probe_app(app, smtp_server, REDIS_URL=REDIS_FOR_TESTS).test_client()
    assert client.post(f"/essai/tache-puis-{outcome}").status_code == status
    assert redis_queue.count == queued
    assert ran == []  # waiting for the worker
    redis_queue.empty()


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_an_export_the_worker_cannot_be_given_is_shown_as_failed(app, smtp_server):
    world = factories.build_world()
    db.session.commit()
    unreachable = make_test_app(
        app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], REDIS_URL="redis://127.0.0.1:1/0"
    )
    client = unreachable.test_client()
    factories.login(client, world.staff.email)
    page = client.post(
        "/c/test/gestion/publication/exports", data={"format": "csv"}, follow_redirects=True
    )
    assert "Le travail n&#39;a pas pu être confié au serveur de tâches." in page.text
    job = db.session.scalar(select(ExportJob))
    assert (job.status, job.error_code) == (JobStatus.FAILED, "job.not_queued")


# --- the job's work and its progress, in separate transactions ------------------------------


@pytest.fixture(scope="module")
def committed_app(tmp_path_factory, smtp_server):
    """An application on a database of its own where commits are real (the other tests run
    inside a transaction rolled back at their end, which a second connection cannot see)."""
    url = fresh_database_url(tmp_path_factory.mktemp("jobs"), f"jobs_{worker_id()}")
    application = make_test_app(url, smtp_server[1])
    with application.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    yield application
    with application.app_context():
        db.engine.dispose()


_jobs = itertools.count(1)


@pytest.fixture
def export_job(committed_app):
    """A committed export job, in the committed app's context."""
    with committed_app.app_context():
        staff = factories.user(Role.STAFF)
        # Committed for real: each test's convention has an address of its own.
        convention = factories.convention(staff, slug=f"jobs-{next(_jobs)}")
        job = exports.create_job(staff, convention, "csv")
        db.session.commit()
        yield job
        db.session.rollback()


def _seen_from_outside(job_id: str, email: str) -> tuple:
    """The job's stage and whether `email` has an account, read from another connection as
    the progress page would."""
    with db.engine.connect() as outside:
        stage = outside.execute(
            text("SELECT status, stage_code, progress_done FROM export_job WHERE id = :id"),
            {"id": job_id},
        ).one()
        account = outside.scalar(
            text("SELECT count(*) FROM user_account WHERE email = :e"), {"e": email}
        )
    return (*stage, account)


@pytest.mark.no_db
@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="a second connection sees the progress on PostgreSQL; SQLite records it with the work",
)
def test_progress_is_visible_from_another_connection_before_the_work_is_committed(export_job):
    seen = []
    email = f"{uuid.uuid4().hex}@test.example"

    def work(job, progress):
        factories.user(email=email)  # the job's work, written and not yet committed
        progress.stage("export.rendering", 60)
        seen.append(_seen_from_outside(job.id, email))

    jobs.perform(ExportJob, export_job.id, work)
    assert seen == [("running", "export.rendering", 60, 0)]
    assert _seen_from_outside(export_job.id, email) == ("done", None, 100, 1)


@pytest.mark.no_db
@pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks are PostgreSQL's")
def test_a_stage_never_waits_for_the_job_s_own_transaction(export_job):
    def work(job, progress):
        job.content = b"written early"
        db.session.flush()  # the job's transaction now holds the row
        started = time.monotonic()
        progress.stage("export.rendering", 60)
        assert time.monotonic() - started < 2

    jobs.perform(ExportJob, export_job.id, work)
    assert _seen_from_outside(export_job.id, "nobody")[:2] == ("done", None)


@pytest.mark.no_db
def test_a_failed_job_writes_nothing_of_its_work_and_records_why(export_job):
    email = f"{uuid.uuid4().hex}@test.example"

    def work(job, progress):
        factories.user(email=email)
        progress.stage("export.reading", 10)
        raise jobs.JobFailed("job.not_queued")

    jobs.perform(ExportJob, export_job.id, work)
    db.session.expire_all()
    job = db.session.get(ExportJob, export_job.id)
    assert (job.status, job.error_code, job.content) == (JobStatus.FAILED, "job.not_queued", None)
    assert job.started_at <= job.finished_at
    assert db.session.scalar(select(User).where(User.email == email)) is None


@pytest.mark.no_db
def test_a_job_records_its_stages_and_commits_its_work_once_on_any_database(export_job):
    """On SQLite the stages are written with the work (a second writer would make the work's
    own write fail); on PostgreSQL in their own transactions. Either way the job completes."""
    exports.run_job(export_job.id)
    db.session.expire_all()
    job = db.session.get(ExportJob, export_job.id)
    assert job.status == JobStatus.DONE, job.error_code
    assert b"reference,number,theme" in job.content
    assert (job.progress_done, job.progress_total, job.stage_code) == (100, 100, None)
