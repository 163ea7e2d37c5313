"""Secret ballots, encrypted as they are cast and counted by the guarantors.

Casting: the member's choice is encrypted at once to the guarantors' joint key (three
encryptions of 0 or 1 with their proofs, bound to this ballot); only the encrypted ballot is
written, with its tracking code. The plaintext choice is never written: not in a table, not
in a log, not in the session. So reading the database, a backup or the logs, even linking
each encrypted ballot to its voter by the order rows were written, tells no one any choice.

Counting: when voting ends, the ballots closed together make a packet. Each guarantor
downloads it, checks every ballot and decrypts the three encrypted counts (the products of
the ballots' encryptions) with their share; they upload the partial decryptions with their
proofs, signed. With `threshold` valid uploads the platform combines them, publishes the
tally and seals the ballot. No ballot is ever decrypted, and fewer than `threshold` uploads
reveal nothing.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from convention.assembly.models import Convention
from convention.audit.services import record
from convention.auth.models import User
from convention.ballots import ceremony as keys
from convention.ballots import decryption, records
from convention.ballots.encryption import (
    CHOICES,
    Ciphertext,
    Election,
    EncryptedBallot,
    encrypt_choice,
    tally_ciphertexts,
)
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput, NotAllowed
from convention.extensions import db
from convention.guarantors import services as guarantors
from convention.guarantors.models import KeyCeremony
from convention.proposals.models import Choice
from convention.votes.models import (
    AdoptionBallot,
    DecryptionPacket,
    EncryptedVote,
    PartialDecryptionUpload,
)


class NoKey(ConventionError):
    message = _l(
        "Un vote secret demande la clé des garant·es : la cérémonie des clés de cette "
        "convention n'est pas terminée (page « Clé des garant·es »)."
    )


def ceremony_for_opening(convention: Convention) -> KeyCeremony:
    """The ceremony a secret ballot opened now is encrypted to."""
    found = guarantors.current(convention.id)
    if found is None:
        raise NoKey()
    return found


def election_of(ballot: AdoptionBallot) -> Election:
    ceremony = ballot.ceremony
    if ceremony is None or ceremony.joint_key is None:
        raise NoKey()
    joint = int(ceremony.joint_key, 16)
    return Election(
        joint, records.election_base_hash(int(ceremony.base_hash, 16), ballot.id, joint)
    )


def encrypt(ballot: AdoptionBallot, choice: Choice) -> EncryptedBallot:
    """The member's choice encrypted with its proofs: done before any row is locked, since
    it takes some tens of milliseconds."""
    return encrypt_choice(election_of(ballot), choice.value)


def store(ballot: AdoptionBallot, encrypted: EncryptedBallot) -> str:
    """Keep the encrypted ballot; its tracking code is returned to the member."""
    code = encrypted.tracking_code
    db.session.add(
        EncryptedVote(
            ballot_id=ballot.id,
            tracking_code=code,
            body=records.canonical(records.ballot_json(encrypted)),
        )
    )
    return code


def published_ballots(ballot: AdoptionBallot) -> list[dict]:
    """The encrypted ballots as published, by tracking code (an order that means nothing)."""
    found = [
        json.loads(body)
        for body in db.session.scalars(
            select(EncryptedVote.body).where(EncryptedVote.ballot_id == ballot.id)
        )
    ]
    # Sorted here, not by the database, whose collation could order codes otherwise.
    return sorted(found, key=lambda b: b["tracking_code"])


def has_ballot(ballot: AdoptionBallot, tracking_code: str) -> bool:
    code = tracking_code.strip().upper().replace(" ", "")
    return (
        db.session.scalar(
            select(EncryptedVote.id).where(
                EncryptedVote.ballot_id == ballot.id, EncryptedVote.tracking_code == code
            )
        )
        is not None
    )


# --- the closing packet ------------------------------------------------------------------


def make_packet(
    actor: User, convention: Convention, ballots: list[AdoptionBallot], title_of, now: datetime
) -> DecryptionPacket:
    """Hand these ballots (voting ended, locked by the caller) to the guarantors."""
    ceremony_ids = {b.ceremony_id for b in ballots}
    if len(ceremony_ids) != 1:
        # Ballots opened under different ceremonies go in one packet each.
        raise ValueError("one packet holds the ballots of one ceremony")
    ceremony = ballots[0].ceremony
    if ceremony is None or ceremony.joint_key is None:
        raise NoKey()
    packet = DecryptionPacket(
        convention_id=convention.id,
        ceremony_id=ceremony.id,
        created_by_id=actor.id,
        created_at=now,
        body="",
        digest="",
    )
    db.session.add(packet)
    db.session.flush()
    body = {
        "format": records.PACKET,
        "convention": convention.slug,
        "packet_id": packet.id,
        "created_at": now.isoformat(),
        "ceremony": {**guarantors.public_record(ceremony), "joint_key": ceremony.joint_key},
        "votes": [
            {
                "ballot_id": b.id,
                "title": title_of(b),
                "base_hash": records.hx(election_of(b).base_hash),
                "voters": b.participants,
                "ballots": published_ballots(b),
            }
            for b in ballots
        ],
    }
    packet.body = records.canonical(body)
    packet.digest = records.digest_of(body)
    for b in ballots:
        b.counting_at = now
        b.packet_id = packet.id
    record(actor, "decryption_packet_made", packet, ballots=[b.id for b in ballots])
    return packet


def waiting_packets(convention: Convention) -> list[DecryptionPacket]:
    return list(
        db.session.scalars(
            select(DecryptionPacket)
            .where(
                DecryptionPacket.convention_id == convention.id,
                DecryptionPacket.completed_at.is_(None),
            )
            .order_by(DecryptionPacket.id)
        )
    )


def uploads(packet: DecryptionPacket) -> list[PartialDecryptionUpload]:
    return list(
        db.session.scalars(
            select(PartialDecryptionUpload)
            .where(PartialDecryptionUpload.packet_id == packet.id)
            .order_by(PartialDecryptionUpload.position)
        )
    )


def _tally_of(vote: dict) -> tuple[Ciphertext, ...]:
    return tally_ciphertexts([records.ballot_from(b) for b in vote["ballots"]])


class Refused(InvalidInput):
    pass


def upload_partials(user: User, packet: DecryptionPacket, data: dict) -> bool:
    """A guarantor's partial decryptions of the packet: every proof and the signature are
    checked before anything is kept. True when this upload completes the count."""
    ceremony = packet.ceremony
    place = guarantors.place_of(user, ceremony)
    if place is None:
        raise NotAllowed(
            _l("Seul·es les garant·es de la cérémonie des clés déchiffrent ce paquet.")
        )
    if packet.completed_at is not None:
        raise ConventionError(_l("Ce dépouillement est terminé : les résultats sont publiés."))
    refused = Refused(
        _l(
            "Le déchiffrement partiel de %(name)s (garant·e n° %(n)s) est refusé : il ne "
            "correspond pas à ce paquet ou ses preuves ne sont pas valides. Refaites-le avec "
            "l'outil des garant·es à partir du paquet téléchargé ici.",
            name=place.name,
            n=place.position,
        ),
        field="file",
    )
    try:
        data = records.expect(data, records.PARTIALS)
    except records.BadFile as error:
        raise InvalidInput(
            _l("Ce n'est pas le fichier attendu : %(detail)s.", detail=str(error)), field="file"
        ) from None
    if (
        data.get("packet_id") != packet.id
        or data.get("packet_digest") != packet.digest
        or data.get("guarantor") != place.position
    ):
        raise refused
    body = json.loads(packet.body)
    everyone = guarantors.publics(ceremony)
    own_key = everyone[place.position - 1].key
    public_share = keys.public_share(everyone, place.position)
    entries = data.get("votes")
    if not isinstance(entries, list) or len(entries) != len(body["votes"]):
        raise refused
    try:
        for vote, entry in zip(body["votes"], entries, strict=True):
            statement = entry["statement"]
            base_hash = int(vote["base_hash"], 16)
            tally = _tally_of(vote)
            partials = [records.partial_from(p) for p in statement["partials"]]
            if (
                statement
                != records.decryption_statement(
                    vote["ballot_id"],
                    base_hash,
                    [records.ciphertext_json(t) for t in tally],
                    place.position,
                    [records.partial_json(p) for p in partials],
                )
                or len(partials) != len(CHOICES)
                or not records.signature_is_valid(
                    own_key,
                    records.digest_of(statement),
                    records.signature_from(entry["signature"]),
                )
                or not all(
                    p.guarantor == place.position
                    and decryption.check_partial(base_hash, p, t, public_share)
                    for p, t in zip(partials, tally, strict=True)
                )
            ):
                raise refused
    except (records.BadFile, KeyError, TypeError, ValueError) as error:
        if isinstance(error, Refused):
            raise
        raise refused from None
    existing = db.session.get(PartialDecryptionUpload, (packet.id, place.position))
    if existing is not None:
        existing.body, existing.uploaded_at, existing.user_id = (
            records.canonical(data),
            utcnow(),
            user.id,
        )
    else:
        db.session.add(
            PartialDecryptionUpload(
                packet_id=packet.id,
                position=place.position,
                user_id=user.id,
                body=records.canonical(data),
            )
        )
    db.session.flush()
    record(user, "partial_decryption_received", packet, position=place.position)
    return len(uploads(packet)) >= ceremony.threshold


def decrypted_counts(packet: DecryptionPacket) -> dict[int, tuple[dict[str, int], list[dict]]]:
    """For each ballot of a packet with enough uploads: its electronic counts by choice and
    the signed decryptions they come from (those of the first `threshold` guarantors)."""
    ceremony = packet.ceremony
    used = uploads(packet)[: ceremony.threshold]
    if len(used) < ceremony.threshold:
        raise decryption.NotEnough(f"{len(used)} partial decryptions, {ceremony.threshold} needed")
    body = json.loads(packet.body)
    found = {}
    for at, vote in enumerate(body["votes"]):
        entries = [json.loads(u.body)["votes"][at] for u in used]
        tally = _tally_of(vote)
        counts = {
            name: decryption.combine(
                [records.partial_from(e["statement"]["partials"][i]) for e in entries],
                total,
                ceremony.threshold,
                len(vote["ballots"]),
            )
            for i, (name, total) in enumerate(zip(CHOICES, tally, strict=True))
        }
        found[vote["ballot_id"]] = (counts, entries)
    return found
