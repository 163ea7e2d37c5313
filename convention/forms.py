"""Form pieces shared by every feature."""
from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from convention.errors import ConventionError
from convention.extensions import db

REQUIRED = _l("Ce champ est obligatoire.")


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, so every POST button is protected."""


def show_error(form: FlaskForm, error: ConventionError, default: str | None = None) -> None:
    """Put a refused action's message next to the field it concerns (or `default`), or at the
    top of the page when the form has no such field."""
    field = getattr(form, error.field or "", None) or (getattr(form, default, None)
                                                       if default else None)
    if field is None:
        flash(error.message, "error")
    else:
        field.errors = list(field.errors) + [error.message]


@contextmanager
def committed_or_flashed(form: FlaskForm | None = None, default: str | None = None):
    """Around a service call from a view: commit what it wrote, or, if the service refuses
    (ConventionError), roll back and show the reason, then carry on after the block: next to
    the form's field it concerns (see `show_error`) when a form is given, at the top of the
    page otherwise. `outcome.ok` says which:

        with committed_or_flashed() as outcome:
            invitations = services.draw(...)
        if outcome.ok:
            flash(...)
    """
    outcome = SimpleNamespace(ok=False)
    try:
        yield outcome
    except ConventionError as error:
        db.session.rollback()
        if form is None:
            flash(error.message, "error")
        else:
            show_error(form, error, default)
    else:
        db.session.commit()
        outcome.ok = True
