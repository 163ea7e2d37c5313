"""Background jobs: an RQ queue when Redis is configured, the request itself otherwise.

One queue and one worker (`flask worker`) for every kind of job (report exports, member
selection). The worker runs jobs in its own app context without forking, so jobs use the
application's configuration and database pool like any request.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import current_app
from redis import Redis
from rq import Queue, SimpleWorker

from convention.extensions import db

QUEUE = "convention-jobs"


def queue(redis_url: str) -> Queue:
    return Queue(QUEUE, connection=Redis.from_url(redis_url))


@contextmanager
def at_public_address() -> Iterator[None]:
    """Links built inside (in files and emails) are those of the public address, `BASE_URL`,
    as in a request to it: for the worker and the commands, which have no request."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        yield


def run(function: Callable[[str], None], job_id: str) -> None:
    """One job, at the public address wherever it runs."""
    with at_public_address():
        function(job_id)


def submit(function: Callable[[str], None], job_id: str) -> None:
    """Run `function(job_id)` in the worker when Redis is configured, otherwise now.

    The job's row must be committed first: the worker reads it from the database."""
    db.session.commit()
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        queue(redis_url).enqueue(run, function, job_id, job_timeout=3600)
    else:
        run(function, job_id)


def work(redis_url: str, *, burst: bool = False) -> None:
    SimpleWorker([queue(redis_url)], connection=Redis.from_url(redis_url)).work(burst=burst)
