"""The publication's parts of a recommendation's story (the « Où en est cette recommandation »
block on its page): the authority's answer once published, and the follow-up of its
implementation. An answer recorded but not published is never shown there."""

from __future__ import annotations

from typing import Any

from convention.proposals.models import Recommendation
from convention.publication import queries


def answer_and_follow_up(convention: Any, recommendation: Recommendation, viewer: Any) -> dict:
    values: dict[str, Any] = {}
    answer = queries.answer_to(recommendation, published_only=True)
    if answer is not None:
        values["story_answer"] = {
            "template": "publication/_story_answer.html",
            "order": 30,
            "answer": answer,
        }
    updates = queries.updates_by_recommendation([recommendation]).get(recommendation.id, [])
    if updates:
        values["story_follow_up"] = {
            "template": "publication/_story_follow_up.html",
            "order": 40,
            "updates": updates,
            "latest": updates[-1],
        }
    return values
