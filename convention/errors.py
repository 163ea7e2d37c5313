"""Domain errors and the HTTP error pages.

Services raise subclasses of `ConventionError`; views show them next to the form through
`transaction.attempt`. One that no view expected is answered here with its message and its
status, never a 500, after rolling back whatever the request had written.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from convention.extensions import db


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

    for code in (400, 403, 404, 405, 409, 429, 500):
        app.register_error_handler(code, page(code))

    @app.errorhandler(ConventionError)
    def refused(error: ConventionError):
        db.session.rollback()
        return render_template(
            error.template, code=error.status, message=error.message
        ), error.status
