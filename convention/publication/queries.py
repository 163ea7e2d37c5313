"""Reading what the publication pages and feeds show: editions, answers, follow-up."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from convention.assembly.models import Convention
from convention.extensions import db
from convention.proposals.models import PUBLIC_STATUSES, Recommendation
from convention.publication.models import Answer, AnswerKind, FollowUpUpdate, ReportEdition

FEED_LENGTH = 50


def edition(convention: Convention, number: int) -> ReportEdition | None:
    return db.session.scalar(
        select(ReportEdition).where(
            ReportEdition.convention_id == convention.id, ReportEdition.number == number
        )
    )


def recommendation(
    convention: Convention, number: int, *, public_only: bool = False
) -> Recommendation | None:
    statement = select(Recommendation).where(
        Recommendation.convention_id == convention.id, Recommendation.number == number
    )
    if public_only:
        statement = statement.where(Recommendation.status.in_(PUBLIC_STATUSES))
    return db.session.scalar(statement)


def answer_to(rec: Recommendation, *, published_only: bool = False) -> Answer | None:
    statement = select(Answer).where(Answer.recommendation_id == rec.id)
    if published_only:
        statement = statement.where(Answer.published_at.is_not(None))
    return db.session.scalar(statement)


def answered_with(convention: Convention, kind: str):
    """The ids of the recommendations whose published answer is of `kind` (an AnswerKind
    value): an answer not yet published does not count, so the list reveals none."""
    return (
        select(Answer.recommendation_id)
        .join(Recommendation)
        .where(
            Recommendation.convention_id == convention.id,
            Answer.kind == AnswerKind(kind),
            Answer.published_at.is_not(None),
        )
    )


def answer_notes(recs: list[Recommendation]) -> dict[int, str]:
    """What the list of recommendations says of each published answer, in one query."""
    found = db.session.execute(
        select(Answer.recommendation_id, Answer.kind).where(
            Answer.recommendation_id.in_([r.id for r in recs]), Answer.published_at.is_not(None)
        )
    )
    return {
        rec_id: _("Réponse de la collectivité : %(kind)s", kind=kind.label)
        for rec_id, kind in found
    }


def answer_kinds() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in AnswerKind]


def updates_by_recommendation(recs: list[Recommendation]) -> dict[int, list[FollowUpUpdate]]:
    """Each recommendation's follow-up updates, oldest first, by recommendation id."""
    updates: dict[int, list[FollowUpUpdate]] = {}
    for update in db.session.scalars(
        select(FollowUpUpdate)
        .where(FollowUpUpdate.recommendation_id.in_([r.id for r in recs]))
        .order_by(FollowUpUpdate.happened_on, FollowUpUpdate.id)
    ):
        updates.setdefault(update.recommendation_id, []).append(update)
    return updates


def updates_of(rec: Recommendation) -> list[FollowUpUpdate]:
    return list(
        db.session.scalars(select(FollowUpUpdate).where(FollowUpUpdate.recommendation_id == rec.id))
    )


def newest_public_recommendations(convention: Convention) -> list[Recommendation]:
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(
                Recommendation.convention_id == convention.id,
                Recommendation.status.in_(PUBLIC_STATUSES),
            )
            .order_by(Recommendation.published_at.desc())
            .limit(FEED_LENGTH)
        )
    )


def newest_published_answers(convention: Convention) -> list[Answer]:
    return list(
        db.session.scalars(
            select(Answer)
            .join(Recommendation)
            .where(Recommendation.convention_id == convention.id, Answer.published_at.is_not(None))
            .options(selectinload(Answer.recommendation))
            .order_by(Answer.published_at.desc())
            .limit(FEED_LENGTH)
        )
    )


def newest_updates(convention: Convention) -> list[FollowUpUpdate]:
    return list(
        db.session.scalars(
            select(FollowUpUpdate)
            .join(Recommendation)
            .where(Recommendation.convention_id == convention.id)
            .options(selectinload(FollowUpUpdate.recommendation))
            .order_by(FollowUpUpdate.created_at.desc())
            .limit(FEED_LENGTH)
        )
    )
