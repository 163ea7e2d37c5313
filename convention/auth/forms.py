"""Account forms. Every field has a label and its errors are shown next to it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from convention.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from convention.forms import REQUIRED, Form


def password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(REQUIRED),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "Le mot de passe doit contenir entre %(min)d et %(max)d caractères.",
                    min=MIN_PASSWORD_LENGTH,
                    max=MAX_PASSWORD_LENGTH,
                ),
            ),
        ],
        description=_l("Au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


def email_field():
    return EmailField(
        _l("Adresse électronique"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(
                _l("Saisissez une adresse électronique valide, par exemple nom@exemple.fr."),
                check_deliverability=False,
            ),
        ],
        render_kw={"autocomplete": "email"},
    )


class RegistrationForm(Form):
    email = email_field()
    display_name = StringField(
        _l("Nom affiché"),
        validators=[DataRequired(REQUIRED), Length(max=80, message=_l("80 caractères au plus."))],
        description=_l("Visible par les autres participants, par exemple « Camille R. »."),
        render_kw={"autocomplete": "nickname"},
    )
    commune = SelectField(
        _l("Commune de résidence"),
        coerce=int,
        validators=[DataRequired(_l("Choisissez votre commune."))],
    )
    password = password_field(_l("Mot de passe"))
    password_confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", _l("Les deux mots de passe ne sont pas identiques.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(Form):
    email = email_field()
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Rester connecté·e sur cet appareil"))


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password = password_field(_l("Nouveau mot de passe"))
    password_confirm = PasswordField(
        _l("Confirmez le nouveau mot de passe"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", _l("Les deux mots de passe ne sont pas identiques.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
