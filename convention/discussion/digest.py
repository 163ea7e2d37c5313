"""The daily digest: one email per person with the new comments of the threads they follow
and their unread notifications, instead of one email per comment. Sent by
`flask send-digests`, which a cron job or a worker runs once a day: it sends each digest and
commits right after it, so a failure halfway never sends anyone the same digest twice."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import and_, select, update
from sqlalchemy.orm import selectinload

from convention.auth.models import User
from convention.discussion.models import Comment, Follow, Notification, Thread
from convention.discussion.queries import target_of
from convention.extensions import db
from convention.i18n import site_language


def pending_digests(now: datetime) -> dict[int, dict]:
    """For each person: the new comments by others in the threads they follow, visible ones
    only, and the notifications not yet emailed."""
    rows = db.session.execute(
        select(Follow, Comment)
        .join(
            Comment,
            and_(
                Comment.thread_id == Follow.thread_id,
                Comment.created_at > Follow.digested_until,
                Comment.created_at <= now,
                Comment.author_id != Follow.user_id,
                Comment.deleted_at.is_(None),
                Comment.hidden_at.is_(None),
            ),
        )
        .options(selectinload(Comment.author))
        .order_by(Comment.id)
    ).all()
    digests: dict[int, dict] = defaultdict(
        lambda: {"threads": defaultdict(list), "notifications": []}
    )
    for follow, comment in rows:
        digests[follow.user_id]["threads"][follow.thread_id].append(comment)
    for notification in db.session.scalars(
        select(Notification).where(
            Notification.emailed_at.is_(None), Notification.created_at <= now
        )
    ):
        digests[notification.user_id]["notifications"].append(notification)
    return digests


def compose(user: User, digest: dict, base_url: str) -> tuple[str, str]:
    """The subject and text of one person's digest."""
    sections = [
        (target_of(db.session.get_one(Thread, thread_id)), comments)
        for thread_id, comments in digest["threads"].items()
    ]
    with site_language():
        body = render_template(
            "discussion/email/digest.txt",
            user=user,
            sections=sections,
            notifications=digest["notifications"],
            base_url=base_url,
        )
        return _("Les nouveautés des discussions que vous suivez"), body


def mark_sent(user_id: int, digest: dict, now: datetime) -> None:
    """What a digest contained is not sent again."""
    for thread_id in digest["threads"]:
        db.session.execute(
            update(Follow)
            .where(Follow.thread_id == thread_id, Follow.user_id == user_id)
            .values(digested_until=now)
        )
    for notification in digest["notifications"]:
        notification.emailed_at = now
