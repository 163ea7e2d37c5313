"""The key ceremony, step by step, through the platform.

1. Staff start it: n guarantors of the convention, any `threshold` of whom decrypt a tally.
2. Each guarantor downloads the ceremony file, runs `garant.pyz keys` on their computer and
   uploads their key file (commitments and proofs, checked here).
3. When every key is in, each downloads everyone's keys, runs `garant.pyz shares` and uploads
   the shares sealed to each other guarantor.
4. When every share is in, each downloads the shares sealed to them, runs `garant.pyz finish`
   (which checks each against its sender's commitments) and uploads their confirmation: the
   joint key and their public share as they computed them, signed.
5. When every confirmation agrees with what anyone computes from the commitments, the
   ceremony is complete: the joint key is the convention's, and the public ledger says so.

Nothing here can decrypt anything: the platform holds public files only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from convention.assembly.models import Convention
from convention.audit.services import record
from convention.auth.models import ConventionRole, Role, User
from convention.ballots import ceremony as keys
from convention.ballots import records
from convention.ballots.group import hash_to_q, is_in_group
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput, NotAllowed
from convention.extensions import db
from convention.guarantors.models import CeremonyGuarantor, KeyCeremony
from convention.i18n import sort_key
from convention.ledger import services as ledger

#: The steps of a ceremony, in order.
STAGES = ("keys", "shares", "ready", "complete", "abandoned")


class CeremonyRefused(ConventionError):
    pass


def guarantors_of(convention: Convention) -> list[User]:
    """The people who are guarantors of this convention, by name."""
    return sorted(
        db.session.scalars(
            select(User)
            .join(ConventionRole, ConventionRole.user_id == User.id)
            .where(
                ConventionRole.convention_id == convention.id,
                ConventionRole.role == Role.GUARANTOR,
            )
        ),
        key=lambda u: sort_key(u.display_name),
    )


def ceremonies(convention: Convention) -> list[KeyCeremony]:
    return list(
        db.session.scalars(
            select(KeyCeremony)
            .where(KeyCeremony.convention_id == convention.id)
            .order_by(KeyCeremony.id.desc())
        )
    )


def in_progress(convention: Convention) -> KeyCeremony | None:
    return db.session.scalar(
        select(KeyCeremony).where(
            KeyCeremony.convention_id == convention.id,
            KeyCeremony.completed_at.is_(None),
            KeyCeremony.abandoned_at.is_(None),
        )
    )


def current(convention_id: int) -> KeyCeremony | None:
    """The convention's key: its latest completed ceremony."""
    return db.session.scalar(
        select(KeyCeremony)
        .where(
            KeyCeremony.convention_id == convention_id,
            KeyCeremony.completed_at.is_not(None),
            KeyCeremony.abandoned_at.is_(None),
        )
        .order_by(KeyCeremony.id.desc())
        .limit(1)
    )


def stage(ceremony: KeyCeremony) -> str:
    if ceremony.abandoned_at is not None:
        return "abandoned"
    if ceremony.completed_at is not None:
        return "complete"
    places = ceremony.guarantors
    if any(p.key_file is None for p in places):
        return "keys"
    if any(p.shares_file is None for p in places):
        return "shares"
    return "ready"


def start(
    actor: User, convention: Convention, people: Sequence[User], threshold: int
) -> KeyCeremony:
    """Staff start a ceremony with these guarantors, numbered in the order given."""
    if actor is None or not actor.manages(convention.id):
        raise NotAllowed()
    if in_progress(convention) is not None:
        raise CeremonyRefused(
            _l(
                "Une cérémonie des clés est déjà en cours : terminez-la ou abandonnez-la "
                "avant d'en commencer une autre."
            )
        )
    eligible = {u.id for u in guarantors_of(convention)}
    chosen = list(dict.fromkeys(people))
    if len(chosen) < 2:
        raise InvalidInput(_l("Choisissez au moins deux garant·es."), field="guarantors")
    if any(person.id not in eligible for person in chosen):
        raise InvalidInput(
            _l("Seules les personnes garantes de cette convention tiennent la clé."),
            field="guarantors",
        )
    if not 1 <= threshold <= len(chosen):
        raise InvalidInput(
            _l("Le seuil doit être compris entre 1 et le nombre de garant·es choisi·es."),
            field="threshold",
        )
    ceremony = KeyCeremony(
        convention_id=convention.id, threshold=threshold, base_hash="", created_by_id=actor.id
    )
    db.session.add(ceremony)
    db.session.flush()
    ceremony.base_hash = records.hx(
        hash_to_q("convention-ceremony", convention.slug, ceremony.id, len(chosen), threshold)
    )
    for position, person in enumerate(chosen, start=1):
        db.session.add(
            CeremonyGuarantor(
                ceremony=ceremony, position=position, user_id=person.id, name=person.display_name
            )
        )
    db.session.flush()
    record(
        actor,
        "key_ceremony_started",
        ceremony,
        guarantors=len(chosen),
        threshold=threshold,
    )
    return ceremony


def abandon(actor: User, ceremony: KeyCeremony) -> None:
    """Staff give up a ceremony that cannot finish (a lost file, a refused share). A
    completed ceremony is not abandoned: ballots were or will be encrypted to its key."""
    if actor is None or not actor.manages(ceremony.convention_id):
        raise NotAllowed()
    if ceremony.completed_at is not None or ceremony.abandoned_at is not None:
        raise CeremonyRefused(
            _l("Cette cérémonie est terminée : elle ne peut plus être abandonnée.")
        )
    ceremony.abandoned_at = utcnow()
    record(actor, "key_ceremony_abandoned", ceremony)


def place_of(user: User | None, ceremony: KeyCeremony) -> CeremonyGuarantor | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return next((p for p in ceremony.guarantors if p.user_id == user.id), None)


def _place(user: User, ceremony: KeyCeremony, expected_stage: str) -> CeremonyGuarantor:
    place = place_of(user, ceremony)
    if place is None:
        raise NotAllowed(_l("Vous ne faites pas partie de cette cérémonie des clés."))
    if stage(ceremony) != expected_stage:
        raise CeremonyRefused(_l("Ce fichier n'est pas attendu à cette étape de la cérémonie."))
    return place


def _header(ceremony: KeyCeremony) -> dict:
    return {
        "ceremony_id": ceremony.id,
        "base_hash": ceremony.base_hash,
        "threshold": ceremony.threshold,
    }


def ceremony_file(ceremony: KeyCeremony, place: CeremonyGuarantor, convention: Convention) -> dict:
    """What a guarantor's tool starts from: who takes part, the threshold, their number."""
    return {
        "format": records.CEREMONY,
        "convention": convention.slug,
        "convention_name": convention.title,
        **_header(ceremony),
        "guarantors": [{"index": p.position, "name": p.name} for p in ceremony.guarantors],
        "index": place.position,
    }


def _read(data: dict, fmt: str) -> dict:
    try:
        return records.expect(data, fmt)
    except records.BadFile as error:
        raise InvalidInput(
            _l("Ce n'est pas le fichier attendu : %(detail)s.", detail=str(error)), field="file"
        ) from None


def _same_ceremony(data: dict, ceremony: KeyCeremony) -> None:
    if data.get("ceremony_id") != ceremony.id:
        raise InvalidInput(_l("Ce fichier est celui d'une autre cérémonie des clés."), field="file")


def publics(ceremony: KeyCeremony) -> list[keys.GuarantorPublic]:
    return [records.key_from(json.loads(p.key_file)) for p in ceremony.guarantors if p.key_file]


def upload_key(user: User, ceremony: KeyCeremony, data: dict) -> None:
    """A guarantor's commitments, with a proof of knowledge for each: checked, then kept.
    Sending it again replaces it until every guarantor has sent theirs."""
    place = _place(user, ceremony, "keys")
    data = _read(data, records.KEY)
    _same_ceremony(data, ceremony)
    try:
        public = records.key_from(data)
    except records.BadFile as error:
        raise InvalidInput(str(error), field="file") from None
    if public.index != place.position or data.get("base_hash") != ceremony.base_hash:
        raise InvalidInput(
            _l(
                "Ce fichier de clé est celui du garant n° %(n)s : envoyez le vôtre (n° %(you)s).",
                n=public.index,
                you=place.position,
            ),
            field="file",
        )
    if keys.check_public(int(ceremony.base_hash, 16), public, ceremony.threshold):
        raise InvalidInput(
            _l(
                "Les preuves de ce fichier de clé ne sont pas valides : refaites l'étape 1 "
                "avec l'outil des garant·es."
            ),
            field="file",
        )
    place.key_file = records.canonical(data)
    place.key_at = utcnow()
    record(user, "guarantor_key_received", ceremony, position=place.position)


def keys_file(ceremony: KeyCeremony) -> dict:
    return {
        "format": records.KEYS,
        **_header(ceremony),
        "keys": [json.loads(p.key_file) for p in ceremony.guarantors if p.key_file],
    }


def upload_shares(user: User, ceremony: KeyCeremony, data: dict) -> None:
    """The shares a guarantor sealed to each of the others: one each, each addressed right.
    Only their recipient can open them; the recipient's tool checks them."""
    place = _place(user, ceremony, "shares")
    data = _read(data, records.SHARES)
    _same_ceremony(data, ceremony)
    try:
        shares = [records.sealed_from(s) for s in data.get("shares") or []]
    except records.BadFile as error:
        raise InvalidInput(str(error), field="file") from None
    others = {p.position for p in ceremony.guarantors} - {place.position}
    if (
        data.get("sender") != place.position
        or any(s.sender != place.position for s in shares)
        or sorted(s.recipient for s in shares) != sorted(others)
        or not all(is_in_group(s.ephemeral) for s in shares)
    ):
        raise InvalidInput(
            _l(
                "Ce fichier ne contient pas une part scellée de vous pour chacun·e des autres "
                "garant·es : refaites l'étape 2 avec l'outil des garant·es."
            ),
            field="file",
        )
    place.shares_file = records.canonical(data)
    place.shares_at = utcnow()
    record(user, "guarantor_shares_received", ceremony, position=place.position)


def shares_for(ceremony: KeyCeremony, place: CeremonyGuarantor) -> dict:
    """Everyone's keys and the shares sealed to this guarantor."""
    mine = [
        share
        for other in ceremony.guarantors
        if other.shares_file
        for share in json.loads(other.shares_file)["shares"]
        if share["recipient"] == place.position
    ]
    return {
        "format": records.SHARES_FOR,
        **_header(ceremony),
        "recipient": place.position,
        "keys": keys_file(ceremony)["keys"],
        "shares": mine,
    }


def upload_ready(user: User, ceremony: KeyCeremony, data: dict) -> bool:
    """A guarantor confirms every share they received, and the joint key; True when this
    confirmation completes the ceremony."""
    place = _place(user, ceremony, "ready")
    data = _read(data, records.READY)
    _same_ceremony(data, ceremony)
    everyone = publics(ceremony)
    joint = keys.joint_key(everyone)
    try:
        claimed = records.num(data.get("joint_key"), "the joint key")
        share = records.num(data.get("public_share"), "the public share")
        signature = records.signature_from(data.get("signature") or {})
    except records.BadFile as error:
        raise InvalidInput(str(error), field="file") from None
    statement = {k: data.get(k) for k in ("ceremony_id", "index", "joint_key", "public_share")}
    if (
        data.get("index") != place.position
        or claimed != joint
        or share != keys.public_share(everyone, place.position)
        or not records.signature_is_valid(
            everyone[place.position - 1].key, records.digest_of(statement), signature
        )
    ):
        raise InvalidInput(
            _l(
                "Cette confirmation ne correspond pas aux clés publiées : refaites l'étape 3 "
                "avec l'outil des garant·es, ou prévenez l'équipe."
            ),
            field="file",
        )
    place.ready_file = records.canonical(data)
    place.ready_at = utcnow()
    record(user, "guarantor_ready", ceremony, position=place.position)
    if all(p.ready_file for p in ceremony.guarantors):
        _complete(ceremony, joint, everyone)
        return True
    return False


def _complete(ceremony: KeyCeremony, joint: int, everyone: list[keys.GuarantorPublic]) -> None:
    ceremony.joint_key = records.hx(joint)
    ceremony.completed_at = utcnow()
    convention = db.session.get(Convention, ceremony.convention_id)
    record(None, "key_ceremony_completed", ceremony, threshold=ceremony.threshold)
    ledger.append(
        "key_ceremony_completed",
        {
            "ceremony_id": ceremony.id,
            "base_hash": ceremony.base_hash,
            "threshold": ceremony.threshold,
            "joint_key": ceremony.joint_key,
            "guarantors": [
                {"index": p.index, "key": records.hx(p.key), "name": place.name}
                for p, place in zip(everyone, ceremony.guarantors, strict=True)
            ],
        },
        convention_slug=convention.slug if convention else None,
    )


def public_record(ceremony: KeyCeremony) -> dict:
    """The ceremony as the published record of each secret vote holds it."""
    return {**_header(ceremony), "keys": keys_file(ceremony)["keys"]}
