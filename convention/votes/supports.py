"""Supports for citizen ideas during deliberation: one per person and idea, withdrawable."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from convention.assembly.models import Convention, PhaseKind
from convention.auth.models import User
from convention.errors import NotAllowed, WrongPhase
from convention.extensions import db
from convention.proposals.models import Idea
from convention.votes.models import IdeaSupport
from convention.votes.upsert import insert


def _check(actor: User, idea: Idea, convention: Convention) -> None:
    if actor is None or not actor.is_confirmed:
        raise NotAllowed(_l("Confirmez d'abord votre adresse électronique."))
    if idea.convention_id != convention.id or convention.current_phase != PhaseKind.DELIBERATION:
        raise WrongPhase(_l("Les idées se soutiennent pendant la phase de délibération."))


def support(actor: User, idea: Idea, convention: Convention) -> bool:
    """Support an idea; supporting twice changes nothing. True when the support is new."""
    _check(actor, idea, convention)
    added = db.session.scalar(
        insert(IdeaSupport)
        .values(idea_id=idea.id, user_id=actor.id)
        .on_conflict_do_nothing()
        .returning(IdeaSupport.idea_id)
    )
    return added is not None


def withdraw_support(actor: User, idea: Idea, convention: Convention) -> bool:
    _check(actor, idea, convention)
    removed = db.session.scalar(
        delete(IdeaSupport)
        .where(IdeaSupport.idea_id == idea.id, IdeaSupport.user_id == actor.id)
        .returning(IdeaSupport.idea_id)
    )
    return removed is not None


def ideas_with_supports(
    convention: Convention, viewer: User | None
) -> list[tuple[Idea, int, bool]]:
    """Every idea with its number of supports and whether the viewer supports it."""
    counts = (
        select(IdeaSupport.idea_id, func.count().label("n"))
        .group_by(IdeaSupport.idea_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Idea, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.idea_id == Idea.id)
        .where(Idea.convention_id == convention.id)
        .order_by(Idea.created_at.desc())
    )
    mine = set()
    if viewer is not None and getattr(viewer, "is_authenticated", False):
        mine = set(
            db.session.scalars(select(IdeaSupport.idea_id).where(IdeaSupport.user_id == viewer.id))
        )
    return [(idea, n, idea.id in mine) for idea, n in rows]
