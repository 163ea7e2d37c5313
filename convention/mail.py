"""Sending email: through SMTP when MAIL_SERVER is set, printed to the console otherwise."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import get_locale

from convention.i18n import site_language
from convention.typography import french_html, french_text


def build_message(to: str, subject: str, body: str, html: str | None = None) -> EmailMessage:
    """The message, with French spacing when it is written in French (as the pages are)."""
    config = current_app.config
    locale = str(get_locale() or config["BABEL_DEFAULT_LOCALE"])
    if locale.startswith("fr"):
        subject, body = french_text(subject), french_text(body)
        html = french_html(html) if html is not None else None
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="convention.local")
    message.set_content(body)
    if html is not None:  # the plain text stays first: what every mail reader can show
        message.add_alternative(html, subtype="html")
    return message


def send_email(to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send a plain-text email now, with an HTML version when `html` is given.

    Without MAIL_SERVER (development) the message is printed, so the confirmation and reset
    links can be followed from the terminal that runs `make run`.
    """
    message = build_message(to, subject, body, html)
    config = current_app.config
    if not config["MAIL_SERVER"]:
        print(f"\n----- email (MAIL_SERVER not set) -----\n{message}\n-----", file=sys.stderr)
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def send_email_in_site_language(to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send an email written for someone else in the site's language (see
    `i18n.site_language`), typeset for that language whatever language the sender reads; for
    the emails that leave after the commit, outside the block that wrote them."""
    with site_language():
        send_email(to, subject, body, html)
