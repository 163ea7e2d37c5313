"""A secret ballot, encrypted as soon as it is cast: one exponential ElGamal encryption per
choice (1 for the one chosen, 0 for the others), a disjunctive Chaum-Pedersen proof that each
encrypts 0 or 1 (Cramer-Damgård-Schoenmakers), and a Chaum-Pedersen proof that together they
encrypt exactly 1 (ElectionGuard specification 1.0, « Ballot encryption »). Every challenge
hashes the election's base hash (which binds the ballot and its public key) and the ballot's
own code seed, so no proof can be replayed on another ballot or another election. The
plaintext choice exists only in the caller's hands, for the time of `encrypt_choice`."""

from __future__ import annotations

import os
import secrets
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

from .group import (
    G,
    P,
    Q,
    fixed,
    g_pow,
    gmpy2,
    hash_to_q,
    is_residue,
    mul_p,
    multi_pow,
    pow_p,
    pows,
    prepare,
    random_q,
)

#: The choices of a members' ballot, in the order of their encryptions.
CHOICES = ("for", "against", "abstain")


@dataclass(frozen=True)
class Election:
    """What every encryption and proof of one ballot is bound to: the joint public key K of
    the guarantors and the base hash (which names the convention, the ballot, the group and
    the key ceremony's public record)."""

    public_key: int
    base_hash: int

    def key_pow(self, exponent: int) -> int:
        return fixed(self.public_key).pow(exponent)


@dataclass(frozen=True)
class Ciphertext:
    alpha: int  # g^R
    beta: int  # g^m · K^R

    def __mul__(self, other: Ciphertext) -> Ciphertext:
        """The encryption of the sum: what the tally is made of."""
        return Ciphertext(mul_p(self.alpha, other.alpha), mul_p(self.beta, other.beta))


ZERO = Ciphertext(1, 1)  # the encryption of 0 with nonce 0: the neutral element of a product


@dataclass(frozen=True)
class RangeProof:
    """Either branch may be the true one: (a0, b0) for 0, (a1, b1) for 1."""

    a0: int
    b0: int
    a1: int
    b1: int
    c0: int
    c1: int
    v0: int
    v1: int


@dataclass(frozen=True)
class SumProof:
    a: int
    b: int
    c: int
    v: int


@dataclass(frozen=True)
class EncryptedBallot:
    code_seed: int
    selections: tuple[Ciphertext, ...]
    range_proofs: tuple[RangeProof, ...]
    sum_proof: SumProof

    @property
    def tracking_code(self) -> str:
        """What the member keeps to find their ballot in the published list; it commits to
        every ciphertext of the ballot."""
        items: list[int | str] = [self.code_seed]
        for c in self.selections:
            items += [c.alpha, c.beta]
        return format(hash_to_q("tracking-code", *items), "064X")


#: Whether a ballot this process encrypts is taken as checked. Off everywhere but in the
#: demo's loading and the tests, which play the guarantors in the process that encrypts the
#: ballots: checking again what the same code just proved is all they would skip. The
#: server, the guarantors' tool and the public checker never skip a ballot they did not check.
remember_own_ballots = False

#: Ballots already found well formed (or not) by this process, with what was found: the
#: checks are a pure function of the election and the ballot, and a process that acts as
#: several guarantors (the demo, the tests) would otherwise check each ballot again.
_checked: dict[tuple[Election, EncryptedBallot], tuple[str, ...]] = {}


def encrypt(election: Election, message: int, nonce: int) -> Ciphertext:
    return Ciphertext(g_pow(nonce), mul_p(g_pow(message), election.key_pow(nonce)))


def _range_challenge(election: Election, seed: int, c: Ciphertext, proof_commitments) -> int:
    return hash_to_q(election.base_hash, seed, c.alpha, c.beta, *proof_commitments)


def prove_range(
    election: Election, seed: int, ciphertext: Ciphertext, message: int, nonce: int
) -> RangeProof:
    """The proof that `ciphertext` encrypts 0 or 1, made knowing which and the nonce. The
    branch not taken is simulated; every power is of g or K, computed from the nonce."""
    true, fake = message, 1 - message
    u, c_fake, v_fake = random_q(), random_q(), random_q()
    a_true, b_true = g_pow(u), election.key_pow(u)
    # a = g^v α^c and b = K^v (β/g^i)^c, with α = g^R and β/g^i = g^(m-i) K^R.
    a_fake = g_pow(v_fake + nonce * c_fake)
    b_fake = mul_p(election.key_pow(v_fake + nonce * c_fake), g_pow((message - fake) * c_fake))
    a0, b0, a1, b1 = (
        (a_true, b_true, a_fake, b_fake) if true == 0 else (a_fake, b_fake, a_true, b_true)
    )
    challenge = _range_challenge(election, seed, ciphertext, (a0, b0, a1, b1))
    c_true = (challenge - c_fake) % Q
    v_true = (u - c_true * nonce) % Q
    if true == 0:
        return RangeProof(a0, b0, a1, b1, c_true, c_fake, v_true, v_fake)
    return RangeProof(a0, b0, a1, b1, c_fake, c_true, v_fake, v_true)


def check_range(election: Election, seed: int, c: Ciphertext, proof: RangeProof) -> bool:
    """True when both values are in the group and the proof shows that `c` encrypts 0 or 1
    under this election's key."""
    return _range_problem(election, seed, c, proof) is None


def _range_problem(election: Election, seed: int, c: Ciphertext, proof: RangeProof) -> str | None:
    if not all(0 <= x < Q for x in (proof.c0, proof.c1, proof.v0, proof.v1)):
        return "the proof that it encrypts 0 or 1 fails"
    if not (1 <= c.alpha < P and 1 <= c.beta < P):
        return "a value is not in the group"
    # Each value raised to both challenges and to q at once (one chain of squarings).
    alpha_c0, alpha_c1, alpha_q = pows(c.alpha, (proof.c0, proof.c1, Q))
    beta_c0, beta_c1, beta_q = pows(c.beta, (proof.c0, proof.c1, Q))
    if alpha_q != 1 or beta_q != 1:
        return "a value is not in the group"
    challenge = _range_challenge(election, seed, c, (proof.a0, proof.b0, proof.a1, proof.b1))
    # (β/g)^c1 = β^c1 · g^-c1
    if (
        (proof.c0 + proof.c1) % Q != challenge
        or mul_p(g_pow(proof.v0), alpha_c0) != proof.a0
        or mul_p(election.key_pow(proof.v0), beta_c0) != proof.b0
        or mul_p(g_pow(proof.v1), alpha_c1) != proof.a1
        or mul_p(election.key_pow(proof.v1), beta_c1, g_pow(-proof.c1)) != proof.b1
    ):
        return "the proof that it encrypts 0 or 1 fails"
    return None


def prove_sum(
    election: Election, seed: int, total: Ciphertext, expected: int, nonce: int
) -> SumProof:
    """The proof that `total` (the product of a ballot's selections) encrypts `expected`."""
    u = random_q()
    a, b = g_pow(u), election.key_pow(u)
    c = hash_to_q(election.base_hash, seed, total.alpha, total.beta, a, b)
    return SumProof(a, b, c, (u - c * nonce) % Q)


def check_sum(
    election: Election, seed: int, total: Ciphertext, expected: int, proof: SumProof
) -> bool:
    if not (0 <= proof.c < Q and 0 <= proof.v < Q):
        return False
    if hash_to_q(election.base_hash, seed, total.alpha, total.beta, proof.a, proof.b) != proof.c:
        return False
    # (B/g^L)^c = B^c · g^(-L·c)
    return (
        mul_p(g_pow(proof.v), pow_p(total.alpha, proof.c)) == proof.a
        and mul_p(election.key_pow(proof.v), pow_p(total.beta, proof.c), g_pow(-expected * proof.c))
        == proof.b
    )


def encrypt_messages(election: Election, messages: tuple[int, ...]) -> EncryptedBallot:
    """A ballot with these plaintexts, one per choice. Meant for `encrypt_choice`; the tests
    call it directly to make the malformed ballots (a 2, a −1, two choices) that the checks
    must refuse, since an honest caller cannot."""
    seed = random_q()
    nonces = [random_q() for _ in messages]
    selections = tuple(encrypt(election, m, r) for m, r in zip(messages, nonces, strict=True))
    proofs = tuple(
        prove_range(election, seed, c, m, r)
        for c, m, r in zip(selections, messages, nonces, strict=True)
    )
    total = selections[0]
    for c in selections[1:]:
        total = total * c
    sum_proof = prove_sum(election, seed, total, 1, sum(nonces) % Q)
    return EncryptedBallot(seed, selections, proofs, sum_proof)


def encrypt_choice(election: Election, choice: str) -> EncryptedBallot:
    """A member's choice (one of CHOICES), encrypted with its proofs."""
    if choice not in CHOICES:
        raise ValueError(f"unknown choice {choice!r}")
    ballot = encrypt_messages(election, tuple(int(choice == c) for c in CHOICES))
    if remember_own_ballots:
        _checked[(election, ballot)] = ()
    return ballot


def check_ballot(election: Election, ballot: EncryptedBallot) -> list[str]:
    """What is wrong with a ballot, in plain words; empty when it is well formed: one
    encryption per choice, each of 0 or 1, together of exactly 1, all in the group."""
    if len(ballot.selections) != len(CHOICES) or len(ballot.range_proofs) != len(CHOICES):
        return [f"the ballot has {len(ballot.selections)} encryptions, not {len(CHOICES)}"]
    problems = []
    for name, c, proof in zip(CHOICES, ballot.selections, ballot.range_proofs, strict=True):
        problem = _range_problem(election, ballot.code_seed, c, proof)
        if problem:
            problems.append(f"{name}: {problem}")
    total = ZERO
    for c in ballot.selections:
        total = total * c
    if not check_sum(election, ballot.code_seed, total, 1, ballot.sum_proof):
        problems.append("the proof that the ballot holds exactly one choice fails")
    return problems


def _weight() -> int:
    return 1 + secrets.randbits(64)


def batch_holds(election: Election, ballots: list[EncryptedBallot]) -> bool:
    """True when every proof of every ballot holds, all checked at once; False says only that
    something fails somewhere (then each ballot is checked on its own, to say what).

    Bellare, Garay and Rabin's small-exponent test: the equations of every proof, each raised
    to a random 64-bit weight, are multiplied into one, computed with one multi-exponentiation.
    A false equation makes it fail except with probability about 2⁻⁶⁴. Soundness needs every
    base in a group without small factors: the ciphertexts are tested to lie in the subgroup
    of order q together, (Π αᵢ^sᵢ)^q = 1 after checking each is a square; the proofs'
    commitments are checked to be squares, whose group has order q·r′ with r′ a large prime.
    The challenges are recomputed one by one, as in `check_ballot`."""
    lhs: list[tuple[int, int]] = []  # elements of the subgroup, exponents mod q
    rhs: list[tuple[int, int]] = []  # the proofs' commitments, raised to their weights
    members: list[tuple[int, int]] = []
    g_exponent = key_exponent = 0
    for ballot in ballots:
        if len(ballot.selections) != len(CHOICES) or len(ballot.range_proofs) != len(CHOICES):
            return False
        total = ZERO
        for c, p in zip(ballot.selections, ballot.range_proofs, strict=True):
            commitments = (p.a0, p.b0, p.a1, p.b1)
            if (
                not all(0 <= x < Q for x in (p.c0, p.c1, p.v0, p.v1))
                or not all(1 <= x < P for x in (c.alpha, c.beta, *commitments))
                or (p.c0 + p.c1) % Q != _range_challenge(election, ballot.code_seed, c, commitments)
                or not all(is_residue(x) for x in (c.alpha, c.beta, *commitments))
            ):
                return False
            r1, r2, r3, r4 = _weight(), _weight(), _weight(), _weight()
            members += [(c.alpha, _weight()), (c.beta, _weight())]
            # g^v0 α^c0 = a0, K^v0 β^c0 = b0, g^v1 α^c1 = a1, K^v1 β^c1 g^-c1 = b1
            g_exponent += r1 * p.v0 + r3 * p.v1 - r4 * p.c1
            key_exponent += r2 * p.v0 + r4 * p.v1
            lhs += [(c.alpha, (r1 * p.c0 + r3 * p.c1) % Q), (c.beta, (r2 * p.c0 + r4 * p.c1) % Q)]
            rhs += [(p.a0, r1), (p.b0, r2), (p.a1, r3), (p.b1, r4)]
            total = total * c
        s = ballot.sum_proof
        if (
            not (0 <= s.c < Q and 0 <= s.v < Q and 1 <= s.a < P and 1 <= s.b < P)
            or hash_to_q(election.base_hash, ballot.code_seed, total.alpha, total.beta, s.a, s.b)
            != s.c
            or not (is_residue(s.a) and is_residue(s.b))
        ):
            return False
        r5, r6 = _weight(), _weight()
        # g^v A^c = a and K^v B^c g^-c = b: the ballot's product encrypts exactly 1.
        g_exponent += r5 * s.v - r6 * s.c
        key_exponent += r6 * s.v
        lhs += [(total.alpha, r5 * s.c % Q), (total.beta, r6 * s.c % Q)]
        rhs += [(s.a, r5), (s.b, r6)]
    if pow(multi_pow(members), Q, P) != 1:
        return False
    left = mul_p(g_pow(g_exponent % Q), election.key_pow(key_exponent % Q), multi_pow(lhs))
    return left == multi_pow(rhs)


def _check_part(election: Election, part: list[EncryptedBallot]) -> list[list[str]]:
    """A part of the ballots: all at once, then one by one only if that fails (to say which
    ballot and what)."""
    if len(part) > 1 and batch_holds(election, part):
        return [[] for _ in part]
    return [check_ballot(election, ballot) for ballot in part]


def check_ballots(
    election: Election, ballots: list[EncryptedBallot], processes: int | None = None
) -> list[list[str]]:
    """`check_ballot`'s findings for each ballot, in order. The ballots are checked all at
    once (`batch_holds`), in one part per processor (the standard library's process pool;
    a single part with GMP, fast enough alone); a part that fails is checked ballot by ballot."""
    todo = [b for b in dict.fromkeys(ballots) if (election, b) not in _checked]
    workers = 1 if gmpy2 is not None else processes or os.cpu_count() or 1
    # The tables of powers of g and K, built once here: the processes inherit them (when
    # forked) instead of each building them again.
    if todo:
        prepare(G)
        prepare(election.public_key)
    if workers == 1 or len(todo) < 4 * workers:
        found = _check_part(election, todo)
    else:
        size = -(-len(todo) // workers)
        parts = [todo[i : i + size] for i in range(0, len(todo), size)]
        with ProcessPoolExecutor(workers) as pool:
            found = [
                problems
                for part in pool.map(partial(_check_part, election), parts)
                for problems in part
            ]
    if len(_checked) > 100_000:
        _checked.clear()
    for ballot, problems in zip(todo, found, strict=True):
        _checked[(election, ballot)] = tuple(problems)
    return [list(_checked[(election, ballot)]) for ballot in ballots]


def tally_ciphertexts(ballots: list[EncryptedBallot]) -> tuple[Ciphertext, ...]:
    """The encrypted count of each choice: the product of the ballots' encryptions."""
    totals = [ZERO] * len(CHOICES)
    for ballot in ballots:
        totals = [t * c for t, c in zip(totals, ballot.selections, strict=True)]
    return tuple(totals)
