"""How the convention's set-up reads in the journal (see audit.describe)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from convention.assembly.models import PhaseKind, WorkingGroup
from convention.audit.describe import day, person
from convention.audit.models import AuditEntry
from convention.auth.models import Role
from convention.extensions import db
from convention.registry import AuditDescriber


def _phase(value: object) -> str:
    return PhaseKind(value).label if isinstance(value, str) else _("suivante")


def _group(entry: AuditEntry) -> str:
    group = db.session.get(WorkingGroup, entry.target_id) if entry.target_id else None
    return group.name if group is not None else _("supprimé")


def _phase_planned(entry: AuditEntry, who: str) -> str:
    d = entry.details
    return _(
        "%(who)s a fixé les dates de la phase « %(phase)s » : du %(start)s au %(end)s.",
        who=who,
        phase=_phase(d["kind"]),
        start=day(d.get("starts_on")),
        end=day(d.get("ends_on")),
    )


def _theme_updated(entry: AuditEntry, who: str) -> str:
    d = entry.details
    if d["before"] == d["after"]:
        return _(
            "%(who)s a modifié la description du thème « %(name)s ».", who=who, name=d["after"]
        )
    return _(
        "%(who)s a renommé le thème « %(before)s » en « %(after)s ».",
        who=who,
        before=d["before"],
        after=d["after"],
    )


CONVENTION: dict[str, AuditDescriber] = {
    "convention.create": lambda e, who: _(
        "%(who)s a créé la convention « %(title)s ».", who=who, title=e.details["title"]
    ),
    "convention.update": lambda e, who: _(
        "%(who)s a modifié la présentation de la convention.", who=who
    ),
    "phase.plan": _phase_planned,
    "phase.open": lambda e, who: _(
        "%(who)s a ouvert la phase « %(phase)s ».", who=who, phase=_phase(e.details["opened"])
    ),
    "theme.create": lambda e, who: _(
        "%(who)s a créé le thème « %(name)s ».", who=who, name=e.details["name"]
    ),
    "theme.update": _theme_updated,
    "theme.delete": lambda e, who: _(
        "%(who)s a supprimé le thème « %(name)s ».", who=who, name=e.details["name"]
    ),
    "hearing.publish": lambda e, who: _(
        "%(who)s a publié l'audition « %(title)s ».", who=who, title=e.details["title"]
    ),
    "hearing.update": lambda e, who: _(
        "%(who)s a modifié l'audition « %(title)s ».", who=who, title=e.details["title"]
    ),
    "commune.create": lambda e, who: _(
        "%(who)s a ajouté la commune %(name)s.", who=who, name=e.details["name"]
    ),
    "commune.delete": lambda e, who: _(
        "%(who)s a supprimé la commune %(name)s.", who=who, name=e.details["name"]
    ),
    "commune.import": lambda e, who: ngettext(
        "%(who)s a importé %(num)d commune.",
        "%(who)s a importé %(num)d communes.",
        e.details["count"],
        who=who,
    ),
}

GROUPS: dict[str, AuditDescriber] = {
    "group.create": lambda e, who: _(
        "%(who)s a créé le groupe de travail « %(name)s ».", who=who, name=e.details["name"]
    ),
    "group.update": lambda e, who: _(
        "%(who)s a modifié le groupe de travail « %(name)s ».", who=who, name=e.details["name"]
    ),
    "group.add_member": lambda e, who: _(
        "%(who)s a ajouté %(person)s au groupe « %(group)s ».",
        who=who,
        person=person(e.details["user_id"]),
        group=_group(e),
    ),
    "group.remove_member": lambda e, who: _(
        "%(who)s a retiré %(person)s du groupe « %(group)s ».",
        who=who,
        person=person(e.details["user_id"]),
        group=_group(e),
    ),
    "convention.appoint": lambda e, who: _(
        "%(who)s a donné à %(person)s le rôle « %(role)s ».",
        who=who,
        person=person(e.details["user_id"]),
        role=Role(e.details["role"]).label,
    ),
    "convention.dismiss": lambda e, who: _(
        "%(who)s a retiré à %(person)s son rôle « %(role)s ».",
        who=who,
        person=person(e.details["user_id"]),
        role=Role(e.details["before"]).label,
    ),
}
