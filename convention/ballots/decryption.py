"""Decrypting the tally, never a ballot (ElectionGuard specification 1.0, « Verifiable
decryption »). For an encrypted count (A, B), each guarantor l present gives M_l = A^s_l with
a Chaum-Pedersen proof that it used the same s_l as its public share g^s_l; any k partial
decryptions, weighted by Lagrange coefficients, give M = A^s, and B / M = g^t reveals the
count t. With fewer than k, the combination is a random-looking value that reveals nothing."""

from __future__ import annotations

from dataclasses import dataclass

from .encryption import Ciphertext
from .group import (
    Q,
    g_pow,
    hash_to_q,
    inverse_p,
    is_in_group,
    mul_p,
    pow_p,
    random_q,
)


@dataclass(frozen=True)
class PartialDecryption:
    guarantor: int
    value: int  # M_l = A^s_l
    a: int  # g^u
    b: int  # A^u
    c: int
    v: int  # u + c·s_l


def partial_decrypt(
    base_hash: int, index: int, share: int, ciphertext: Ciphertext
) -> PartialDecryption:
    value = pow_p(ciphertext.alpha, share)
    u = random_q()
    a, b = g_pow(u), pow_p(ciphertext.alpha, u)
    c = hash_to_q(base_hash, index, ciphertext.alpha, ciphertext.beta, value, a, b)
    return PartialDecryption(index, value, a, b, c, (u + c * share) % Q)


def check_partial(
    base_hash: int, partial: PartialDecryption, ciphertext: Ciphertext, public_share: int
) -> bool:
    """g^v = a·(g^s_l)^c and A^v = b·M_l^c, with the challenge recomputed."""
    c = hash_to_q(
        base_hash,
        partial.guarantor,
        ciphertext.alpha,
        ciphertext.beta,
        partial.value,
        partial.a,
        partial.b,
    )
    return (
        c == partial.c
        and is_in_group(partial.value)
        and g_pow(partial.v) == mul_p(partial.a, pow_p(public_share, c))
        and pow_p(ciphertext.alpha, partial.v) == mul_p(partial.b, pow_p(partial.value, c))
    )


def lagrange(index: int, present: list[int]) -> int:
    """w_l = Π_{m ≠ l} m / (m − l) mod q: the weight of guarantor l's share at 0."""
    weight = 1
    for other in present:
        if other != index:
            weight = weight * other * pow(other - index, -1, Q) % Q
    return weight


class NotEnough(ValueError):
    """Fewer partial decryptions than the threshold: nothing can be revealed."""


def combine(
    partials: list[PartialDecryption], ciphertext: Ciphertext, threshold: int, largest: int
) -> int:
    """The count encrypted in `ciphertext`, from at least `threshold` checked partial
    decryptions; `largest` bounds the search (the number of voters)."""
    present = sorted({p.guarantor for p in partials})
    if len(present) < threshold:
        raise NotEnough(f"{len(present)} partial decryptions, {threshold} needed")
    chosen = {p.guarantor: p for p in partials if p.guarantor in present[:threshold]}
    used = sorted(chosen)
    m = mul_p(*(pow_p(chosen[i].value, lagrange(i, used)) for i in used))
    return discrete_log(mul_p(ciphertext.beta, inverse_p(m)), largest)


class NoCount(ValueError):
    """The decryption is not g^t for any count up to the number of voters."""


def discrete_log(value: int, largest: int) -> int:
    power = 1
    generator = g_pow(1)
    for t in range(largest + 1):
        if power == value:
            return t
        power = mul_p(power, generator)
    raise NoCount(f"no count between 0 and {largest} decrypts to this value")
