"""The cryptography of secret ballots, on its own (convention/ballots/): the standard group of
the ElectionGuard specification, encryption and its proofs, the guarantors' key ceremony and
the threshold decryption of the tally alone."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convention.ballots import ceremony, decryption
from convention.ballots.encryption import (
    CHOICES,
    Election,
    check_ballot,
    check_ballots,
    check_range,
    encrypt,
    encrypt_choice,
    encrypt_messages,
    prove_range,
    tally_ciphertexts,
)
from convention.ballots.group import G, P, Q, R, g_pow, hash_to_q, random_q

pytestmark = pytest.mark.no_db

# The generator as the specification prints it (version 1.0, « Baseline parameters »):
# its first and last words.
SPEC_G_START, SPEC_G_END = 0x037DE384F98F6E038D2A3141825B33D5, 0x17CDDF40B0C73ABF03E8E0AA


def probably_prime(n: int, rounds: int) -> bool:
    """Miller-Rabin, as the specification suggests a verifier check the primes."""
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(random.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def test_the_group_is_the_specifications():
    assert Q == 2**256 - 189 and probably_prime(Q, 20)
    assert P.bit_length() == 4096 and P >> 3840 == 2**256 - 1 and P % 2**256 == 2**256 - 1
    assert P - 1 == Q * R and R % Q != 0
    assert pow(2, R, P) == G and pow(G, Q, P) == 1 and G != 1
    assert G >> (4096 - 128) == SPEC_G_START and G % 2**96 == SPEC_G_END
    assert probably_prime(P, 2) and probably_prime((P - 1) // (2 * Q), 2)


def test_the_hash_is_sha256_of_the_items_between_bars():
    expected = int.from_bytes(hashlib.sha256(b"|vote|1F|").digest(), "big") % Q
    assert hash_to_q("vote", 31) == expected


@pytest.fixture(scope="module")
def ceremony_of_five():
    """Five guarantors, any three of whom can decrypt."""
    base = hash_to_q("convention-test", "ballot-1")
    pairs = [ceremony.new_guarantor(base, i, 3) for i in range(1, 6)]
    secrets_ = [s for s, _ in pairs]
    publics = [p for _, p in pairs]
    shares = {}
    for recipient_secret, recipient_public in pairs:
        received = [
            ceremony.open_share(
                base,
                ceremony.seal_share(base, sender, recipient_public),
                recipient_secret,
                publics[sender.index - 1],
            )
            for sender in secrets_
            if sender.index != recipient_secret.index
        ]
        shares[recipient_secret.index] = ceremony.secret_share(recipient_secret, received)
    election = Election(ceremony.joint_key(publics), base)
    return base, secrets_, publics, shares, election


def test_every_guarantor_proves_its_commitments_and_the_key_is_the_product(ceremony_of_five):
    base, secrets_, publics, shares, election = ceremony_of_five
    assert all(ceremony.check_public(base, p, 3) == [] for p in publics)
    assert election.public_key == g_pow(sum(s.coefficients[0] for s in secrets_))
    # Each guarantor's share is the one the commitments promise; no one holds the sum.
    for index, share in shares.items():
        assert g_pow(share) == ceremony.public_share(publics, index)
    forged = replace(publics[0], commitments=(g_pow(5), *publics[0].commitments[1:]))
    assert ceremony.check_public(base, forged, 3) == [
        "guarantor 1: the proof for coefficient 0 fails"
    ]


def test_an_altered_or_misaddressed_share_is_refused(ceremony_of_five):
    base, secrets_, publics, _, _ = ceremony_of_five
    sealed = ceremony.seal_share(base, secrets_[0], publics[1])
    flipped = replace(sealed, masked=format(int(sealed.masked, 16) ^ 1, "064x"))
    with pytest.raises(ceremony.BadShare, match="altered"):
        ceremony.open_share(base, flipped, secrets_[1], publics[0])
    with pytest.raises(ceremony.BadShare, match="altered"):
        ceremony.open_share(base, replace(sealed, recipient=3), secrets_[2], publics[0])
    # A sender who sends a share that is not P_i(l) is caught by the commitments.
    cheat = replace(
        secrets_[0], coefficients=(secrets_[0].coefficients[0] + 1, *secrets_[0].coefficients[1:])
    )
    with pytest.raises(ceremony.BadShare, match="does not match its commitments"):
        ceremony.open_share(
            base, ceremony.seal_share(base, cheat, publics[1]), secrets_[1], publics[0]
        )


def test_forty_secret_votes_are_counted_by_three_of_five_and_no_ballot_is_opened(ceremony_of_five):
    base, _, publics, shares, election = ceremony_of_five
    choices = ["for"] * 23 + ["against"] * 12 + ["abstain"] * 5
    ballots = [encrypt_choice(election, choice) for choice in choices[:8]]
    assert all(check_ballot(election, b) == [] for b in ballots[:2])
    # The other 32 are cast the same way; the product is what matters for the count.
    ballots += [encrypt_choice(election, choice) for choice in choices[8:]]
    totals = tally_ciphertexts(ballots)
    counts = []
    for total in totals:
        partials = [decryption.partial_decrypt(base, i, shares[i], total) for i in (1, 3, 5)]
        assert all(
            decryption.check_partial(base, p, total, ceremony.public_share(publics, p.guarantor))
            for p in partials
        )
        counts.append(decryption.combine(partials, total, 3, len(ballots)))
    assert dict(zip(CHOICES, counts, strict=True)) == {"for": 23, "against": 12, "abstain": 5}


def test_fewer_than_three_guarantors_reveal_nothing_and_a_forged_part_is_refused(ceremony_of_five):
    base, _, publics, shares, election = ceremony_of_five
    total = tally_ciphertexts([encrypt_choice(election, "for") for _ in range(3)])[0]
    two = [decryption.partial_decrypt(base, i, shares[i], total) for i in (2, 4)]
    with pytest.raises(decryption.NotEnough):
        decryption.combine(two, total, 3, 3)
    # Combined as if two were enough, they give no count at all.
    with pytest.raises(decryption.NoCount):
        decryption.combine(two, total, 2, 1000)
    forged = replace(two[0], value=two[0].value * G % P)
    assert not decryption.check_partial(base, forged, total, ceremony.public_share(publics, 2))
    # A guarantor cannot pass off someone else's share as theirs.
    assert not decryption.check_partial(base, two[1], total, ceremony.public_share(publics, 2))


def test_a_proof_cannot_be_replayed_on_another_ballot_or_election():
    election = Election(g_pow(random_q()), hash_to_q("election", 1))
    ballot = encrypt_choice(election, "against")
    assert check_ballot(election, ballot) == []
    other = Election(election.public_key, hash_to_q("election", 2))
    assert check_ballot(other, ballot) != []
    # The same proofs under another code seed (another ballot) fail.
    assert check_ballot(election, replace(ballot, code_seed=ballot.code_seed + 1)) != []
    changed = replace(
        ballot, selections=(ballot.selections[1], ballot.selections[0], ballot.selections[2])
    )
    assert check_ballot(election, changed) != []
    assert (
        len(ballot.tracking_code) == 64
        and ballot.tracking_code != encrypt_choice(election, "against").tracking_code
    )


ELECTION = Election(g_pow(123456789), hash_to_q("property", "tests"))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([-1, 2, 3, Q - 1]))
def test_an_encryption_of_anything_but_0_or_1_has_no_valid_proof(message):
    nonce = random_q()
    ciphertext = encrypt(ELECTION, message, nonce)
    seed = random_q()
    # The honest prover's construction, fed a value it should refuse, makes a proof that fails.
    proof = prove_range(ELECTION, seed, ciphertext, min(max(message, 0), 1), nonce)
    assert not check_range(ELECTION, seed, ciphertext, proof)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.tuples(st.integers(-1, 2), st.integers(-1, 2), st.integers(-1, 2)).filter(
        lambda m: sorted(m) != [0, 0, 1]
    )
)
def test_a_ballot_that_is_not_exactly_one_choice_is_refused(messages):
    assert check_ballot(ELECTION, encrypt_messages(ELECTION, messages)) != []


def test_encryption_is_textbook_exponential_elgamal_with_the_fast_tables():
    """Against Python's own modular power: the precomputed tables change the speed only."""
    secret, nonce = random_q(), random_q()
    election = Election(pow(G, secret, P), 1)
    ciphertext = encrypt(election, 1, nonce)
    assert ciphertext.alpha == pow(G, nonce, P)
    assert ciphertext.beta == G * pow(pow(G, secret, P), nonce, P) % P
    # Whoever holds the whole secret (no one does after a ceremony) reads g^m.
    assert ciphertext.beta * pow(pow(ciphertext.alpha, secret, P), -1, P) % P == G
    for exponent in (0, 1, 255, 256, Q - 1, Q, Q + 5, random_q()):
        assert g_pow(exponent) == pow(G, exponent % Q, P)


def test_ballots_checked_on_several_processors_say_the_same_as_one_by_one():
    ballots = [encrypt_choice(ELECTION, c) for c in CHOICES] + [
        encrypt_messages(ELECTION, (1, 1, 0))
    ]
    shared = check_ballots(ELECTION, ballots, processes=2)
    assert shared == [check_ballot(ELECTION, b) for b in ballots]
    assert shared[:3] == [[], [], []] and shared[3] != []
