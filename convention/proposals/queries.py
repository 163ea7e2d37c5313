"""Reading recommendations: who sees what, the filtered and sorted list, one page's data."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Select, cast, literal, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from convention.assembly.models import Convention, GroupMembership, WorkingGroup
from convention.auth.models import MANAGING_ROLES, User
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
LIST_COLUMNS = (Recommendation.number, Recommendation.slug, Recommendation.title,
                Recommendation.status, Recommendation.theme_id, Recommendation.group_id,
                Recommendation.updated_at, Recommendation.version_count,
                Recommendation.amendment_count, Recommendation.comment_count)
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


def visible_clause(viewer: User | None):
    """Everyone sees published recommendations and later states; group members also see their
    group's drafts, and staff see every draft."""
    public = Recommendation.status.in_(PUBLIC_STATUSES)
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return public
    if viewer.role in MANAGING_ROLES:
        return True
    my_groups = select(GroupMembership.group_id).where(GroupMembership.user_id == viewer.id)
    return or_(public, Recommendation.group_id.in_(my_groups))


def can_see(viewer: User | None, recommendation: Recommendation) -> bool:
    if recommendation.status in PUBLIC_STATUSES:
        return True
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return viewer.role in MANAGING_ROLES or any(
        m.user_id == viewer.id for m in recommendation.group.memberships)


def listing(convention: Convention, viewer: User | None, filters: Filters) -> Select:
    """The select the list page paginates; its query count does not depend on the data."""
    statement = (
        select(Recommendation)
        .where(Recommendation.convention_id == convention.id, visible_clause(viewer))
        # One query for the page: many-to-one relations joined, long texts not loaded.
        .options(load_only(*LIST_COLUMNS), joinedload(Recommendation.theme),
                 joinedload(Recommendation.group).load_only(WorkingGroup.name))
    )
    if filters.theme_id:
        statement = statement.where(Recommendation.theme_id == filters.theme_id)
    if filters.group_id:
        statement = statement.where(Recommendation.group_id == filters.group_id)
    if filters.status:
        statement = statement.where(Recommendation.status == filters.status)
    if filters.query.strip():
        ids = search.matching_ids(filters.query)
        if ids is not None:
            statement = statement.where(Recommendation.id.in_(ids))
    if filters.sort == "discussed":
        statement = statement.order_by(
            (Recommendation.comment_count + Recommendation.amendment_count).desc(),
            Recommendation.id.desc())
    elif filters.sort == "random":
        shuffled = (cast(Recommendation.id, BigInteger) * literal(_SHUFFLE_A, BigInteger)
                    + literal(filters.seed, BigInteger)) % literal(_SHUFFLE_P, BigInteger)
        statement = statement.order_by(shuffled, Recommendation.id)
    else:
        statement = statement.order_by(Recommendation.updated_at.desc(),
                                       Recommendation.id.desc())
    return statement


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
