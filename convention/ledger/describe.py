"""The ledger's entries told in sentences, in the reader's language.

A sentence reads only the entry's body, never the live tables: the ledger tells what was
published then. A kind no sentence knows, or a body that lacks a value, still reads as a
sentence, never as raw JSON. Values are escaped; hashes and seeds are shown as code."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import flask_babel
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from convention.i18n import paris_datetime, percent
from convention.ledger.models import LedgerEntry

#: What each kind of event is, for the entry's label.
KINDS = {
    "rules_set": _l("Règles des votes"),
    "ballot_opened": _l("Vote des membres"),
    "ballot_closed": _l("Vote des membres"),
    "consultation_opened": _l("Consultation du public"),
    "consultation_closed": _l("Consultation du public"),
    "draw_published": _l("Tirage au sort"),
    "report_published": _l("Rapport final"),
    "key_ceremony_completed": _l("Clés des garant·es"),
}


def short(digest: object) -> str:
    """The first twelve characters of a hash: enough to tell two apart on a page."""
    return str(digest or "")[:12]


def _(message: str, **values: object) -> Markup:
    return Markup(flask_babel.gettext(message, **{k: escape(v) for k, v in values.items()}))


def ngettext(singular: str, plural: str, num: int, **values: object) -> Markup:
    escaped = {k: escape(v) for k, v in values.items()}
    return Markup(flask_babel.ngettext(singular, plural, num, **escaped))


def _code(value: object) -> Markup:
    return Markup("<code>%s</code>") % value


def _when(text: object) -> str:
    try:
        return paris_datetime(datetime.fromisoformat(str(text)))
    except ValueError:
        return str(text or "")


def _rules(body: dict) -> Markup:
    if body.get("secret"):
        return _(
            "Règles des votes fixées : quorum de %(quorum)s des membres, adoption à plus de "
            "%(threshold)s des votes comptés, vote à bulletin secret.",
            quorum=percent((body.get("quorum_percent") or 0) / 100),
            threshold=body.get("threshold", "?"),
        )
    return _(
        "Règles des votes fixées : quorum de %(quorum)s des membres, adoption à plus de "
        "%(threshold)s des votes comptés, vote à bulletin nominatif.",
        quorum=percent((body.get("quorum_percent") or 0) / 100),
        threshold=body.get("threshold", "?"),
    )


def _ballot_opened(body: dict) -> Markup:
    return ngettext(
        "Vote n° %(ballot)s ouvert ; %(num)d membre appelé à voter.",
        "Vote n° %(ballot)s ouvert ; %(num)d membres appelés à voter.",
        len(body.get("roll") or []),
        ballot=body.get("ballot_id", "?"),
    )


def _ballot_closed(body: dict) -> Markup:
    sealed = _(
        "Vote n° %(ballot)s clos, sceau %(digest)s.",
        ballot=body.get("ballot_id", "?"),
        digest=_code(short(body.get("digest"))),
    )
    signed = {s.get("guarantor") for s in body.get("signatures") or [] if isinstance(s, dict)}
    if not signed:
        return sealed
    by = ngettext("Signé par %(num)d garant·e.", "Signé par %(num)d garant·es.", len(signed))
    return sealed + " " + by


def _consultation_opened(body: dict) -> Markup:
    return _(
        "Consultation du public ouverte, jusqu'au %(closes)s.", closes=_when(body.get("closes_at"))
    )


def _consultation_closed(body: dict) -> Markup:
    return ngettext(
        "Consultation du public close : %(num)d participant, sceau %(digest)s.",
        "Consultation du public close : %(num)d participants, sceau %(digest)s.",
        int(body.get("participants") or 0),
        digest=_code(short(body.get("digest"))),
    )


def _draw(body: dict) -> Markup:
    values = {"seed": _code(body.get("seed", "")), "list": _code(short(body.get("list_sha256")))}
    drawn = len(body.get("panel") or [])
    if body.get("round"):
        return ngettext(
            "Tirage de remplaçants (tour %(round)s) avec la graine publique %(seed)s : "
            "%(num)d personne tirée dans la liste %(list)s.",
            "Tirage de remplaçants (tour %(round)s) avec la graine publique %(seed)s : "
            "%(num)d personnes tirées dans la liste %(list)s.",
            drawn,
            round=body.get("round"),
            **values,
        )
    return ngettext(
        "Tirage au sort du panel avec la graine publique %(seed)s : %(num)d personne tirée "
        "dans la liste %(list)s.",
        "Tirage au sort du panel avec la graine publique %(seed)s : %(num)d personnes tirées "
        "dans la liste %(list)s.",
        drawn,
        **values,
    )


def _report(body: dict) -> Markup:
    return _(
        "Édition n° %(number)s du rapport publiée, empreinte SHA-256 %(digest)s.",
        number=body.get("edition", "?"),
        digest=_code(short(body.get("sha256"))),
    )


def _ceremony(body: dict) -> Markup:
    return ngettext(
        "Cérémonie des clés terminée : %(num)d garant·e, %(threshold)s pour dépouiller un vote.",
        "Cérémonie des clés terminée : %(num)d garant·es, dont %(threshold)s suffisent pour "
        "dépouiller un vote.",
        len(body.get("guarantors") or []),
        threshold=body.get("threshold", "?"),
    )


SENTENCES: dict[str, Callable[[dict], Markup]] = {
    "rules_set": _rules,
    "ballot_opened": _ballot_opened,
    "ballot_closed": _ballot_closed,
    "consultation_opened": _consultation_opened,
    "consultation_closed": _consultation_closed,
    "draw_published": _draw,
    "report_published": _report,
    "key_ceremony_completed": _ceremony,
}


def describe(entry: LedgerEntry) -> Markup:
    body = json.loads(entry.body)
    sentence = SENTENCES.get(entry.kind)
    if sentence is not None and isinstance(body, dict):
        try:
            return sentence(body)
        except (TypeError, ValueError, AttributeError):
            pass  # a body not as this kind's: told as an event of its kind below
    return _("Événement « %(kind)s ».", kind=entry.kind)


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))
