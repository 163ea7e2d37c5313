"""The count of secret ballots: once enough guarantors have uploaded their partial
decryptions of a packet, each of its ballots gets its result, its published record and its
seal, and the public ledger its closing entry signed by those guarantors."""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l

from convention.assembly.models import Convention
from convention.auth.models import User
from convention.ballots import records
from convention.clock import utcnow
from convention.errors import ConventionError
from convention.extensions import db
from convention.guarantors import services as guarantors
from convention.votes import adoption, secret_ballots
from convention.votes.models import AdoptionBallot, DecryptionPacket


def upload(
    user: User, packet: DecryptionPacket, data: dict, *, now: datetime | None = None
) -> bool:
    """A guarantor's upload; when it is the last one needed, the ballots are counted and
    sealed in the same transaction. True when the results are published."""
    if not secret_ballots.upload_partials(user, packet, data):
        return False
    finish(packet, now=now)
    return True


def finish(packet: DecryptionPacket, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    convention = db.session.get(Convention, packet.convention_id)
    closer = db.session.get(User, packet.created_by_id) if packet.created_by_id else None
    if closer is None or convention is None:
        # The result is applied in the name of who closed the vote, as for a named ballot.
        raise ConventionError(
            _l("Le compte qui a clos ces votes n'existe plus : prévenez l'administrateur.")
        )
    counted = secret_ballots.decrypted_counts(packet)
    for ballot in packet.ballots:
        counts, entries = counted[ballot.id]
        ballot.votes_for = counts["for"]
        ballot.votes_against = counts["against"]
        ballot.votes_abstain = counts["abstain"]
        ballot.closed_at = now
        signatures = [
            {
                "guarantor": e["statement"]["guarantor"],
                "statement_digest": records.digest_of(e["statement"]),
                "signature": e["signature"],
            }
            for e in entries
        ]
        adoption.seal(
            closer,
            ballot,
            convention,
            lambda b, entries=entries: secret_export(b, entries),
            signatures=signatures,
        )
    packet.completed_at = now


def secret_export(ballot: AdoptionBallot, entries: list[dict]) -> str:
    """The published record of a secret ballot (`verify_tally.py` checks it): every encrypted
    ballot with its proofs and tracking code and no voter, the roll, the ceremony's public
    keys, the signed partial decryptions and the tally."""
    ceremony = ballot.ceremony
    assert ceremony is not None and ceremony.joint_key is not None  # a secret ballot's
    election = secret_ballots.election_of(ballot)
    result = adoption.tally(ballot)
    export = {
        "format": records.SECRET_VOTE,
        "header": {
            **adoption.export_header(ballot),
            "ceremony_id": ceremony.id,
            "base_hash": records.hx(election.base_hash),
            "joint_key": ceremony.joint_key,
        },
        "ceremony": guarantors.public_record(ceremony),
        "roll": [{"member_id": u.id, "member": u.public_name} for u in adoption.roll(ballot)],
        "ballots": secret_ballots.published_ballots(ballot),
        "decryptions": entries,
        "tally": result.published(),
    }
    export["digest"] = records.digest_of(export)
    return json.dumps(export, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
