"""The files the guarantors, the platform and the public checkers exchange, as JSON.

Every file is a JSON object with a ``format`` naming it. Integers of the group (values mod p,
exponents mod q) are written in uppercase hexadecimal strings, as the hash reads them. The
formats, in the order a convention uses them:

``convention-ceremony/1``        the platform → each guarantor: who takes part, the threshold,
                                 the ceremony's base hash and which number is yours.
``convention-guarantor-secret/1`` the tool → the guarantor's own disk, never uploaded: their
                                 coefficients, then the share they decrypt with.
``convention-guarantor-key/1``   a guarantor → the platform: commitments and their proofs.
``convention-ceremony-keys/1``   the platform → each guarantor: everyone's keys.
``convention-guarantor-shares/1`` a guarantor → the platform: a sealed share for each other one.
``convention-shares-for/1``      the platform → one guarantor: everyone's keys and the shares
                                 sealed to them.
``convention-guarantor-ready/1`` a guarantor → the platform: every share checked, the joint key
                                 and their public share as they computed them.
``convention-closing-packet/1``  the platform → each guarantor at a close: for each vote closed,
                                 every encrypted ballot and the encrypted tally to decrypt.
``convention-partial-decryption/1`` a guarantor → the platform: for each vote of the packet,
                                 the three partial decryptions with their proofs, signed.

A signature (Schnorr, in the same group, with the guarantor's key K_i0 = g^a_i0) is over the
SHA-256 of a statement's canonical JSON: ``{"c": hex, "r": hex}`` with h = g^r · K^−c and
c = H("convention-signature", K, h, digest).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .ceremony import GuarantorPublic, GuarantorSecret, SchnorrProof, SealedShare
from .decryption import PartialDecryption
from .encryption import Ciphertext, EncryptedBallot, RangeProof, SumProof
from .group import Q, g_pow, hash_to_q, inverse_p, is_in_group, mul_p, pow_p, random_q

CEREMONY = "convention-ceremony/1"
SECRET = "convention-guarantor-secret/1"
KEY = "convention-guarantor-key/1"
KEYS = "convention-ceremony-keys/1"
SHARES = "convention-guarantor-shares/1"
SHARES_FOR = "convention-shares-for/1"
READY = "convention-guarantor-ready/1"
PACKET = "convention-closing-packet/1"
PARTIALS = "convention-partial-decryption/1"
SECRET_VOTE = "convention-secret-vote/1"


class BadFile(ValueError):
    """A file that is not what it should be: the message says what, in plain words."""


def canonical(value) -> str:
    """The one way a value is written when it is hashed or signed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest_of(value) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def hx(value: int) -> str:
    return format(value, "X")


def num(text, what: str = "a number") -> int:
    if not isinstance(text, str) or not text or len(text) > 1100:
        raise BadFile(f"{what} is not a hexadecimal number")
    try:
        return int(text, 16)
    except ValueError:
        raise BadFile(f"{what} is not a hexadecimal number") from None


def expect(data, fmt: str) -> dict:
    if not isinstance(data, dict) or data.get("format") != fmt:
        found = data.get("format") if isinstance(data, dict) else None
        raise BadFile(f"this file is {found or 'not a file of the platform'}, not {fmt}")
    return data


def field(data: dict, name: str):
    if name not in data:
        raise BadFile(f"the file has no {name!r}")
    return data[name]


# --- keys and shares ---------------------------------------------------------------------


def proof_json(proof: SchnorrProof) -> dict:
    return {"h": hx(proof.h), "c": hx(proof.c), "r": hx(proof.r)}


def proof_from(data) -> SchnorrProof:
    return SchnorrProof(num(data["h"]), num(data["c"]), num(data["r"]))


def key_json(public: GuarantorPublic, ceremony_id: int, base_hash: int) -> dict:
    return {
        "format": KEY,
        "ceremony_id": ceremony_id,
        "base_hash": hx(base_hash),
        "index": public.index,
        "commitments": [hx(k) for k in public.commitments],
        "proofs": [proof_json(p) for p in public.proofs],
    }


def key_from(data) -> GuarantorPublic:
    data = expect(data, KEY)
    try:
        return GuarantorPublic(
            int(data["index"]),
            tuple(num(k, "a commitment") for k in data["commitments"]),
            tuple(proof_from(p) for p in data["proofs"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BadFile(f"the key file is incomplete ({error})") from None


def secret_json(
    secret: GuarantorSecret, ceremony: dict, share: int | None = None, joint_key: int | None = None
) -> dict:
    return {
        "format": SECRET,
        "convention": ceremony["convention"],
        "ceremony_id": ceremony["ceremony_id"],
        "base_hash": ceremony["base_hash"],
        "threshold": ceremony["threshold"],
        "index": secret.index,
        "coefficients": [hx(a) for a in secret.coefficients],
        "share": None if share is None else hx(share),
        "joint_key": None if joint_key is None else hx(joint_key),
    }


def secret_from(data) -> GuarantorSecret:
    data = expect(data, SECRET)
    return GuarantorSecret(int(data["index"]), tuple(num(a) for a in data["coefficients"]))


def sealed_json(sealed: SealedShare) -> dict:
    return {
        "sender": sealed.sender,
        "recipient": sealed.recipient,
        "ephemeral": hx(sealed.ephemeral),
        "masked": sealed.masked,
        "tag": sealed.tag,
    }


def sealed_from(data) -> SealedShare:
    try:
        return SealedShare(
            int(data["sender"]),
            int(data["recipient"]),
            num(data["ephemeral"], "a share"),
            str(data["masked"]),
            str(data["tag"]),
        )
    except (KeyError, TypeError) as error:
        raise BadFile(f"a share is incomplete ({error})") from None


# --- ballots, tallies and decryptions ----------------------------------------------------


def ciphertext_json(c: Ciphertext) -> dict:
    return {"alpha": hx(c.alpha), "beta": hx(c.beta)}


def ciphertext_from(data) -> Ciphertext:
    return Ciphertext(num(data["alpha"], "alpha"), num(data["beta"], "beta"))


def ballot_json(ballot: EncryptedBallot) -> dict:
    """An encrypted ballot as published: no voter, only its tracking code."""
    return {
        "tracking_code": ballot.tracking_code,
        "code_seed": hx(ballot.code_seed),
        "selections": [ciphertext_json(c) for c in ballot.selections],
        "range_proofs": [
            {
                name: hx(getattr(p, name))
                for name in ("a0", "b0", "a1", "b1", "c0", "c1", "v0", "v1")
            }
            for p in ballot.range_proofs
        ],
        "sum_proof": {name: hx(getattr(ballot.sum_proof, name)) for name in ("a", "b", "c", "v")},
    }


def ballot_from(data) -> EncryptedBallot:
    """The ballot of a published line; its tracking code must be the one it commits to."""
    try:
        ballot = EncryptedBallot(
            num(data["code_seed"], "a code seed"),
            tuple(ciphertext_from(c) for c in data["selections"]),
            tuple(
                RangeProof(*(num(p[n]) for n in ("a0", "b0", "a1", "b1", "c0", "c1", "v0", "v1")))
                for p in data["range_proofs"]
            ),
            SumProof(*(num(data["sum_proof"][n]) for n in ("a", "b", "c", "v"))),
        )
    except (KeyError, TypeError) as error:
        raise BadFile(f"an encrypted ballot is incomplete ({error})") from None
    if data.get("tracking_code") != ballot.tracking_code:
        raise BadFile(f"the tracking code {data.get('tracking_code')!r} is not this ballot's")
    return ballot


def partial_json(p: PartialDecryption) -> dict:
    return {
        "guarantor": p.guarantor,
        "value": hx(p.value),
        "a": hx(p.a),
        "b": hx(p.b),
        "c": hx(p.c),
        "v": hx(p.v),
    }


def partial_from(data) -> PartialDecryption:
    try:
        return PartialDecryption(
            int(data["guarantor"]), *(num(data[n]) for n in ("value", "a", "b", "c", "v"))
        )
    except (KeyError, TypeError) as error:
        raise BadFile(f"a partial decryption is incomplete ({error})") from None


def election_base_hash(ceremony_base_hash: int, ballot_id: int, joint_key: int) -> int:
    """What every encryption and proof of one ballot is bound to: the ceremony, the ballot
    and the joint key."""
    return hash_to_q(ceremony_base_hash, "ballot", ballot_id, joint_key)


def decryption_statement(
    ballot_id: int, base_hash: int, tally: list[dict], guarantor: int, partials: list[dict]
) -> dict:
    """What a guarantor signs for one vote: this ballot, its encrypted tally as they
    recomputed it, and their partial decryptions of it."""
    return {
        "ballot_id": ballot_id,
        "base_hash": hx(base_hash),
        "guarantor": guarantor,
        "tally": tally,
        "partials": partials,
    }


# --- signatures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    c: int
    r: int

    def as_json(self) -> dict:
        return {"c": hx(self.c), "r": hx(self.r)}


def signature_from(data) -> Signature:
    try:
        return Signature(num(data["c"], "a signature"), num(data["r"], "a signature"))
    except (KeyError, TypeError):
        raise BadFile("the signature is incomplete") from None


def sign(secret: int, digest: str) -> Signature:
    """Schnorr's signature of a SHA-256 digest (hexadecimal) with the secret a of K = g^a."""
    public = g_pow(secret)
    u = random_q()
    h = g_pow(u)
    c = hash_to_q("convention-signature", public, h, digest)
    return Signature(c, (u + c * secret) % Q)


def signature_is_valid(public: int, digest: str, signature: Signature) -> bool:
    if not (0 <= signature.c < Q and 0 <= signature.r < Q) or not is_in_group(public):
        return False
    h = mul_p(g_pow(signature.r), inverse_p(pow_p(public, signature.c)))
    return hash_to_q("convention-signature", public, h, digest) == signature.c
