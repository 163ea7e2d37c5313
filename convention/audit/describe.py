"""The audit log told in sentences, for the staff and the guarantors who read it.

Each feature registers how the actions it records read (`Registry.add_audit_describers`,
from its `init_app`), since only it knows its objects (a ballot's recommendation, a run's
invitations); the journal asks here. An action no feature describes still reads as a sentence,
never as raw JSON.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from convention.audit.models import AuditEntry
from convention.auth.models import User
from convention.extensions import db
from convention.registry import registry

#: The families of actions the journal filters by, in the order of its list.
FAMILIES = {
    "convention": _l("Convention, calendrier et thèmes"),
    "groups": _l("Groupes de travail et membres"),
    "recommendations": _l("Recommandations"),
    "votes": _l("Votes des membres"),
    "consultation": _l("Consultation du public"),
    "draw": _l("Tirage au sort et invitations"),
    "publication": _l("Réponses et publication"),
    "sessions": _l("Séances"),
    "moderation": _l("Modération"),
}

#: What a target is, by its table, for the sentence of an action no feature describes.
TARGETS = {
    "convention": _l("la convention"),
    "phase": _l("une phase"),
    "theme": _l("un thème"),
    "working_group": _l("un groupe de travail"),
    "hearing": _l("une audition"),
    "commune": _l("une commune"),
    "user_account": _l("un compte"),
    "comment": _l("un commentaire"),
    "recommendation": _l("une recommandation"),
    "adoption_ballot": _l("un vote des membres"),
    "consultation": _l("la consultation du public"),
    "sortition_run": _l("une sélection par tirage au sort"),
    "answer": _l("une réponse"),
    "follow_up_update": _l("un point de suivi"),
    "report_edition": _l("une édition du rapport"),
    "sitting": _l("une séance"),
}


def actor_name(entry: AuditEntry) -> str:
    """Who acted: their name, or the platform itself (an answer by link, the demo)."""
    return entry.actor.display_name if entry.actor is not None else _("La plateforme")


def person(user_id: object) -> str:
    """The name of the person a detail names by id."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        return _("une personne dont le compte a été supprimé")
    return user.display_name


def day(text: object) -> str:
    """A recorded day ("2026-03-14", or a moment whose Paris day it is) as people read it
    ("14 mars 2026")."""
    if not isinstance(text, str):
        return "—"
    if len(text) == len("2026-03-14"):
        return format_date(date.fromisoformat(text), "long")
    return format_date(datetime.fromisoformat(text), "long")


def moment(text: object) -> str:
    """A recorded moment (ISO, UTC) as people read it, in Paris time."""
    if not isinstance(text, str):
        return "—"
    value = datetime.fromisoformat(text)
    return _("%(day)s à %(time)s", day=format_date(value, "long"), time=format_time(value, "short"))


def describe(entry: AuditEntry) -> str:
    """The entry as one sentence in the reader's language."""
    who = actor_name(entry)
    kind = registry().audit_describers.get(entry.action)
    if kind is not None:
        try:
            return kind.describe(entry, who)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # an entry written before its details changed shape: told plainly below
    return unknown(entry, who)


def unknown(entry: AuditEntry, who: str) -> str:
    """An action no feature describes: who, what code, on what, with its plain values."""
    target = TARGETS.get(entry.target_type)
    if target is None:
        sentence = _("%(who)s a effectué l'action « %(code)s ».", who=who, code=entry.action)
    else:
        sentence = _(
            "%(who)s a effectué l'action « %(code)s » sur %(target)s.",
            who=who,
            code=entry.action,
            target=target,
        )
    plain = [
        f"{key} : {value}"
        for key, value in sorted((entry.details or {}).items())
        if isinstance(value, (str, int, float)) and not isinstance(value, bool)
    ]
    return f"{sentence} ({', '.join(plain)})" if plain else sentence


def family_of(action: str) -> str | None:
    kind = registry().audit_describers.get(action)
    return kind.family if kind is not None else None


def actions_in(family: str) -> list[str]:
    return sorted(
        action for action, kind in registry().audit_describers.items() if kind.family == family
    )


def families() -> list[tuple[str, str]]:
    """The families some feature records actions in, as (key, label) for a filter's list."""
    used = {kind.family for kind in registry().audit_describers.values()}
    return [(key, str(label)) for key, label in FAMILIES.items() if key in used]
