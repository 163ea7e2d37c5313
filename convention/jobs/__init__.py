"""Background jobs: their state (status, stage codes, progress, error, requester), where they
run (the RQ worker, or the request after its commit) and how their progress reaches the person
waiting (short transactions of their own, a status endpoint, a polite live region).

A feature's job is a model with `JobMixin`, a function `work(job, progress)` run through
`perform`, its stage and error codes registered in the feature's `init_app`, and a progress page
built with the `jobs/_progress.html` macro and `status_response`.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask, Response, current_app, jsonify

from convention.jobs.labels import (
    ErrorLabel,
    error_message,
    job_state,
    register_errors,
    register_stages,
    stage_label,
)
from convention.jobs.models import JobMixin, JobStatus, job_constraints
from convention.jobs.progress import JobFailed, Progress, perform, perform_in_transaction
from convention.jobs.worker import at_public_address, submit, work

__all__ = [
    "ErrorLabel",
    "JobFailed",
    "JobMixin",
    "JobStatus",
    "Progress",
    "at_public_address",
    "error_message",
    "init_app",
    "job_constraints",
    "job_state",
    "perform",
    "perform_in_transaction",
    "register_errors",
    "register_stages",
    "stage_label",
    "status_response",
    "submit",
]


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.add_template_filter(stage_label, "job_stage")


def status_response(job: JobMixin, result: tuple[str, str] | None = None) -> Response:
    """A job's state for its progress page's script; `result` is the (url, label) of what a
    finished job offers (a download, the result page)."""
    state: dict[str, Any] = job_state(job)
    state["result"] = (
        {"url": result[0], "label": result[1]}
        if result is not None and job.status == JobStatus.DONE
        else None
    )
    response = jsonify(state)
    response.headers["Cache-Control"] = "no-store"
    return response


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run background jobs: exports, edition files, member selections (needs REDIS_URL)."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException("REDIS_URL is not set: jobs run in the request instead.")
    work(redis_url, burst=burst)
