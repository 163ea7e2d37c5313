"""One transaction per request, and per command.

The request machinery owns the transaction (as Indico's `RH.process` does): a view calls
services and returns; after a successful response (status below 400) the session is committed
once, and then what was waiting for the commit runs (emails, jobs handed to the worker). On an
exception or an error response everything is rolled back and nothing waits. Services never
commit; a view that commits is an exception that says why.

A service's refusal (`ConventionError`) comes back to the person through `attempt`: the work
is rolled back and the message goes next to the form field it concerns, or at the top of the
page. A refusal no view expected reaches the error handler (`errors.py`), which rolls back and
shows the message with its status.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, Response, flash, g, has_app_context
from flask_wtf import FlaskForm

from convention.errors import ConventionError
from convention.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Outcome:
    """Whether the action inside `attempt` went through, and if not, the refusal."""

    ok: bool = False
    error: ConventionError | None = None


def show_error(
    form: FlaskForm | dict[str, str] | None, error: ConventionError, default: str | None = None
) -> None:
    """Put a refused action's message next to the field it concerns (or `default`), or at the
    top of the page when there is no form or no such field. A page whose fields are not a
    WTForms form passes a dict, which receives the message under the field's name."""
    if isinstance(form, dict):
        if error.field:
            form[error.field] = str(error.message)
        else:
            flash(error.message, "error")
        return
    field = None
    if form is not None:
        field = getattr(form, error.field or "", None) or (
            getattr(form, default, None) if default else None
        )
    if field is None:
        flash(error.message, "error")
    else:
        field.errors = list(field.errors) + [error.message]


@contextmanager
def attempt(
    form: FlaskForm | dict[str, str] | None = None, default: str | None = None
) -> Iterator[Outcome]:
    """Around a service call from a view: if the service refuses, roll back what it wrote and
    show why (see `show_error`), then carry on after the block. `outcome.ok` says which:

        with attempt(form, "title") as outcome:
            rec = services.draft_recommendation(...)
        if outcome.ok:
            flash(...)
            return redirect(...)
        return render_template(..., form=form)   # the form, with the refusal on its field

    Nothing is committed here: the request commits once, after the view.
    """
    outcome = Outcome()
    try:
        yield outcome
    except ConventionError as error:
        db.session.rollback()
        outcome.error = error
        show_error(form, error, default)
    else:
        outcome.ok = True


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback()` once the current transaction is committed: an email about what was
    written, a job the worker reads from the database. Never if it is rolled back.

    Outside a request and a command (a test calling a service, a job), there is no commit
    to wait for in this module's hands: the callback runs at once."""
    pending = g.get("_after_commit") if has_app_context() else None
    if pending is None:
        callback()
    else:
        pending.append(callback)


def _start() -> None:
    g._after_commit = []


def _commit_and_run_pending() -> None:
    pending = g.pop("_after_commit", None) or []
    db.session.commit()
    for callback in pending:
        callback()


def _roll_back() -> None:
    g.pop("_after_commit", None)
    db.session.rollback()


def _finish_request(response: Response) -> Response:
    if response.status_code < 400:
        _commit_and_run_pending()
    else:
        _roll_back()
    return response


def in_one_transaction(command: F) -> F:
    """A command's rule: commit once at the end if it succeeds, roll back if it fails."""

    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _start()
        try:
            result = command(*args, **kwargs)
        except BaseException:
            _roll_back()
            raise
        _commit_and_run_pending()
        return result

    return wrapped  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish_request)
