"""Every proof of many ballots checked at once (`batch_holds`, what `check_ballots` uses when
GMP is installed): it accepts what the one-by-one check accepts, and refuses a ballot the
one-by-one check refuses, including values slipped outside the subgroup of order q."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from convention.ballots import ceremony
from convention.ballots.encryption import (
    Ciphertext,
    Election,
    batch_holds,
    check_ballot,
    encrypt_choice,
    encrypt_messages,
)
from convention.ballots.group import P, Q, hash_to_q, is_residue, multi_pow

pytestmark = pytest.mark.no_db


@pytest.fixture(scope="module")
def election():
    base = hash_to_q("batch")
    _, public = ceremony.new_guarantor(base, 1, 1)
    return Election(public.key, base)


@pytest.fixture(scope="module")
def ballots(election):
    return [encrypt_choice(election, c) for c in ("for", "against", "abstain", "for")]


def test_the_multi_exponentiation_is_the_product_of_the_powers():
    rng = random.Random(7)
    pairs = [(rng.randrange(2, P), rng.randrange(1, 2**300)) for _ in range(12)]
    expected = 1
    for base, exponent in pairs:
        expected = expected * pow(base, exponent, P) % P
    assert multi_pow(pairs) == expected
    assert multi_pow([]) == 1


def test_squares_are_told_from_the_rest_as_euler_s_criterion_says():
    rng = random.Random(11)
    for value in [1, 2, 3, P - 1, *(rng.randrange(2, P) for _ in range(6))]:
        assert is_residue(value) == (pow(value, (P - 1) // 2, P) == 1)


def test_well_formed_ballots_pass_together(election, ballots):
    assert all(check_ballot(election, b) == [] for b in ballots)
    assert batch_holds(election, ballots)


def test_a_ballot_of_two_choices_fails_the_batch(election, ballots):
    bad = encrypt_messages(election, (1, 1, 0))
    assert check_ballot(election, bad) != []
    assert not batch_holds(election, [*ballots, bad])


def test_a_value_outside_the_subgroup_fails_the_batch(election, ballots):
    first = ballots[0]
    # −1 (order 2) and an element of order r′ (a (2q)-th power): neither is in the subgroup
    # of order q, so the one-by-one check refuses both; so must the batch.
    for outsider in (P - 1, pow(3, 2 * Q, P)):
        alpha = first.selections[0].alpha * outsider % P
        changed = replace(
            first, selections=(Ciphertext(alpha, first.selections[0].beta), *first.selections[1:])
        )
        assert check_ballot(election, changed) != []
        assert not batch_holds(election, [changed, *ballots[1:]])
        proof = replace(first.range_proofs[1], a0=first.range_proofs[1].a0 * outsider % P)
        changed = replace(first, range_proofs=(first.range_proofs[0], proof, first.range_proofs[2]))
        assert check_ballot(election, changed) != []
        assert not batch_holds(election, [*ballots[1:], changed])


def test_a_changed_response_or_another_election_fails_the_batch(election, ballots):
    proof = replace(ballots[2].range_proofs[0], v1=(ballots[2].range_proofs[0].v1 + 1) % Q)
    changed = replace(ballots[2], range_proofs=(proof, *ballots[2].range_proofs[1:]))
    assert not batch_holds(election, [*ballots[:2], changed])
    other = Election(election.public_key, hash_to_q("another vote"))
    assert not batch_holds(other, ballots)
