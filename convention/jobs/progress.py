"""A job's progress, written in short transactions of its own.

A job does its work in the application's session and commits it once, at its end; a failure
rolls it all back. Meanwhile the person waiting must see where it stands: its start, each
stage and its failure are written through another session, on another connection, and
committed at once, so the progress page reads them while the work is still uncommitted.

Two limits follow from that second connection:
- the work must not write the job's own row before it ends (its transaction would hold the row
  until then): a stage that finds the row locked is skipped rather than waited for;
- SQLite lets a transaction that has read write only if nobody committed since, so a job on
  SQLite would fail at its first write after a stage. There, the progress is written in the
  job's own transaction and shows when it ends (without Redis the job runs in the request
  anyway, and nobody watches it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from convention.clock import utcnow
from convention.extensions import db
from convention.jobs import labels
from convention.jobs.models import JobMixin, JobStatus

J = TypeVar("J", bound=JobMixin)


def own_connection() -> Session | None:
    """A session on a connection of its own, or None on SQLite (see the module's docstring)."""
    if db.engine.dialect.name == "sqlite":
        return None
    return Session(db.engine)


#: Opens the session progress is written with. The tests replace it with one bound to their
#: connection, since a second connection could not see their uncommitted rows.
progress_session: Callable[[], Session | None] = own_connection


class JobFailed(Exception):
    """A job's work cannot be done, for a reason the person who asked for it should read:
    `code` is a registered error code, `params` fill its text."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Progress:
    """The progress of one job, as its work reports it."""

    def __init__(self, model: type[JobMixin], key: Any) -> None:
        self.model = model
        self.key = key
        self.started_at: datetime | None = None

    def stage(self, code: str, done: int | None = None, total: int = 100) -> None:
        """The job is at stage `code` (registered with `labels.register_stages`), `done` steps
        of `total` through (a percentage when `total` is left at 100)."""
        if code not in labels.labels().stages:
            raise ValueError(f"unregistered job stage {code!r}")
        values: dict[str, Any] = {"stage_code": code}
        if done is not None:
            total = max(1, total)
            values.update(progress_done=min(max(0, done), total), progress_total=total)
        self._write(values)

    def started(self) -> None:
        self.started_at = utcnow()
        self._write(
            {
                "status": JobStatus.RUNNING,
                "started_at": self.started_at,
                "stage_code": None,
                "progress_done": 0,
            }
        )

    def failed(self, code: str, params: dict[str, Any]) -> None:
        """Record the failure; the job's work has been rolled back."""
        # Stored as JSON: a parameter JSON cannot hold (a number type of a solver) as text.
        plain = json.loads(json.dumps(params, default=str))
        values = {
            "status": JobStatus.FAILED,
            "stage_code": None,
            "error_code": code,
            "error_params": plain,
            "finished_at": utcnow(),
        }
        if self.started_at is not None:  # on SQLite it was rolled back with the work
            values["started_at"] = self.started_at
        self._write(values, final=True)

    def _write(self, values: dict[str, Any], *, final: bool = False) -> None:
        model, key_column = self.model, inspect(self.model, raiseerr=True).primary_key[0]
        statement = update(model).where(key_column == self.key).values(**values)
        session = progress_session()
        if session is None:
            db.session.execute(statement)
            if final:
                db.session.commit()
            return
        with session, session.begin():
            # The job's own transaction may hold the row: skip this stage rather than wait
            # for a transaction that is waiting for us.
            free = session.scalar(
                select(key_column).where(key_column == self.key).with_for_update(skip_locked=True)
            )
            if free is not None:
                session.execute(statement)


def perform(model: type[J], key: Any, work: Callable[[J, Progress], None]) -> None:
    """Run a job: `work(job, progress)` does the work in the application's session and reports
    its stages through `progress`. The work is committed once, with the job marked done; if it
    raises, it is rolled back and the failure recorded: a `JobFailed` with its code, anything
    else as unexpected (and logged). Never raises: whoever waits reads the outcome on the job."""
    progress = Progress(model, key)
    progress.started()
    job = db.session.get(model, key, populate_existing=True)
    if job is None:  # deleted meanwhile, with its convention: nothing left to do
        return
    try:
        work(job, progress)
        # Every value named: the session's copy of the row does not know what the stages
        # wrote to it from the other session.
        key_column = inspect(model, raiseerr=True).primary_key[0]
        db.session.execute(
            update(model)
            .where(key_column == key)
            .values(
                status=JobStatus.DONE,
                stage_code=None,
                progress_done=model.progress_total,
                finished_at=utcnow(),
            )
        )
        db.session.commit()
    except JobFailed as failure:
        db.session.rollback()
        progress.failed(failure.code, failure.params)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("job %s %s failed", model.__name__, key)
        progress.failed(labels.UNEXPECTED, {})


class _Unwatched(Progress):
    """Progress nobody watches: nothing is written."""

    def _write(self, values: dict[str, Any], *, final: bool = False) -> None:
        return None


def perform_in_transaction(job: J, work: Callable[[J, Progress], None]) -> None:
    """Run a job's work inside the caller's transaction, for a command that loads data in one
    transaction (the demo): no stage is written, nothing is committed, and a failure raises
    (the command then rolls everything back). The job is marked done."""
    state = inspect(job)
    key = state.identity[0] if state is not None and state.identity else None
    work(job, _Unwatched(type(job), key))
    job.status, job.stage_code, job.finished_at = JobStatus.DONE, None, utcnow()
    job.progress_done = job.progress_total
