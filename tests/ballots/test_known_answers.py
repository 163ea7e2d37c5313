"""Known answers: the values the specification's formulas give for fixed inputs, computed
here the plain way (Python's `pow`, `hashlib`, small numbers worked by hand), against what
the package computes with its tables, proofs and files."""

from __future__ import annotations

import hashlib

import pytest

from convention.ballots import ceremony, decryption, records
from convention.ballots.encryption import Ciphertext, Election, EncryptedBallot, encrypt
from convention.ballots.group import G, P, Q, g_pow, hash_to_q

pytestmark = pytest.mark.no_db


def test_a_share_is_the_polynomial_at_the_recipients_number():
    # P(x) = 5 + 7x + 2x²: P(1) = 14, P(2) = 27, P(3) = 44.
    secret = ceremony.GuarantorSecret(1, (5, 7, 2))
    assert [secret.share_for(x) for x in (1, 2, 3)] == [14, 27, 44]


def test_lagrange_weights_at_zero_for_guarantors_1_2_3():
    # w1 = 2·3 / ((2−1)(3−1)) = 3, w2 = 1·3 / ((1−2)(3−2)) = −3, w3 = 1·2 / ((1−3)(2−3)) = 1.
    present = [1, 2, 3]
    assert [decryption.lagrange(i, present) for i in present] == [3, Q - 3, 1]
    # With them, the shares 14, 27, 44 of P give back P(0) = 5.
    assert (3 * 14 - 3 * 27 + 44) % Q == 5


def test_a_count_encrypted_with_a_known_nonce_decrypts_from_two_shares_of_three():
    # Three guarantors' polynomials of degree 1: the key is g^(a10 + a20 + a30).
    secrets = [ceremony.GuarantorSecret(i, (100 * i, 3 * i)) for i in (1, 2, 3)]
    key = pow(G, 100 + 200 + 300, P)
    election = Election(key, hash_to_q("known-answer"))
    # g^R and g^m·K^R with m = 4, R = 12345, computed the plain way.
    alpha, beta = pow(G, 12345, P), pow(G, 4, P) * pow(key, 12345, P) % P
    assert encrypt(election, 4, 12345) == Ciphertext(alpha, beta)
    shares = {
        n: sum(s.share_for(n) for s in secrets) % Q  # what each guarantor ends the ceremony with
        for n in (1, 2, 3)
    }
    partials = [
        decryption.partial_decrypt(election.base_hash, n, shares[n], Ciphertext(alpha, beta))
        for n in (1, 3)
    ]
    assert all(p.value == pow(alpha, shares[p.guarantor], P) for p in partials)
    assert decryption.combine(partials, Ciphertext(alpha, beta), 2, 10) == 4


def test_the_tracking_code_is_the_hash_of_the_seed_and_the_ciphertexts():
    selections = (Ciphertext(2, 3), Ciphertext(5, 7), Ciphertext(11, 13))
    ballot = EncryptedBallot(0x1F, selections, (), None)  # type: ignore[arg-type]
    text = b"|tracking-code|1F|2|3|5|7|B|D|"
    expected = int.from_bytes(hashlib.sha256(text).digest(), "big") % Q
    assert ballot.tracking_code == format(expected, "064X")


def test_a_schnorr_signature_checks_with_its_key_only():
    secret = 987654321
    signature = records.sign(secret, "ab" * 32)
    assert records.signature_is_valid(g_pow(secret), "ab" * 32, signature)
    assert not records.signature_is_valid(g_pow(secret + 1), "ab" * 32, signature)
    assert not records.signature_is_valid(g_pow(secret), "cd" * 32, signature)
    # h = g^r · K^−c is what the challenge hashed.
    h = pow(G, signature.r, P) * pow(pow(G, secret, P), Q - signature.c, P) % P
    assert hash_to_q("convention-signature", g_pow(secret), h, "ab" * 32) == signature.c
