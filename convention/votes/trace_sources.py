"""The members' vote and the public judgment on a recommendation's trace page."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from convention.extensions import db
from convention.proposals.models import Recommendation
from convention.proposals.trace import TraceEvent
from convention.votes import adoption, consultation
from convention.votes.models import AdoptionBallot, Consultation

EVENT_TITLES = {
    "adoption_vote_opened": lambda d: (
        _("Vote des membres ouvert (scrutin secret)")
        if d.get("secret")
        else _("Vote des membres ouvert (scrutin nominatif)")
    ),
}


def _members_vote(recommendation: Recommendation) -> list[TraceEvent]:
    ballot = db.session.scalar(
        select(AdoptionBallot).where(AdoptionBallot.recommendation_id == recommendation.id)
    )
    if ballot is None or ballot.closed_at is None:  # no vote, or still open
        return []
    title = _("Vote des membres : adoptée") if ballot.adopted else _("Vote des membres : rejetée")
    return [TraceEvent(ballot.closed_at, "adoption_vote", title, adoption.tally(ballot).sentence())]


def _public_judgment(recommendation: Recommendation) -> list[TraceEvent]:
    found = db.session.scalar(
        select(Consultation).where(
            Consultation.convention_id == recommendation.convention_id,
            Consultation.closed_at.is_not(None),
        )
    )
    if found is None or found.closed_at is None:
        return []
    ranked = consultation.results(found, consultation.adopted_in(found.convention_id))
    mine = next((r for r in ranked if r.recommendation.id == recommendation.id), None)
    if mine is None or mine.majority_grade is None:
        return []
    return [
        TraceEvent(
            found.closed_at,
            "public_judgment",
            _(
                "Jugement du public : mention majoritaire « %(grade)s », rang %(rank)d sur %(n)d",
                grade=consultation.GRADE_LABELS[mine.majority_grade],
                rank=mine.rank,
                n=len(ranked),
            ),
        )
    ]


SOURCES = (_members_vote, _public_judgment)
