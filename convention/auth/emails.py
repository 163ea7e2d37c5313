"""The account emails: confirmation and password reset links."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from convention.auth.models import User
from convention.auth.services import confirmation_token, password_reset_token
from convention.mail import send_email


def send_confirmation(user: User) -> None:
    link = url_for("auth.confirm", token=confirmation_token(user), _external=True)
    body = render_template("auth/email/confirm.txt", user=user, link=link)
    send_email(user.email, _("Confirmez votre adresse électronique"), body)


def send_password_reset(user: User) -> None:
    link = url_for("auth.reset_password", token=password_reset_token(user), _external=True)
    body = render_template("auth/email/reset.txt", user=user, link=link)
    send_email(user.email, _("Réinitialisation de votre mot de passe"), body)
