"""The emails of recruitment: the invitation of a person drawn (and its reminders), and the
welcome of a volunteer who accepted. They are written in the site's language while the request
knows the convention (so their links carry its address), and leave only after the commit."""

from __future__ import annotations

import functools
from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from convention.assembly.models import Convention, WorkingGroup
from convention.auth.models import User
from convention.auth.services import password_reset_token
from convention.clock import utcnow
from convention.i18n import site_language
from convention.mail import send_email_in_site_language
from convention.recruitment.links import invitation_token
from convention.recruitment.models import Invitation
from convention.sittings.models import Sitting
from convention.transaction import after_commit


def invitation_after_commit(
    invitation: Invitation,
    convention: Convention,
    dates: list[Sitting],
    *,
    reminder: bool = False,
) -> None:
    """Invite a person drawn, by email, with their personal link (a new one each time, valid
    INVITATION_MAX_AGE_DAYS from now)."""
    if not invitation.email:
        return
    link = url_for("recruitment.invitation", token=invitation_token(invitation), _external=True)
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    values = {
        "title": convention.title,
        "question": convention.question,
        "authority": convention.authority,
        "dates": dates,
        "link": link,
        "valid_until": utcnow() + timedelta(days=days),
        "reminder": reminder,
    }
    with site_language():
        body = render_template("recruitment/email/invitation.txt", **values)
        html = render_template("recruitment/email/invitation.html", **values)
        subject = (
            _("Rappel : vous êtes invité·e à rejoindre « %(title)s »", title=convention.title)
            if reminder
            else _("Vous êtes tiré·e au sort : « %(title)s »", title=convention.title)
        )
    after_commit(
        functools.partial(send_email_in_site_language, invitation.email, subject, body, html)
    )


def welcome_after_commit(user: User, convention: Convention, group: WorkingGroup | None) -> None:
    """Welcome a new member once their acceptance is committed, with a link to choose their
    password (the password reset link: the account was made with a random one). The message
    is written now, while the request knows the member; it leaves only after the commit."""
    link = url_for("auth.reset_password", token=password_reset_token(user), _external=True)
    with site_language():
        body = render_template(
            "recruitment/email/welcome.txt",
            user=user,
            title=convention.title,
            group=group.name if group is not None else None,
            link=link,
        )
        subject = _("Bienvenue : %(title)s", title=convention.title)
    after_commit(functools.partial(send_email_in_site_language, user.email, subject, body))
