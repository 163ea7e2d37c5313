"""Reading a thread: one page of conversations in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from convention.assembly.models import Convention, Hearing
from convention.auth.models import User
from convention.discussion.models import (
    Comment,
    Notification,
    Report,
    Stance,
    TargetKind,
    Thread,
    Upvote,
)
from convention.extensions import db
from convention.proposals.models import Idea, Recommendation

SORTS = ("oldest", "newest", "upvoted")
# Conversations a page: each comes with all its replies.
PER_PAGE = 30
QUEUE_PER_PAGE = 20
NOTIFICATIONS_PER_PAGE = 30


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)


@dataclass
class ThreadPage:
    thread: Thread | None
    roots: list[Node]
    page: int
    pages: int
    sort: str
    upvoted: set[int]
    total: int


def target_of(thread: Thread) -> tuple[str, str]:
    """(title, address) of what a thread discusses; no query once `Thread.<kind>` is loaded
    (see `moderation_queue`)."""
    return _describe(thread.target)


def find_target(kind: TargetKind, target_id: int) -> Recommendation | Idea | Hearing | None:
    """The recommendation, idea or hearing `kind` #`target_id`, if there is one."""
    if kind == TargetKind.RECOMMENDATION:
        return db.session.get(Recommendation, target_id)
    if kind == TargetKind.IDEA:
        return db.session.get(Idea, target_id)
    return db.session.get(Hearing, target_id)


def target_address(kind: TargetKind, target_id: int) -> tuple[str, str]:
    """(title, address) of a recommendation, idea or hearing that exists."""
    target = find_target(kind, target_id)
    if target is None:
        raise LookupError(f"no {kind.value} #{target_id}")
    return _describe(target)


def _describe(target: Recommendation | Idea | Hearing) -> tuple[str, str]:
    """Its title and address, in its own convention's pages (a digest names several)."""
    slug = db.session.get_one(Convention, target.convention_id).slug
    if isinstance(target, Recommendation):
        return (
            f"{target.reference} · {target.title}",
            url_for("proposals.show", number=target.number, slug=target.slug, convention=slug),
        )
    if isinstance(target, Idea):
        return target.title, url_for("ideas.show", idea_id=target.id, convention=slug)
    return target.title, url_for("assembly.hearing", slug=target.slug, convention=slug)


def _order(sort: str):
    if sort == "newest":
        return (Comment.id.desc(),)
    if sort == "upvoted":
        return (Comment.upvote_count.desc(), Comment.id)
    return (Comment.id,)


def load_page(
    thread: Thread | None,
    viewer: User | None,
    sort: str = "oldest",
    page: int = 1,
    stance: Stance | None = None,
    per_page: int = PER_PAGE,
) -> ThreadPage:
    """One page of top-level comments with all their replies, authors, edit histories and
    the viewer's upvotes, in a number of queries that does not depend on the thread's size."""
    if sort not in SORTS:
        sort = "oldest"
    if thread is None:
        return ThreadPage(None, [], 1, 1, sort, set(), 0)
    with_people = (selectinload(Comment.author), selectinload(Comment.revisions))
    roots_query = (
        select(Comment)
        .where(Comment.thread_id == thread.id, Comment.depth == 0)
        .options(*with_people)
    )
    if stance is not None:
        roots_query = roots_query.where(Comment.stance == stance)
    pagination = db.paginate(
        roots_query.order_by(*_order(sort)), page=page, per_page=per_page, error_out=False
    )
    roots = pagination.items
    root_ids = [c.id for c in roots]
    replies = (
        list(
            db.session.scalars(
                select(Comment)
                .where(
                    Comment.thread_id == thread.id, Comment.root_id.in_(root_ids), Comment.depth > 0
                )
                .options(*with_people)
                .order_by(Comment.id)
            )
        )
        if root_ids
        else []
    )
    everyone = roots + replies
    upvoted = set()
    if viewer is not None and everyone:
        upvoted = set(
            db.session.scalars(
                select(Upvote.comment_id).where(
                    Upvote.user_id == viewer.id, Upvote.comment_id.in_([c.id for c in everyone])
                )
            )
        )
    nodes = {c.id: Node(c) for c in everyone}
    for reply in replies:
        parent = nodes.get(reply.parent_id)
        if parent is not None:
            parent.replies.append(nodes[reply.id])
    return ThreadPage(
        thread,
        [nodes[i] for i in root_ids],
        pagination.page,
        pagination.pages or 1,
        sort,
        upvoted,
        thread.comment_count,
    )


def moderation_queue(convention: Convention) -> Select[tuple[Comment]]:
    """The convention's comments with reports not yet dealt with, or hidden pending review,
    oldest first, with
    what the queue shows of each (author, open reports and their authors, the title and
    address of what is discussed) loaded in a number of queries that does not depend on how
    many there are."""
    reported = select(Report.comment_id).where(Report.resolved_at.is_(None))
    return (
        select(Comment)
        .join(Thread, Thread.id == Comment.thread_id)
        .where(
            Thread.convention_id == convention.id,
            Comment.id.in_(reported) | Comment.pending_review,
        )
        .options(
            selectinload(Comment.author),
            selectinload(Comment.open_reports).selectinload(Report.reporter),
            selectinload(Comment.thread).options(
                selectinload(Thread.recommendation),
                selectinload(Thread.idea),
                selectinload(Thread.hearing),
            ),
        )
        .order_by(Comment.created_at, Comment.id)
    )


def has_written_in(user: User, convention: Convention) -> bool:
    """Whether `user` has written a comment in one of the convention's discussions."""
    return (
        db.session.scalar(
            select(Comment.id)
            .join(Thread, Thread.id == Comment.thread_id)
            .where(Comment.author_id == user.id, Thread.convention_id == convention.id)
            .limit(1)
        )
        is not None
    )


def notifications_of(user: User) -> Select[tuple[Notification]]:
    """A person's notifications, newest first."""
    return (
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    )


def new_since(thread: Thread, after_id: int) -> list[Comment]:
    """Comments posted after `after_id`, for the page's live update."""
    return list(
        db.session.scalars(
            select(Comment)
            .where(Comment.thread_id == thread.id, Comment.id > after_id)
            .options(selectinload(Comment.author))
            .order_by(Comment.id)
            .limit(50)
        )
    )
