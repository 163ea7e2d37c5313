"""How the sessions, their agenda, attendance and allowances read in the journal (see
audit.describe)."""

from __future__ import annotations

from flask_babel import format_currency, ngettext
from flask_babel import gettext as _

from convention.audit.describe import day
from convention.audit.models import AuditEntry
from convention.extensions import db
from convention.registry import AuditDescriber
from convention.sittings.models import Sitting


def _title(entry: AuditEntry) -> str:
    """The session's title now (an agenda entry records the point's title, not the session's)."""
    sitting = db.session.get(Sitting, entry.target_id) if entry.target_id else None
    return sitting.title if sitting is not None else _("supprimée")


SESSIONS: dict[str, AuditDescriber] = {
    "sitting.create": lambda e, who: _(
        "%(who)s a programmé la séance « %(title)s » du %(date)s.",
        who=who,
        title=e.details["title"],
        date=day(e.details["starts_on"]),
    ),
    "sitting.update": lambda e, who: _(
        "%(who)s a modifié la séance « %(title)s ».", who=who, title=e.details["title"]
    ),
    "sitting.delete": lambda e, who: _(
        "%(who)s a supprimé la séance « %(title)s » du %(date)s.",
        who=who,
        title=e.details["title"],
        date=day(e.details["starts_on"]),
    ),
    "sitting.agenda_add": lambda e, who: _(
        "%(who)s a ajouté « %(point)s » à l'ordre du jour de la séance « %(title)s ».",
        who=who,
        point=e.details["title"],
        title=_title(e),
    ),
    "sitting.agenda_remove": lambda e, who: _(
        "%(who)s a retiré « %(point)s » de l'ordre du jour de la séance « %(title)s ».",
        who=who,
        point=e.details["title"],
        title=_title(e),
    ),
    "sitting.agenda_move": lambda e, who: _(
        "%(who)s a déplacé « %(point)s » dans l'ordre du jour de la séance « %(title)s ».",
        who=who,
        point=e.details["title"],
        title=_title(e),
    ),
    "sitting.attendance": lambda e, who: ngettext(
        "%(who)s a noté la présence ou l'absence de %(num)d personne à la séance « %(title)s ».",
        "%(who)s a noté la présence ou l'absence de %(num)d personnes à la séance « %(title)s ».",
        len(e.details["changes"]),
        who=who,
        title=_title(e),
    ),
    "sitting.allowance": lambda e, who: _(
        "%(who)s a fixé l'indemnité par jour de séance à %(amount)s.",
        who=who,
        amount=format_currency(e.details["daily_cents"] / 100, "EUR"),
    ),
}
