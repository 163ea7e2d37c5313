"""How the draw and the invitations read in the journal (see audit.describe). A drawn person
is named by their identifier in the pool until they accept and have an account."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from convention.audit.describe import person
from convention.audit.models import AuditEntry
from convention.recruitment.models import AnswerChannel
from convention.registry import AuditDescriber


def _by_link(entry: AuditEntry) -> bool:
    return entry.details.get("by") == AnswerChannel.LINK.value


def _accepted(entry: AuditEntry, who: str) -> str:
    name = person(entry.details["user_id"])
    if _by_link(entry):
        return _("%(name)s a accepté son invitation.", name=name)
    return _(
        "%(who)s a enregistré l'acceptation de %(name)s, reçue par téléphone.", who=who, name=name
    )


def _declined(entry: AuditEntry, who: str) -> str:
    drawn = entry.details["person"]
    if _by_link(entry):
        return _("La personne tirée %(person)s a décliné son invitation.", person=drawn)
    return _(
        "%(who)s a enregistré le refus de la personne tirée %(person)s, reçu par téléphone.",
        who=who,
        person=drawn,
    )


DRAW: dict[str, AuditDescriber] = {
    "sortition.import": lambda e, who: _(
        "%(who)s a importé un vivier de %(pool)d volontaires pour en tirer %(k)d membres.",
        who=who,
        pool=e.details["pool_size"],
        k=e.details["k"],
    ),
    "sortition.draw": lambda e, who: _(
        "%(who)s a tiré au sort le panel avec la graine publique « %(seed)s ».",
        who=who,
        seed=e.details["seed"],
    ),
    "sortition.replacement": lambda e, who: ngettext(
        "%(who)s a tiré %(num)d remplaçant avec la graine publique « %(seed)s ».",
        "%(who)s a tiré %(num)d remplaçants avec la graine publique « %(seed)s ».",
        e.details["substitutes"],
        who=who,
        seed=e.details["seed"],
    ),
    "sortition.invitations_sent": lambda e, who: ngettext(
        "%(who)s a envoyé %(num)d invitation.",
        "%(who)s a envoyé %(num)d invitations.",
        e.details["count"],
        who=who,
    ),
    "sortition.invitation_resent": lambda e, who: _(
        "%(who)s a relancé la personne tirée %(person)s.", who=who, person=e.details["person"]
    ),
    "sortition.contact": lambda e, who: _(
        "%(who)s a enregistré l'adresse de la personne tirée %(person)s.",
        who=who,
        person=e.details["person"],
    ),
    "sortition.contacts_import": lambda e, who: ngettext(
        "%(who)s a importé l'adresse de %(num)d personne tirée.",
        "%(who)s a importé les adresses de %(num)d personnes tirées.",
        e.details["people"],
        who=who,
    ),
    "sortition.accepted": _accepted,
    "sortition.declined": _declined,
}
