"""The emails of recruitment: the welcome of a volunteer who accepted."""

from __future__ import annotations

import functools

from flask import render_template, url_for
from flask_babel import gettext as _

from convention.assembly.models import Convention, WorkingGroup
from convention.auth.models import User
from convention.auth.services import password_reset_token
from convention.mail import send_email
from convention.transaction import after_commit


def welcome_after_commit(user: User, convention: Convention, group: WorkingGroup) -> None:
    """Welcome a new member once their acceptance is committed, with a link to choose their
    password (the password reset link: the account was made with a random one). The message
    is written now, while the request knows the member; it leaves only after the commit."""
    link = url_for("auth.reset_password", token=password_reset_token(user), _external=True)
    body = render_template(
        "recruitment/email/welcome.txt",
        user=user,
        title=convention.title,
        group=group.name,
        link=link,
    )
    subject = _("Bienvenue : %(title)s", title=convention.title)
    after_commit(functools.partial(send_email, user.email, subject, body))
