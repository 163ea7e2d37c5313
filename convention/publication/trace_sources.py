"""The official answer and follow-up updates on a recommendation's trace page."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from convention.extensions import db
from convention.proposals.models import Recommendation
from convention.proposals.trace import TraceEvent
from convention.publication.models import Answer, FollowUpUpdate


def official_answer(recommendation: Recommendation) -> list[TraceEvent]:
    answer = db.session.scalar(
        select(Answer).where(
            Answer.recommendation_id == recommendation.id, Answer.published_at.is_not(None)
        )
    )
    if answer is None or answer.published_at is None:
        return []
    return [
        TraceEvent(
            answer.published_at,
            "answer",
            _("Réponse de la collectivité : %(kind)s", kind=answer.kind.label),
            answer.public_text[:300],
        )
    ]


def follow_up(recommendation: Recommendation) -> list[TraceEvent]:
    updates = db.session.scalars(
        select(FollowUpUpdate).where(FollowUpUpdate.recommendation_id == recommendation.id)
    )
    return [
        TraceEvent(
            datetime.combine(u.happened_on, time(12), tzinfo=UTC),
            "follow_up",
            _("Suivi : %(progress)d %% réalisé", progress=u.progress),
            u.text[:300],
        )
        for u in updates
    ]


SOURCES = (official_answer, follow_up)
