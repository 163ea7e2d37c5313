"""The guarantors' key ceremony, k of n (ElectionGuard specification 1.0, « Key generation »;
Feldman's verifiable secret sharing, Pedersen's distributed key generation).

Each guarantor i draws a secret polynomial P_i of degree k − 1, publishes the commitments
K_ij = g^a_ij to its coefficients with a Schnorr proof of knowledge of each, and sends every
other guarantor l the share P_i(l), encrypted to l's key K_l0. Each guarantor checks every
share it receives against the sender's commitments. The election's key is K = Π K_i0; the
secret sum Σ a_i0 that would open a ballot is never formed anywhere. Guarantor l keeps only
s_l = Σ_i P_i(l), with which any k of them decrypt the tally together.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from .group import (
    Q,
    g_pow,
    hash_to_q,
    is_in_group,
    mul_p,
    pow_p,
    random_q,
)


@dataclass(frozen=True)
class SchnorrProof:
    """Knowledge of a with K = g^a: h = g^u, c = H(K, h), r = u + c·a; g^r = h·K^c."""

    h: int
    c: int
    r: int


def prove_knowledge(base_hash: int, secret: int, public: int) -> SchnorrProof:
    u = random_q()
    h = g_pow(u)
    c = hash_to_q(base_hash, public, h)
    return SchnorrProof(h, c, (u + c * secret) % Q)


@lru_cache(maxsize=1024)
def check_knowledge(base_hash: int, public: int, proof: SchnorrProof) -> bool:
    """A pure function of public values, remembered: the same keys are checked at each step
    of the ceremony and at each decryption."""
    return (
        is_in_group(public)
        and hash_to_q(base_hash, public, proof.h) == proof.c
        and g_pow(proof.r) == mul_p(proof.h, pow_p(public, proof.c))
    )


@dataclass(frozen=True)
class GuarantorPublic:
    """What a guarantor publishes: their number, the commitments to their coefficients (the
    first is their own public key) and the proofs that they know each coefficient."""

    index: int
    commitments: tuple[int, ...]
    proofs: tuple[SchnorrProof, ...]

    @property
    def key(self) -> int:
        return self.commitments[0]


@dataclass(frozen=True)
class GuarantorSecret:
    """What never leaves the guarantor's computer: the coefficients of their polynomial."""

    index: int
    coefficients: tuple[int, ...]

    def share_for(self, recipient: int) -> int:
        """P_i(l), by Horner's rule, mod q."""
        value = 0
        for coefficient in reversed(self.coefficients):
            value = (value * recipient + coefficient) % Q
        return value


def new_guarantor(
    base_hash: int, index: int, threshold: int
) -> tuple[GuarantorSecret, GuarantorPublic]:
    """A guarantor's polynomial of degree threshold − 1, its commitments and proofs."""
    if index < 1 or threshold < 1:
        raise ValueError("guarantors are numbered from 1 and the threshold is at least 1")
    coefficients = tuple(random_q() for _ in range(threshold))
    commitments = tuple(g_pow(a) for a in coefficients)
    proofs = tuple(
        prove_knowledge(base_hash, a, k) for a, k in zip(coefficients, commitments, strict=True)
    )
    return GuarantorSecret(index, coefficients), GuarantorPublic(index, commitments, proofs)


def check_public(base_hash: int, public: GuarantorPublic, threshold: int) -> list[str]:
    """What is wrong with a guarantor's published commitments, in plain words."""
    if len(public.commitments) != threshold or len(public.proofs) != threshold:
        return [f"guarantor {public.index}: {len(public.commitments)} commitments, not {threshold}"]
    return [
        f"guarantor {public.index}: the proof for coefficient {j} fails"
        for j, (k, proof) in enumerate(zip(public.commitments, public.proofs, strict=True))
        if not check_knowledge(base_hash, k, proof)
    ]


def expected_share_key(public: GuarantorPublic, recipient: int) -> int:
    """g^P_i(l) from the commitments alone: Π_j K_ij^(l^j)."""
    return mul_p(*(pow_p(k, recipient**j) for j, k in enumerate(public.commitments)))


def share_is_valid(share: int, sender: GuarantorPublic, recipient: int) -> bool:
    return g_pow(share) == expected_share_key(sender, recipient)


@dataclass(frozen=True)
class SealedShare:
    """A share encrypted to its recipient (hashed ElGamal): a key derived from K_l0^ξ,
    told by g^ξ, masks the share and authenticates it."""

    sender: int
    recipient: int
    ephemeral: int  # g^ξ
    masked: str  # the share XOR the derived mask, 32 bytes in hexadecimal
    tag: str  # HMAC-SHA-256 over the context and the masked share


def _keys(base_hash: int, sender: int, recipient: int, ephemeral: int, shared: int):
    context = f"|{base_hash:X}|{sender}|{recipient}|{ephemeral:X}|{shared:X}|".encode()
    mask = hashlib.sha256(b"share-mask" + context).digest()
    mac_key = hashlib.sha256(b"share-mac" + context).digest()
    return mask, mac_key


def seal_share(base_hash: int, sender: GuarantorSecret, recipient: GuarantorPublic) -> SealedShare:
    share = sender.share_for(recipient.index)
    xi = random_q()
    ephemeral = g_pow(xi)
    mask, mac_key = _keys(
        base_hash, sender.index, recipient.index, ephemeral, pow_p(recipient.key, xi)
    )
    masked = bytes(a ^ b for a, b in zip(share.to_bytes(32, "big"), mask, strict=True)).hex()
    tag = hmac.new(mac_key, masked.encode(), hashlib.sha256).hexdigest()
    return SealedShare(sender.index, recipient.index, ephemeral, masked, tag)


class BadShare(ValueError):
    """A share that cannot be opened or does not match its sender's commitments."""


def open_share(
    base_hash: int, sealed: SealedShare, recipient: GuarantorSecret, sender: GuarantorPublic
) -> int:
    """The share sent to `recipient`, checked against the sender's commitments."""
    if sealed.recipient != recipient.index or sealed.sender != sender.index:
        raise BadShare(f"the share from {sealed.sender} is addressed to {sealed.recipient}")
    shared = pow_p(sealed.ephemeral, recipient.coefficients[0])
    mask, mac_key = _keys(base_hash, sender.index, recipient.index, sealed.ephemeral, shared)
    expected = hmac.new(mac_key, sealed.masked.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, sealed.tag):
        raise BadShare(f"the share from guarantor {sender.index} was altered or is not for you")
    share = int.from_bytes(
        bytes(a ^ b for a, b in zip(bytes.fromhex(sealed.masked), mask, strict=True)), "big"
    )
    if not share_is_valid(share, sender, recipient.index):
        raise BadShare(f"the share from guarantor {sender.index} does not match its commitments")
    return share


def joint_key(publics: list[GuarantorPublic]) -> int:
    """The election's public key K = Π K_i0."""
    return mul_p(*(p.key for p in publics))


def secret_share(own: GuarantorSecret, received: list[int]) -> int:
    """s_l = P_l(l) + Σ of the shares received: what guarantor l decrypts with."""
    return (own.share_for(own.index) + sum(received)) % Q


def public_share(publics: list[GuarantorPublic], index: int) -> int:
    """g^s_l, computed by anyone from the commitments: what a partial decryption is checked
    against."""
    return mul_p(*(expected_share_key(p, index) for p in publics))
