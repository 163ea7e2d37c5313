"""The final report as one plain data structure; every format is a renderer of it.

`build_report` reads the database once and returns dictionaries, lists, strings and numbers
only, so the structure can be frozen as JSON in a report edition and rendered again identically
later. Features outside this package add their figures to each recommendation through the
application's registry (`report_contributions`: the votes feature adds the members' vote and
the public judgment), and the recruitment feature the drawn members' profile (`report_process`,
slot `MEMBERS_BY_PROFILE`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from convention.assembly.models import Convention, GroupMembership, Hearing, PhaseKind
from convention.assembly.services import calendar
from convention.auth.models import User
from convention.clock import utcnow
from convention.extensions import db
from convention.i18n import site_language
from convention.proposals.models import (
    TEXT_FIELDS,
    Amendment,
    Recommendation,
    Status,
)
from convention.publication.models import Answer, FollowUpUpdate
from convention.registry import MEMBERS_BY_PROFILE, registry

SCHEMA = "convention-report/1"
LICENCE = "Licence Ouverte / Etalab 2.0"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _answer(answer: Answer | None, include_unpublished: bool) -> dict | None:
    if answer is None or (answer.published_at is None and not include_unpublished):
        return None
    grades = [a.grade for a in answer.assessments]
    return {
        "kind": answer.kind.value,
        "kind_label": answer.kind.label,
        "service": answer.service,
        "text": answer.public_text,
        "reasons": answer.reasons,
        "due_on": _iso(answer.due_on),
        "published_at": _iso(answer.published_at),
        "assessment": {
            "count": len(grades),
            "average": round(sum(grades) / len(grades), 2) if grades else None,
            "distribution": [grades.count(g) for g in range(11)],
        },
    }


def adopted_recommendations(convention: Convention) -> list[Recommendation]:
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(
                Recommendation.convention_id == convention.id,
                Recommendation.status == Status.ADOPTED,
            )
            .options(
                selectinload(Recommendation.theme),
                selectinload(Recommendation.group),
                selectinload(Recommendation.versions),
                selectinload(Recommendation.amendments).selectinload(Amendment.author),
                selectinload(Recommendation.hearings),
            )
            .order_by(Recommendation.number)
        )
    )


def build_report(
    convention: Convention,
    *,
    include_unpublished_answers: bool = False,
    generated_at: datetime | None = None,
) -> dict:
    """Everything the final report shows, as plain data, in the convention's language: the
    labels in it (phases, answers, amendments) are French even when the staff member who
    publishes or exports reads the site in English."""
    with site_language():
        return _report_data(convention, include_unpublished_answers, generated_at)


def _report_data(
    convention: Convention, include_unpublished_answers: bool, generated_at: datetime | None
) -> dict:
    recs = adopted_recommendations(convention)
    ids = [r.id for r in recs]
    answers = (
        {
            a.recommendation_id: a
            for a in db.session.scalars(
                select(Answer)
                .where(Answer.recommendation_id.in_(ids))
                .options(selectinload(Answer.assessments))
            )
        }
        if ids
        else {}
    )
    updates: dict[int, list[FollowUpUpdate]] = {}
    for update in db.session.scalars(
        select(FollowUpUpdate)
        .where(FollowUpUpdate.recommendation_id.in_(ids))
        .order_by(FollowUpUpdate.happened_on, FollowUpUpdate.id)
    ):
        updates.setdefault(update.recommendation_id, []).append(update)
    # Each contribution returns, per recommendation id, a plain dict stored under its name in
    # that recommendation's entry (nothing for ids it has no data for).
    extra = {name: contribute(recs) for name, contribute in registry().report_contributions.items()}

    entries_by_theme: dict[str, list[dict]] = {}
    entry: dict[str, Any]
    for rec in recs:
        entry = {
            "number": rec.number,
            "reference": rec.reference,
            "group": rec.group.name,
            "theme": rec.theme.name if rec.theme else "",
            **{name: getattr(rec, name) or "" for name in TEXT_FIELDS},
            "versions": [
                {"number": v.number, "date": _iso(v.created_at), "note": v.shown_note}
                for v in rec.versions
            ],
            "amendments": [
                {
                    "number": a.number,
                    "status": a.status.value,
                    "status_label": a.status.label,
                    "for": a.votes_for,
                    "against": a.votes_against,
                    "abstain": a.votes_abstain,
                    "justification": a.justification,
                }
                for a in rec.amendments
            ],
            "hearings": [h.title for h in rec.hearings],
            "answer": _answer(answers.get(rec.id), include_unpublished_answers),
            "follow_up": [
                {"date": _iso(u.happened_on), "progress": u.progress, "text": u.text}
                for u in updates.get(rec.id, [])
            ],
        }
        for name, values in extra.items():
            entry[name] = values.get(rec.id)
        entries_by_theme.setdefault(entry["theme"], []).append(entry)

    theme_order = [t.name for t in convention.themes]
    themes = [
        {"name": name, "recommendations": entries_by_theme[name]}
        for name in theme_order + sorted(set(entries_by_theme) - set(theme_order))
        if name in entries_by_theme
    ]
    return {
        "schema": SCHEMA,
        "licence": LICENCE,
        "generated_at": _iso(generated_at or utcnow()),
        "convention": {
            "title": convention.title,
            "question": convention.question,
            "description": convention.description,
            "authority": convention.authority,
        },
        "process": _process(convention),
        "themes": themes,
        "recommendation_count": len(recs),
    }


def _process(convention: Convention) -> dict:
    members = db.session.scalars(
        select(User)
        .join(GroupMembership, GroupMembership.user_id == User.id)
        .where(GroupMembership.convention_id == convention.id)
        .options(selectinload(User.commune))
    ).all()
    by_commune = Counter(m.commune.name if m.commune else "—" for m in members)
    profile = registry().report_process.get(MEMBERS_BY_PROFILE)
    by_profile = profile(convention) if profile else []
    hearings = db.session.scalars(
        select(Hearing)
        .where(Hearing.convention_id == convention.id, Hearing.published_at.is_not(None))
        .order_by(Hearing.held_on)
    ).all()
    return {
        "phases": [
            {
                "kind": kind.value,
                "label": kind.label,
                "starts_on": _iso(phase.starts_on) if phase else None,
                "ends_on": _iso(phase.ends_on) if phase else None,
            }
            for kind, phase in calendar(convention)
        ],
        "members": {
            "total": len(members),
            "by_commune": [
                {"commune": name, "count": count}
                for name, count in sorted(by_commune.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "by_profile": by_profile,
        },
        "hearings": [
            {
                "title": h.title,
                "expert": h.expert,
                "role": h.expert_role,
                "held_on": _iso(h.held_on),
                "declared_interests": h.declared_interests,
            }
            for h in hearings
        ],
    }


def canonical_json(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, sort_keys=True, indent=1).encode()


def digest(report: dict) -> str:
    return hashlib.sha256(canonical_json(report)).hexdigest()


PUBLISHED_PHASES = frozenset({PhaseKind.PUBLICATION, PhaseKind.FOLLOW_UP})
