"""How the authority's answers, their follow-up and the report read in the journal (see
audit.describe)."""

from __future__ import annotations

from flask_babel import gettext as _

from convention.audit.models import AuditEntry
from convention.publication.models import AnswerKind
from convention.registry import AuditDescriber


def _answer_recorded(entry: AuditEntry, who: str) -> str:
    d = entry.details
    if d.get("published"):
        return _(
            "%(who)s a modifié la réponse publiée à %(ref)s : %(kind)s.",
            who=who,
            ref=d["recommendation"],
            kind=AnswerKind(d["kind"]).label,
        )
    return _(
        "%(who)s a préparé la réponse à %(ref)s : %(kind)s.",
        who=who,
        ref=d["recommendation"],
        kind=AnswerKind(d["kind"]).label,
    )


PUBLICATION: dict[str, AuditDescriber] = {
    "answer.record": _answer_recorded,
    "answer.publish": lambda e, who: _(
        "%(who)s a publié la réponse à %(ref)s.", who=who, ref=e.details["recommendation"]
    ),
    "follow_up.post": lambda e, who: _(
        "%(who)s a publié un point de suivi sur %(ref)s (avancement : %(progress)d %%).",
        who=who,
        ref=e.details["recommendation"],
        progress=e.details["progress"],
    ),
    "report.publish": lambda e, who: _(
        "%(who)s a publié l'édition n° %(n)d du rapport final.", who=who, n=e.details["number"]
    ),
}
