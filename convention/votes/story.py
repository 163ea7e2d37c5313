"""The votes' parts of a recommendation's story (the « Où en est cette recommandation » block
on its page): the members' vote and the public's judgment, each shown once it exists and only
what is public (results hidden until the close stay hidden, even from staff, on this page)."""

from __future__ import annotations

from typing import Any

from convention.proposals.models import Recommendation, Status
from convention.votes import adoption, consultation


def members_vote(convention: Any, recommendation: Recommendation, viewer: Any) -> dict:
    """The ballot, and once it is closed its tally against the quorum and its seal."""
    ballot = adoption.ballot_of(recommendation)
    if ballot is None:
        return {}
    tally = adoption.tally(ballot) if ballot.is_closed else None
    return {
        "story_members_vote": {
            "template": "votes/_story_members_vote.html",
            "order": 10,
            "ballot": ballot,
            "tally": tally,
            "sentence": tally.sentence() if tally else "",
            # Members needed for the quorum, as the verifier counts it (a share of the eligible).
            "quorum_needed": -(-ballot.eligible * ballot.quorum_percent // 100),
        }
    }


def public_judgment(convention: Any, recommendation: Recommendation, viewer: Any) -> dict:
    """The majority grade and the distribution, once the public may see them: after the close,
    or during the consultation when the rules publish results as they come."""
    if recommendation.status != Status.ADOPTED:
        return {}
    found = consultation.consultation_for(convention)
    if found is None or not consultation.results_visible(found, None):
        return {}
    ranked = consultation.results(found, consultation.adopted_in(convention.id))
    mine = next((r for r in ranked if r.recommendation.id == recommendation.id), None)
    if mine is None:
        return {}
    return {
        "story_public_judgment": {
            "template": "votes/_story_public_judgment.html",
            "order": 20,
            "consultation": found,
            "result": mine,
            "out_of": len(ranked),
            "grades": consultation.GRADE_LABELS,
        }
    }
