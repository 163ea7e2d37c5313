"""The trace of a recommendation: everything that happened to it, in time order.

Each source is a function returning `TraceEvent`s for a recommendation. This package's sources
(ideas, hearings, versions, amendments, recorded events) and the features above it (the
members' vote, the public judgment, the official answer) register theirs in the application's
registry from their `init_app`; so do the titles of recorded events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from convention.extensions import db
from convention.proposals.models import AmendmentStatus, Recommendation, RecommendationEvent
from convention.registry import registry


@dataclass(order=True)
class TraceEvent:
    at: datetime
    kind: str = field(compare=False)
    title: str = field(compare=False)
    detail: str = field(default="", compare=False)
    link: str | None = field(default=None, compare=False)
    actor: str | None = field(default=None, compare=False)


TraceSource = Callable[[Recommendation], list[TraceEvent]]


def trace(recommendation: Recommendation) -> list[TraceEvent]:
    events: list[TraceEvent] = []
    for source in registry().trace_sources:
        events.extend(source(recommendation))
    return sorted(events)


def _ideas(recommendation: Recommendation) -> list[TraceEvent]:
    return [
        TraceEvent(
            idea.created_at,
            "idea",
            _("Idée d'un habitant : « %(title)s »", title=idea.title),
            actor=idea.author.public_name,
        )
        for idea in recommendation.ideas
    ]


def _hearings(recommendation: Recommendation) -> list[TraceEvent]:
    return [
        TraceEvent(
            h.held_on,
            "hearing",
            _("Audition citée : %(title)s (%(expert)s)", title=h.title, expert=h.expert),
        )
        for h in recommendation.hearings
    ]


def _amendment_status(value: object) -> str:
    known = {status.value: status.label for status in AmendmentStatus}
    return known.get(str(value), str(value))


def _versions(recommendation: Recommendation) -> list[TraceEvent]:
    return [
        TraceEvent(
            v.created_at,
            "version",
            _("Version %(n)d", n=v.number),
            v.shown_note,
            actor=v.author.public_name if v.author else None,
        )
        for v in recommendation.versions
    ]


def _amendments(recommendation: Recommendation) -> list[TraceEvent]:
    events = []
    for a in recommendation.amendments:
        events.append(
            TraceEvent(
                a.created_at,
                "amendment",
                _("Amendement n° %(n)d proposé", n=a.number),
                a.justification,
                actor=a.author.public_name,
            )
        )
    return events


EVENT_TITLES = {
    "drafted": lambda d: _("Brouillon créé"),
    "publish": lambda d: _("Publiée"),
    "submit": lambda d: _("Soumise au vote des membres"),
    "withdraw": lambda d: _("Retirée"),
    "merge": lambda d: _("Fusionnée dans R%(n)s", n=d.get("into")),
    "merged_from": lambda d: _("A reçu la fusion de %(ref)s", ref=d.get("source_ref")),
    "adopt": lambda d: _("Adoptée par les membres"),
    "reject": lambda d: _("Rejetée par les membres"),
    "coauthor_invited": lambda d: _("Co-autrice ou co-auteur invité·e"),
    "coauthor_joined": lambda d: _("Co-autrice ou co-auteur ajouté·e"),
    "amendment_vote_opened": lambda d: _(
        "Vote ouvert sur l'amendement n° %(n)s", n=d.get("amendment")
    ),
    "amendment_decided": lambda d: _(
        "Amendement n° %(n)s : %(status)s (pour %(f)s, contre %(a)s, abstention %(b)s)",
        n=d.get("amendment"),
        status=_amendment_status(d.get("status")),
        f=d.get("votes_for"),
        a=d.get("votes_against"),
        b=d.get("votes_abstain"),
    ),
}


def _events(recommendation: Recommendation) -> list[TraceEvent]:
    rows = db.session.scalars(
        select(RecommendationEvent)
        .where(RecommendationEvent.recommendation_id == recommendation.id)
        .options(selectinload(RecommendationEvent.actor))
    )
    return [
        TraceEvent(
            e.created_at,
            e.kind,
            _event_title(e),
            e.details.get("reason", ""),
            actor=e.actor.public_name if e.actor else None,
        )
        for e in rows
    ]


def _event_title(event: RecommendationEvent) -> str:
    describe = registry().event_titles.get(event.kind)
    return describe(event.details) if describe else event.kind


SOURCES: tuple[TraceSource, ...] = (_ideas, _hearings, _versions, _amendments, _events)
