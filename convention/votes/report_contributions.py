"""The members' vote and the public judgment in the final report and its open data
(registered by the feature's `init_app` as report contributions)."""

from __future__ import annotations

from sqlalchemy import select

from convention.extensions import db
from convention.proposals.models import Recommendation
from convention.votes import adoption, consultation
from convention.votes.models import AdoptionBallot, Consultation


def members_vote(recommendations: list[Recommendation]) -> dict[int, dict]:
    ballots = db.session.scalars(
        select(AdoptionBallot).where(
            AdoptionBallot.recommendation_id.in_([r.id for r in recommendations])
        )
    ).all()
    result = {}
    for ballot in ballots:
        if not ballot.is_closed:
            continue
        tally = adoption.tally(ballot)
        result[ballot.recommendation_id] = {
            "for": tally.votes_for,
            "against": tally.votes_against,
            "abstain": tally.votes_abstain,
            "paper": tally.paper,
            "turnout": tally.participants,
            "eligible": tally.eligible,
            "quorum_met": tally.quorum_met,
            "adopted": tally.adopted,
            "secret": ballot.secret,
            "seal": ballot.digest,
        }
    return result


def public_judgment(recommendations: list[Recommendation]) -> dict[int, dict]:
    if not recommendations:
        return {}
    closed = db.session.scalar(
        select(Consultation).where(
            Consultation.convention_id == recommendations[0].convention_id,
            Consultation.closed_at.is_not(None),
        )
    )
    if closed is None:
        return {}
    ranked = consultation.results(closed, consultation.adopted_in(closed.convention_id))
    labels = [str(label) for label in consultation.GRADE_LABELS]
    return {
        r.recommendation.id: {
            "majority_grade": labels[r.majority_grade] if r.majority_grade is not None else None,
            "grades": labels,
            "counts": list(r.counts),
            "judgments": r.total,
            "rank": r.rank,
        }
        for r in ranked
    }


CONTRIBUTIONS = {"members_vote": members_vote, "public_judgment": public_judgment}
