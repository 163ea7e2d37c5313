"""Form pieces shared by every feature."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeField, Field, IntegerField, StringField

# The feature forms take SelectChoice (new in WTForms 3.3) from here: its stubs (types-WTForms
# 3.2) do not know it yet, and one import is one place to say so.
from wtforms.fields.choices import SelectChoice as SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import ValidationError

from convention.params import CONTROL_CHARACTERS, DB_INT_MAX

REQUIRED = _l("Ce champ est obligatoire.")
T_co = TypeVar("T_co", covariant=True)
#: The years a date typed in a form may fall in: beyond them it is a typing mistake (and year 1
#: cannot even be moved from Paris time to UTC).
SANE_YEARS = (1900, 2200)


def no_control_characters(form: FlaskForm, field: Field) -> None:
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(
            _l(
                "Ce champ contient un caractère de contrôle invisible (un octet "
                "nul, par exemple) : retirez-le."
            )
        )


def sane_date(form: FlaskForm, field: Field) -> None:
    first, last = SANE_YEARS
    if isinstance(field.data, date) and not first <= field.data.year <= last:
        raise ValidationError(
            _l("Saisissez une date entre %(first)d et %(last)d.", first=first, last=last)
        )


def database_integer(form: FlaskForm, field: Field) -> None:
    if field.data is not None and abs(field.data) > DB_INT_MAX:
        raise ValidationError(_l("Ce nombre est bien trop grand."))


def _checks_for(field: Field) -> list[Callable[[FlaskForm, Field], None]]:
    # StringField covers every field a person types text into (text areas, hidden, email,
    # password fields); choice fields already refuse any value not offered.
    if isinstance(field, StringField):
        return [no_control_characters]
    if isinstance(field, DateTimeField):  # and DateField, DateTimeLocalField
        return [sane_date]
    if isinstance(field, IntegerField):
        return [database_integer]
    return []


class Form(FlaskForm):
    """The base of every form of the application. Besides each field's own rules, text holds
    no control character (PostgreSQL cannot store a NUL byte), a date lies within
    `SANE_YEARS` and a whole number fits the database's integer; each refusal is shown on its
    field."""

    class Meta(FlaskForm.Meta):
        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Any:
            # A page holds many forms, each with its hidden token (30 invitations on a draw's
            # page): with its id, "csrf_token" would repeat. Nothing points to it by id.
            if field.type == "CSRFTokenField":
                render_kw = {**render_kw, "id": False}
            return super().render_field(field, render_kw)

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            extra[name] = _checks_for(field) + extra.get(name, [])
        return super().validate(extra)


class EmptyForm(Form):
    """A form with only the CSRF token, so every POST button is protected."""


class _Submitted(Protocol[T_co]):
    @property
    def name(self) -> str: ...

    @property
    def data(self) -> T_co | None: ...


def filled(field: _Submitted[T_co]) -> T_co:
    """The value of a field that its validators require (DataRequired, InputRequired), once
    the form has validated: never None then."""
    value = field.data
    if value is None:
        raise ValueError(f"field {field.name!r} is empty: validate a form that requires it first")
    return value
