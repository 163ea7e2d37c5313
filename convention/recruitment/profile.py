"""The drawn members' profile in the final report (the report's `members_by_profile` slot,
registered by the feature's `init_app`): aggregates only, never a person."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from convention.assembly.models import Convention
from convention.extensions import db
from convention.recruitment.models import Invitation, InvitationStatus
from convention.recruitment.services import last_drawn, pool_people


def members_by_profile(convention: Convention) -> list[dict]:
    """The drawn members' profile as aggregates: for each feature of the last public draw (in
    the pool file's order), how many of the volunteers who accepted have each value. Empty when
    the members were not drawn on the platform."""
    run = last_drawn(convention)
    if run is None:
        return []
    accepted = db.session.scalars(
        select(Invitation.person_id).where(
            Invitation.run_id == run.id, Invitation.status == InvitationStatus.ACCEPTED
        )
    ).all()
    if not accepted:
        return []
    people = pool_people(run)
    features = list(people[accepted[0]])
    return [
        {
            "feature": feature,
            "values": [
                {"value": value, "count": count}
                for value, count in sorted(
                    Counter(people[person][feature] for person in accepted).items(),
                    key=lambda kv: (-kv[1], kv[0]),
                )
            ],
        }
        for feature in features
    ]
