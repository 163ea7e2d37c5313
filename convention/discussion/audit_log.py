"""How moderation reads in the journal (see audit.describe)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from convention.audit.describe import person
from convention.registry import AuditDescriber

MODERATION: dict[str, AuditDescriber] = {
    "comment.hide": lambda e, who: _(
        "%(who)s a masqué un commentaire ; motif : %(reason)s", who=who, reason=e.details["reason"]
    ),
    "comment.restore": lambda e, who: _("%(who)s a rétabli un commentaire masqué.", who=who),
    "comment.dismiss_reports": lambda e, who: _(
        "%(who)s a classé sans suite les signalements d'un commentaire.", who=who
    ),
    "user.suspend": lambda e, who: ngettext(
        "%(who)s a suspendu %(person)s des discussions pour %(num)d jour ; motif : %(reason)s",
        "%(who)s a suspendu %(person)s des discussions pour %(num)d jours ; motif : %(reason)s",
        e.details["days"],
        who=who,
        person=person(e.target_id),
        reason=e.details["reason"],
    ),
}
