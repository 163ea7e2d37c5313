"""How the key ceremony and the guarantors' decryptions read in the journal."""

from __future__ import annotations

from flask_babel import gettext as _

from convention.registry import AuditDescriber

KEYS: dict[str, AuditDescriber] = {
    "key_ceremony_started": lambda e, who: _(
        "%(who)s a lancé la cérémonie des clés : %(n)d garant·es, %(k)d nécessaires pour "
        "dépouiller.",
        who=who,
        n=e.details["guarantors"],
        k=e.details["threshold"],
    ),
    "key_ceremony_abandoned": lambda e, who: _(
        "%(who)s a abandonné la cérémonie des clés en cours.", who=who
    ),
    "guarantor_key_received": lambda e, who: _(
        "%(who)s a envoyé sa clé publique (garant·e n° %(n)d).", who=who, n=e.details["position"]
    ),
    "guarantor_shares_received": lambda e, who: _(
        "%(who)s a envoyé ses parts scellées (garant·e n° %(n)d).",
        who=who,
        n=e.details["position"],
    ),
    "guarantor_ready": lambda e, who: _(
        "%(who)s a vérifié ses parts et confirmé la clé commune (garant·e n° %(n)d).",
        who=who,
        n=e.details["position"],
    ),
    "key_ceremony_completed": lambda e, who: _(
        "La cérémonie des clés est terminée : les votes secrets sont désormais chiffrés avec "
        "la clé commune des garant·es."
    ),
    "decryption_packet_made": lambda e, who: _(
        "%(who)s a clos des votes secrets : leurs bulletins chiffrés attendent le "
        "dépouillement par les garant·es.",
        who=who,
    ),
    "partial_decryption_received": lambda e, who: _(
        "%(who)s a envoyé son déchiffrement partiel des résultats (garant·e n° %(n)d).",
        who=who,
        n=e.details["position"],
    ),
}
