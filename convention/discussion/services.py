"""Rules of the discussion: posting, editing, deleting, upvoting, following and mentions.

Counters are changed with UPDATE … SET n = n ± 1 in the same transaction as the row they
count, so concurrent requests never lose an increment.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from convention import scope
from convention.assembly.models import Convention, Hearing, PhaseKind
from convention.assembly.services import slugify
from convention.auth.models import MANAGING_ROLES, Role, User
from convention.auth.roles import people_with_role
from convention.clock import utcnow
from convention.discussion.models import (
    Comment,
    CommentRevision,
    Follow,
    Notification,
    Stance,
    Suspension,
    TargetKind,
    Thread,
    Upvote,
)
from convention.discussion.queries import find_target
from convention.errors import AlreadyExists, ConventionError, InvalidInput, NotAllowed, WrongPhase
from convention.extensions import db
from convention.i18n import paris_date, site_language
from convention.markdown import render_markdown
from convention.proposals.models import Idea, Recommendation
from convention.proposals.queries import can_see

EDIT_GRACE = timedelta(minutes=15)
MAX_COMMENT = 5000
MAX_DEPTH = 2  # three levels: 0, 1 and 2
# The phases in which the members work among themselves: a facilitator may then reserve
# posting in a thread to members, while it stays public to read.
MEMBERS_ONLY_PHASES = frozenset(
    {PhaseKind.LEARNING, PhaseKind.DELIBERATION, PhaseKind.MEMBERS_VOTE}
)
MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9-]{1,60})", re.IGNORECASE)
# What a thread discusses.
Target = Recommendation | Idea | Hearing


class Suspended(NotAllowed):
    pass


def is_moderator(user: User | None, convention_id: int | None) -> bool:
    """The convention's facilitators and staff (and administrators) moderate its threads."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.role_in(convention_id) in MANAGING_ROLES | {Role.FACILITATOR}


class NoSuchDiscussion(InvalidInput):
    """No such target in this convention, or not one the person may see: the same answer
    for both, so that a refusal does not reveal what exists."""

    message = _l("Cette discussion n'existe pas.")
    status = 404


def find_thread(kind: TargetKind, target_id: int) -> Thread | None:
    return db.session.scalar(select(Thread).where(Thread.about(kind, target_id)))


def can_see_target(viewer: User | None, target: Target) -> bool:
    """A thread is read and written by those who may see its target: a draft recommendation
    by its group and the staff, a hearing once published, an idea by everyone."""
    if isinstance(target, Recommendation):
        return can_see(viewer, target)
    if isinstance(target, Hearing):
        return target.published_at is not None
    return True


def visible_target(
    viewer: User | None, convention: Convention, kind: TargetKind, target_id: int
) -> Target:
    """The recommendation, idea or hearing `kind` #`target_id` of `convention`, if `viewer`
    may see it."""
    target = find_target(kind, target_id)
    if (
        target is None
        or target.convention_id != convention.id
        or not can_see_target(viewer, target)
    ):
        raise NoSuchDiscussion()
    return target


def thread_for(convention: Convention, kind: TargetKind, target_id: int) -> Thread:
    """The thread of a target of `convention`, created on first use (two first posts at
    once: one thread, the database's unique index decides). A thread is always in its
    target's convention; the foreign key and the CHECK on `thread` refuse a target that does
    not exist or is not of `kind`."""
    target = find_target(kind, target_id)
    if target is None or target.convention_id != convention.id:
        raise NoSuchDiscussion()
    thread = find_thread(kind, target_id)
    if thread is not None:
        return thread
    thread = Thread.on(
        kind, target_id, convention_id=convention.id, members_only=False, comment_count=0
    )
    try:
        with db.session.begin_nested():
            db.session.add(thread)
            db.session.flush()
    except IntegrityError:
        thread = find_thread(kind, target_id)
        if thread is None:
            raise
    return thread


def active_suspension(user: User, now: datetime | None = None) -> Suspension | None:
    now = now or utcnow()
    return db.session.scalar(
        select(Suspension)
        .where(Suspension.user_id == user.id, Suspension.starts_at <= now, Suspension.ends_at > now)
        .order_by(Suspension.ends_at.desc())
        .limit(1)
    )


def check_can_post(actor: User, thread: Thread | None) -> None:
    """Raise why `actor` may not post in `thread` (None: a thread not started yet)."""
    if not actor.is_confirmed:
        raise NotAllowed(_l("Confirmez d'abord votre adresse électronique pour participer."))
    suspension = active_suspension(actor)
    if suspension is not None:
        raise Suspended(
            _l(
                "Votre participation est suspendue jusqu'au %(date)s : %(reason)s",
                date=paris_date(suspension.ends_at),
                reason=suspension.reason,
            )
        )
    if (
        thread is not None
        and thread.members_only
        and actor.role_in(thread.convention_id)
        not in {Role.MEMBER, Role.FACILITATOR} | MANAGING_ROLES
    ):
        raise NotAllowed(
            _l(
                "Pendant cette phase, seuls les membres de la convention écrivent "
                "dans cette discussion ; elle reste lisible par tous."
            )
        )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_l("Écrivez votre commentaire."), field="body")
    if len(body) > MAX_COMMENT:
        raise InvalidInput(
            _l("Le commentaire dépasse %(n)d caractères.", n=MAX_COMMENT), field="body"
        )
    return body


def bump_counter(model, row_id: int, column: str, by: int) -> None:
    """Add `by` to a counter column in SQL, so concurrent requests never lose an update."""
    db.session.execute(
        update(model).where(model.id == row_id).values({column: getattr(model, column) + by})
    )


def _count_on_target(thread: Thread, by: int) -> None:
    bump_counter(Thread, thread.id, "comment_count", by)
    if thread.recommendation_id is not None:
        # The recommendation list sorts by "most discussed" on this counter.
        bump_counter(Recommendation, thread.recommendation_id, "comment_count", by)


def post_comment(
    actor: User,
    thread: Thread,
    body: str,
    stance: Stance = Stance.NEUTRAL,
    parent: Comment | None = None,
) -> Comment:
    """Post a comment or a reply. Replies nest three levels deep; a reply to a third-level
    comment becomes a third-level comment beside it."""
    check_can_post(actor, thread)
    body = _clean_body(body)
    if not isinstance(stance, Stance):
        raise InvalidInput(_l("Choisissez pour, contre ou ni l'un ni l'autre."), field="stance")
    depth, root_id = 0, None
    if parent is not None:
        if parent.thread_id != thread.id:
            raise InvalidInput(_l("Ce commentaire n'appartient pas à cette discussion."))
        if parent.depth >= MAX_DEPTH:
            parent = db.session.get_one(Comment, parent.parent_id)
        depth, root_id = parent.depth + 1, parent.root_id
    comment = Comment(
        thread_id=thread.id,
        author=actor,
        parent_id=parent.id if parent else None,
        root_id=root_id,
        depth=depth,
        stance=stance,
        body=body,
        body_html=str(render_markdown(body)),
        by_member=actor.role_in(thread.convention_id) == Role.MEMBER,
        upvote_count=0,
        report_count=0,
    )
    db.session.add(comment)
    db.session.flush()
    if comment.root_id is None:
        comment.root_id = comment.id
    _count_on_target(thread, +1)
    follow(actor, thread)
    notify_mentions(comment, thread)
    return comment


def edit_keeps_history(comment: Comment, now: datetime | None = None) -> bool:
    """Whether editing `comment` now keeps its current text as a visible former version."""
    return (now or utcnow()) - comment.created_at > EDIT_GRACE


def edit_comment(actor: User, comment: Comment, body: str, now: datetime | None = None) -> None:
    """Authors edit their comment; after its first 15 minutes the former text stays visible."""
    now = now or utcnow()
    if actor.id != comment.author_id:
        raise NotAllowed(_l("Seul l'auteur peut modifier ce commentaire."))
    if comment.deleted_at or comment.is_hidden:
        raise ConventionError(_l("Ce commentaire ne peut plus être modifié."))
    body = _clean_body(body)
    if body == comment.body:
        raise InvalidInput(_l("Aucune modification à enregistrer."), field="body")
    if edit_keeps_history(comment, now):
        comment.revisions.append(
            CommentRevision(
                body_html=comment.body_html,
                written_at=comment.edited_at or comment.created_at,
                replaced_at=now,
            )
        )
    comment.body, comment.body_html = body, str(render_markdown(body))
    comment.edited_at = now


def delete_comment(actor: User, comment: Comment) -> None:
    """The author removes their comment from view; the row stays, replies stay in place."""
    if actor.id != comment.author_id:
        raise NotAllowed(_l("Seul l'auteur peut supprimer ce commentaire."))
    if comment.deleted_at:
        raise ConventionError(_l("Ce commentaire est déjà supprimé."))
    comment.deleted_at = utcnow()
    _count_on_target(db.session.get_one(Thread, comment.thread_id), -1)


def upvote(actor: User, comment: Comment) -> None:
    if actor.id == comment.author_id:
        raise NotAllowed(_l("On ne soutient pas son propre commentaire."))
    try:
        with db.session.begin_nested():
            db.session.add(Upvote(comment_id=comment.id, user_id=actor.id))
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(_l("Vous soutenez déjà ce commentaire.")) from None
    bump_counter(Comment, comment.id, "upvote_count", +1)


def remove_upvote(actor: User, comment: Comment) -> None:
    vote = db.session.scalar(
        select(Upvote).where(Upvote.comment_id == comment.id, Upvote.user_id == actor.id)
    )
    if vote is None:
        raise InvalidInput(_l("Vous ne souteniez pas ce commentaire."))
    db.session.delete(vote)
    db.session.flush()
    bump_counter(Comment, comment.id, "upvote_count", -1)


def follow(actor: User, thread: Thread) -> None:
    """Idempotent: following twice keeps one follow (the database decides)."""
    try:
        with db.session.begin_nested():
            db.session.add(Follow(thread_id=thread.id, user_id=actor.id))
            db.session.flush()
    except IntegrityError:
        pass


def unfollow(actor: User, thread: Thread) -> None:
    found = db.session.scalar(
        select(Follow).where(Follow.thread_id == thread.id, Follow.user_id == actor.id)
    )
    if found is not None:
        db.session.delete(found)


def is_following(user: User | None, thread: Thread | None) -> bool:
    if not user or thread is None:
        return False
    return (
        db.session.scalar(
            select(Follow.id).where(Follow.thread_id == thread.id, Follow.user_id == user.id)
        )
        is not None
    )


def set_members_only(actor: User, thread: Thread, convention: Convention, on: bool) -> None:
    """A facilitator reserves posting to members during the members' working phases."""
    if not is_moderator(actor, convention.id):
        raise NotAllowed()
    if on and convention.current_phase not in MEMBERS_ONLY_PHASES:
        raise WrongPhase(
            _l(
                "Une discussion ne peut être réservée aux membres que pendant "
                "les phases de travail des membres."
            )
        )
    thread.members_only = on


def mention_handle(user: User) -> str:
    return slugify(user.display_name)


def comment_link(comment: Comment) -> str:
    """The address of a comment in its convention's pages, kept in a notification."""
    convention = db.session.get_one(Convention, comment.thread.convention_id)
    return scope.address(convention.slug, f"/commentaires/{comment.id}")


def notify(user: User, kind: str, text: str | LazyString, link: str = "") -> Notification:
    """A notification for `user`, its text (a lazy string) in the site's language: the person
    acting may read the site in another."""
    with site_language():
        text = str(text)
    notification = Notification(user_id=user.id, kind=kind, text=text[:500], link=link[:300])
    db.session.add(notification)
    return notification


def mark_read(notifications: list[Notification], now: datetime | None = None) -> None:
    """Notifications a person has had in front of them are no longer new."""
    now = now or utcnow()
    for notification in notifications:
        if notification.read_at is None:
            notification.read_at = now


def notify_mentions(comment: Comment, thread: Thread) -> list[User]:
    """Members named as @handle (their display name, e.g. @camille-r) are notified once."""
    handles = {h.lower() for h in MENTION.findall(comment.body)}
    if not handles:
        return []
    members = people_with_role(thread.convention_id, Role.MEMBER)
    mentioned = [m for m in members if mention_handle(m) in handles and m.id != comment.author_id]
    for member in mentioned:
        notify(
            member,
            "mention",
            _l("%(name)s vous a mentionné·e dans une discussion.", name=comment.author.public_name),
            link=comment_link(comment),
        )
    return mentioned


def report_threshold() -> int:
    return int(current_app.config.get("DISCUSSION_REPORT_THRESHOLD", 3))
