"""How the members' votes and the public consultation read in the journal (see
audit.describe)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from convention.audit.describe import moment
from convention.audit.models import AuditEntry
from convention.extensions import db
from convention.proposals.models import Recommendation
from convention.registry import AuditDescriber


def _reference(entry: AuditEntry) -> str:
    """The recommendation a ballot entry names by id (its reference is recorded since the
    ballots' opening is; older entries only have the id)."""
    found = entry.details.get("reference")
    if isinstance(found, str):
        return found
    recommendation = db.session.get(Recommendation, entry.details["recommendation"])
    return recommendation.reference if recommendation is not None else "?"


def _closed(entry: AuditEntry, who: str) -> str:
    if entry.details["adopted"]:
        return _(
            "%(who)s a clos le vote sur la recommandation %(ref)s : elle est adoptée.",
            who=who,
            ref=_reference(entry),
        )
    return _(
        "%(who)s a clos le vote sur la recommandation %(ref)s : elle est rejetée.",
        who=who,
        ref=_reference(entry),
    )


VOTES: dict[str, AuditDescriber] = {
    "adoption_vote_opened": lambda e, who: _(
        "%(who)s a ouvert le vote sur la recommandation %(ref)s.", who=who, ref=_reference(e)
    ),
    "adoption_vote_closed": _closed,
    "paper_votes_recorded": lambda e, who: _(
        "%(who)s a saisi les votes sur papier pour la recommandation %(ref)s : %(yes)d pour, "
        "%(no)d contre, %(abstain)d abstentions.",
        who=who,
        ref=_reference(e),
        yes=e.details["votes_for"],
        no=e.details["votes_against"],
        abstain=e.details["votes_abstain"],
    ),
    "vote_rules_updated": lambda e, who: _(
        "%(who)s a modifié les règles du vote des membres.", who=who
    ),
}

CONSULTATION: dict[str, AuditDescriber] = {
    "consultation_opened": lambda e, who: _(
        "%(who)s a ouvert la consultation du public, jusqu'au %(date)s.",
        who=who,
        date=moment(e.details["closes_at"]),
    ),
    "consultation_closed": lambda e, who: ngettext(
        "%(who)s a clos la consultation du public (%(num)d participant).",
        "%(who)s a clos la consultation du public (%(num)d participants).",
        e.details["participants"],
        who=who,
    ),
}
