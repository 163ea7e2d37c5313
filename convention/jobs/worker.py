"""Where jobs run: in the RQ worker (`flask worker`) when Redis is configured, otherwise in the
request that asked for them, once its transaction is committed.

One queue and one worker for every kind of job (report exports, edition files, member
selections). The worker runs jobs in its own application context without forking, so jobs
use the application's configuration and database pool like any request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker

from convention.extensions import db
from convention.jobs import labels
from convention.jobs.models import JobMixin
from convention.jobs.progress import Progress
from convention.transaction import after_commit

QUEUE = "convention-jobs"


def queue(redis_url: str) -> Queue:
    return Queue(QUEUE, connection=Redis.from_url(redis_url))


@contextmanager
def at_public_address() -> Iterator[None]:
    """Links built inside (in files and emails) are those of the public address, `BASE_URL`,
    as in a request to it: for the worker and the commands, which have no request."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        yield


def run(function: Callable[[str], None], key: str) -> None:
    """One job, at the public address wherever it runs."""
    with at_public_address():
        function(key)


def run_queued(function: Callable[[str], None], key: str) -> None:
    """One job in the worker, which runs them one after another in one application context:
    each starts with a clean session, whatever the previous one left."""
    try:
        run(function, key)
    finally:
        db.session.remove()


def submit(function: Callable[[str], None], key: str, model: type[JobMixin] | None = None) -> None:
    """Have `function(key)` run once the caller's transaction is committed: by the worker when
    Redis is configured, otherwise right after the commit. Nothing runs if the transaction is
    rolled back; the worker reads the job's row, which must be committed first. `model` is the
    job's model when `key` is one of its rows: if the worker cannot be reached, the job is
    marked failed instead of staying queued."""
    after_commit(functools.partial(_hand_over, function, str(key), model))


def _hand_over(function: Callable[[str], None], key: str, model: type[JobMixin] | None) -> None:
    # After the commit nothing can be rolled back any more, and the response is on its way:
    # a failure here is recorded and logged, never raised into the request.
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        try:
            queue(redis_url).enqueue(run_queued, function, key, job_timeout=3600)
        except RedisError:
            current_app.logger.exception("job %s(%s) not queued", function.__name__, key)
            if model is not None:
                Progress(model, key).failed(labels.NOT_QUEUED, {})
        return
    try:
        run(function, key)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("job %s(%s) failed", function.__name__, key)


def work(redis_url: str, *, burst: bool = False) -> None:
    SimpleWorker([queue(redis_url)], connection=Redis.from_url(redis_url)).work(burst=burst)
