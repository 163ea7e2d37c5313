"""Domain errors and the HTTP error pages.

Services raise subclasses of `ConventionError`; views show them next to the form through
`transaction.attempt`. One that no view expected is answered here with its message and its
status, never a 500, after rolling back whatever the request had written.
"""

from __future__ import annotations

import math
import time

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.exceptions import HTTPException

from convention.extensions import db, limiter


class ConfigurationError(RuntimeError):
    """The environment does not allow the application to start safely."""


class ConventionError(Exception):
    """A rule of the convention was broken; `message` is shown to the person who acted."""

    message = _l("Cette action n'est pas possible.")
    #: The HTTP status when the refusal reaches the error handler (no view caught it).
    status = 409
    #: The page shown then; it receives `code` and `message`.
    template = "errors/error.html"

    def __init__(self, message: str | None = None, *, field: str | None = None):
        super().__init__(message or self.message)
        if message is not None:
            self.message = message
        self.field = field


class NotAllowed(ConventionError):
    message = _l("Vous n'avez pas les droits nécessaires pour cette action.")
    status = 403


class InvalidInput(ConventionError):
    message = _l("Les informations saisies ne sont pas valides.")
    status = 400


class AlreadyExists(ConventionError):
    message = _l("Cet élément existe déjà.")


class WrongPhase(ConventionError):
    message = _l("Cette action n'est pas possible dans la phase actuelle de la convention.")


def register_error_handlers(app: Flask) -> None:
    def page(code: int):
        def handler(error: HTTPException | Exception):
            db.session.rollback()
            return render_template("errors/error.html", code=code), code

        return handler

    for code in (400, 403, 404, 405, 409, 500):
        app.register_error_handler(code, page(code))

    @app.errorhandler(429)
    def too_many(error: HTTPException):
        db.session.rollback()
        return render_template("errors/error.html", code=429, message=wait_message()), 429

    @app.errorhandler(ConventionError)
    def refused(error: ConventionError):
        db.session.rollback()
        return render_template(
            error.template, code=error.status, message=error.message
        ), error.status


def wait_message() -> str:
    """How long to wait before trying again, as the limit that was reached says: the same wait
    as the response's Retry-After header (rounded up to the minute beyond one minute)."""
    limit = limiter.current_limit
    # Computed as the limiter computes the Retry-After header.
    seconds = max(1, int(limit.reset_at - time.time())) if limit else 60
    if seconds < 60:
        wait = ngettext("%(num)d seconde", "%(num)d secondes", seconds)
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return str(
        _l("Trop de tentatives en peu de temps. Patientez %(wait)s avant de réessayer.", wait=wait)
    )
