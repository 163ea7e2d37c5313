"""Reading a thread: one page of conversations in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from convention.assembly.models import Hearing
from convention.auth.models import User
from convention.discussion.models import Comment, Stance, TargetKind, Thread, Upvote
from convention.extensions import db
from convention.proposals.models import Idea, Recommendation

SORTS = ("oldest", "newest", "upvoted")
# Conversations a page: each comes with all its replies.
PER_PAGE = 30


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
    """(title, address) of what a thread discusses."""
    return target_address(thread.target_kind, thread.target_id)


def target_address(kind: TargetKind, target_id: int) -> tuple[str, str]:
    if kind == TargetKind.RECOMMENDATION:
        rec = db.session.get(Recommendation, target_id)
        return (f"{rec.reference} · {rec.title}",
                url_for("proposals.show", number=rec.number, slug=rec.slug))
    if kind == TargetKind.IDEA:
        idea = db.session.get(Idea, target_id)
        return idea.title, url_for("ideas.show", idea_id=idea.id)
    hearing = db.session.get(Hearing, target_id)
    return hearing.title, url_for("assembly.hearing", slug=hearing.slug)


def _order(sort: str):
    if sort == "newest":
        return (Comment.id.desc(),)
    if sort == "upvoted":
        return (Comment.upvote_count.desc(), Comment.id)
    return (Comment.id,)


def load_page(thread: Thread | None, viewer: User | None, sort: str = "oldest", page: int = 1,
              stance: Stance | None = None, per_page: int = PER_PAGE) -> ThreadPage:
    """One page of top-level comments with all their replies, authors, edit histories and
    the viewer's upvotes, in a number of queries that does not depend on the thread's size."""
    if sort not in SORTS:
        sort = "oldest"
    if thread is None:
        return ThreadPage(None, [], 1, 1, sort, set(), 0)
    with_people = (selectinload(Comment.author), selectinload(Comment.revisions))
    roots_query = (select(Comment).where(Comment.thread_id == thread.id, Comment.depth == 0)
                   .options(*with_people))
    if stance is not None:
        roots_query = roots_query.where(Comment.stance == stance)
    pagination = db.paginate(roots_query.order_by(*_order(sort)), page=page,
                             per_page=per_page, error_out=False)
    roots = pagination.items
    root_ids = [c.id for c in roots]
    replies = list(db.session.scalars(
        select(Comment).where(Comment.thread_id == thread.id, Comment.root_id.in_(root_ids),
                              Comment.depth > 0).options(*with_people).order_by(Comment.id))
    ) if root_ids else []
    everyone = roots + replies
    upvoted = set()
    if viewer is not None and everyone:
        upvoted = set(db.session.scalars(select(Upvote.comment_id).where(
            Upvote.user_id == viewer.id, Upvote.comment_id.in_([c.id for c in everyone]))))
    nodes = {c.id: Node(c) for c in everyone}
    for reply in replies:
        parent = nodes.get(reply.parent_id)
        if parent is not None:
            parent.replies.append(nodes[reply.id])
    return ThreadPage(thread, [nodes[i] for i in root_ids], pagination.page,
                      pagination.pages or 1, sort, upvoted, thread.comment_count)


def new_since(thread: Thread, after_id: int) -> list[Comment]:
    """Comments posted after `after_id`, for the page's live update."""
    return list(db.session.scalars(
        select(Comment).where(Comment.thread_id == thread.id, Comment.id > after_id)
        .options(selectinload(Comment.author)).order_by(Comment.id).limit(50)))
