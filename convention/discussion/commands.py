"""`flask send-digests`: each follower's daily email."""

from __future__ import annotations

import click
from flask import current_app

from convention.auth.models import User
from convention.clock import utcnow
from convention.discussion import digest
from convention.extensions import db
from convention.jobs import at_public_address
from convention.mail import send_email


@click.command("send-digests")
def send_digests() -> None:
    """Email each follower the day's new comments and their notifications (run daily)."""
    now = utcnow()
    sent = 0
    base_url = current_app.config["BASE_URL"]
    with at_public_address():
        for user_id, content in digest.pending_digests(now).items():
            user = db.session.get_one(User, user_id)
            subject, body = digest.compose(user, content, base_url)
            send_email(user.email, subject, body)
            digest.mark_sent(user_id, content, now)
            # The exception to one commit per command: one per email, so that a failure later
            # never sends anyone the same digest twice.
            db.session.commit()
            sent += 1
    click.echo(f"{sent} digest(s) sent.")
