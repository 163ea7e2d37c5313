"""Reading recommendations: who sees what, the filtered and sorted list, one page's data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, cast, func, literal, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from convention.assembly.models import Convention, GroupMembership, Theme, WorkingGroup
from convention.auth.models import User
from convention.extensions import db
from convention.proposals import search
from convention.proposals.models import (
    PUBLIC_STATUSES,
    Amendment,
    CoAuthor,
    Idea,
    Recommendation,
    Status,
)

SORTS = ("recent", "discussed", "random")
LIST_COLUMNS = (
    Recommendation.number,
    Recommendation.slug,
    Recommendation.title,
    Recommendation.status,
    Recommendation.theme_id,
    Recommendation.group_id,
    Recommendation.updated_at,
    Recommendation.version_count,
    Recommendation.amendment_count,
    Recommendation.comment_count,
)
PER_PAGE = 20
# A large prime and a multiplier: (id * A + seed) mod P shuffles ids the same way on every
# database, and the seed (kept in the page's links) keeps pagination stable.
_SHUFFLE_A, _SHUFFLE_P = 2654435761, 4294967291


@dataclass
class Filters:
    theme_id: int | None = None
    group_id: int | None = None
    status: Status | None = None
    query: str = ""
    sort: str = "recent"
    seed: int = 0
    #: Filters the features above add (see registry.ListFilter): each a select() of ids to keep.
    kept: list[Any] = field(default_factory=list)


def visible_clause(viewer: User | None, convention_id: int):
    """Everyone sees published recommendations and later states; group members also see their
    group's drafts, and the convention's staff see every draft."""
    public = Recommendation.status.in_(PUBLIC_STATUSES)
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return public
    if viewer.manages(convention_id):
        return True
    my_groups = select(GroupMembership.group_id).where(GroupMembership.user_id == viewer.id)
    return or_(public, Recommendation.group_id.in_(my_groups))


def can_see(viewer: User | None, recommendation: Recommendation) -> bool:
    if recommendation.status in PUBLIC_STATUSES:
        return True
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return viewer.manages(recommendation.convention_id) or any(
        m.user_id == viewer.id for m in recommendation.group.memberships
    )


@dataclass
class Page:
    """One page of a list, with what the pagination links need."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _filtered(convention: Convention, viewer: User | None, filters: Filters, *columns):
    statement = select(*columns).where(
        Recommendation.convention_id == convention.id, visible_clause(viewer, convention.id)
    )
    if filters.theme_id:
        statement = statement.where(Recommendation.theme_id == filters.theme_id)
    if filters.group_id:
        statement = statement.where(Recommendation.group_id == filters.group_id)
    if filters.status:
        statement = statement.where(Recommendation.status == filters.status)
    for ids_kept in filters.kept:
        statement = statement.where(Recommendation.id.in_(ids_kept))
    if filters.query.strip():
        ids = search.matching_ids(filters.query)
        if ids is not None:
            statement = statement.where(Recommendation.id.in_(ids))
    return statement


def _order(filters: Filters) -> tuple:
    if filters.sort == "discussed":
        return Recommendation.comment_count.desc(), Recommendation.id.desc()
    if filters.sort == "random":
        shuffled = (
            cast(Recommendation.id, BigInteger) * literal(_SHUFFLE_A, BigInteger)
            + literal(filters.seed, BigInteger)
        ) % literal(_SHUFFLE_P, BigInteger)
        return shuffled, Recommendation.id
    return Recommendation.updated_at.desc(), Recommendation.id.desc()


def list_page(convention: Convention, viewer: User | None, filters: Filters, page: int = 1) -> Page:
    """One page of the list in three queries whatever the size of the convention: the count
    and the page's ids come from narrow indexes, then only those rows are read."""
    page = max(page, 1)
    total = db.session.scalar(_filtered(convention, viewer, filters, func.count()))
    ids = list(
        db.session.scalars(
            _filtered(convention, viewer, filters, Recommendation.id)
            .order_by(*_order(filters))
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
    )
    rows = (
        {
            r.id: r
            for r in db.session.scalars(
                select(Recommendation)
                .where(Recommendation.id.in_(ids))
                # Many-to-one relations joined, long texts not loaded.
                .options(
                    load_only(*LIST_COLUMNS),
                    joinedload(Recommendation.theme),
                    joinedload(Recommendation.group).load_only(WorkingGroup.name),
                )
            )
        }
        if ids
        else {}
    )
    return Page([rows[i] for i in ids], page, PER_PAGE, total or 0)


def by_number(convention: Convention, number: int) -> Recommendation | None:
    """One recommendation with what its page shows, in a fixed number of queries.

    Versions are not loaded here: only the history and diff pages need them."""
    return db.session.scalar(
        select(Recommendation)
        .where(Recommendation.convention_id == convention.id, Recommendation.number == number)
        .options(
            selectinload(Recommendation.theme),
            selectinload(Recommendation.group).selectinload(WorkingGroup.memberships),
            selectinload(Recommendation.author),
            selectinload(Recommendation.coauthors).selectinload(CoAuthor.user),
            selectinload(Recommendation.amendments).selectinload(Amendment.author),
            selectinload(Recommendation.hearings),
            selectinload(Recommendation.ideas).selectinload(Idea.author),
        )
    )


def groups_of(convention: Convention) -> list[WorkingGroup]:
    return list(
        db.session.scalars(
            select(WorkingGroup)
            .where(WorkingGroup.convention_id == convention.id)
            .order_by(WorkingGroup.name)
        )
    )


def theme_by_slug(convention: Convention, slug: str) -> Theme | None:
    return db.session.scalar(
        select(Theme).where(Theme.convention_id == convention.id, Theme.slug == slug)
    )


def published_in(convention: Convention) -> list[Recommendation]:
    """The published recommendations, which a merge can go into."""
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(
                Recommendation.convention_id == convention.id,
                Recommendation.status == Status.PUBLISHED,
            )
            .order_by(Recommendation.number)
        )
    )


def ideas_page(convention: Convention, theme_id: int | None, page: int = 1):
    """The ideas, newest first, a page at a time."""
    statement = (
        select(Idea)
        .where(Idea.convention_id == convention.id)
        .options(
            selectinload(Idea.author), selectinload(Idea.theme), selectinload(Idea.recommendations)
        )
        .order_by(Idea.created_at.desc())
    )
    if theme_id:
        statement = statement.where(Idea.theme_id == theme_id)
    return db.paginate(statement, page=page, per_page=20, error_out=False)


def group_of_member(user: User | None, convention: Convention) -> int | None:
    """The id of the working group `user` is a member of in `convention`, if any."""
    if user is None:
        return None
    return db.session.scalar(
        select(GroupMembership.group_id).where(
            GroupMembership.user_id == user.id, GroupMembership.convention_id == convention.id
        )
    )
