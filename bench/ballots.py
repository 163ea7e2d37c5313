"""Secret ballots (issue 18): what the cryptography costs, against a named vote in the same run.

1. Casting: the server's CPU time to encrypt one member's choice with its proofs
   (`convention.ballots.encryption.encrypt_choice`), and to cast a secret vote through the
   application's service on SQLite, encrypted and stored (target under 100 ms), against the
   CPU time of casting one named vote through the same service (the baseline).
2. Closing: a guarantor's time to decrypt a packet of 50 ballots (the three encrypted counts
   of each, with a proof per partial decryption).
3. Checking: the time to check every proof of a ballot with 200 voters and its tally
   decrypted by 3 guarantors of 5, with the standard library alone, the ballots shared among
   the machine's processors (target under 20 s; with gmpy2 under 2 s).

    .venv/bin/python bench/ballots.py [--quick]

Prints a table, then one line of JSON with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from convention import create_app  # noqa: E402
from convention.ballots import ceremony, decryption, group  # noqa: E402
from convention.ballots.encryption import (  # noqa: E402
    CHOICES,
    Election,
    check_ballots,
    encrypt_choice,
    tally_ciphertexts,
)
from convention.extensions import db  # noqa: E402
from convention.votes import adoption  # noqa: E402
from convention.votes.adoption import Choice  # noqa: E402
from tests import factories  # noqa: E402


def cpu_ms(action) -> float:
    start = time.process_time()
    action()
    return (time.process_time() - start) * 1000


def cast_ms(votes: int) -> tuple[list[float], list[float]]:
    """CPU time of casting named votes, then secret votes (encrypted, with their proofs, under
    a key made by a ceremony of 3 guarantors), through the same service on a fresh SQLite
    database, one member on `votes` ballots of each kind."""
    with tempfile.TemporaryDirectory() as directory:
        app = create_app(
            {
                "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.db",
                "RATELIMIT_STORAGE_URI": "memory://",
                "CONVENTION_ENV": "production",
            }
        )
        with app.app_context():
            upgrade()
            world = factories.build_vote_world(n_recs=2 * votes + 4)
            named = [world.ballot(rec, secret=False) for rec in world.recs[:votes]]
            secret = [world.ballot(rec, secret=True) for rec in world.recs[votes:]]
            db.session.commit()
            member = world.members[0]

            def timed(ballots) -> list[float]:
                times = []
                for ballot in ballots:

                    def cast(ballot=ballot):
                        adoption.cast_vote(member, ballot, Choice.FOR)
                        db.session.commit()

                    times.append(cpu_ms(cast))
                return times

            named_times = timed(named)
            secret_times = timed(secret)[4:]  # the first ones build the key's table
            db.session.remove()
    return named_times, secret_times


def ceremony_of(n: int, k: int):
    base = group.hash_to_q("bench", "ballot")
    pairs = [ceremony.new_guarantor(base, i, k) for i in range(1, n + 1)]
    publics = [p for _, p in pairs]
    shares = {}
    for secret, public in pairs:
        received = [
            ceremony.open_share(
                base, ceremony.seal_share(base, sender, public), secret, publics[sender.index - 1]
            )
            for sender, _ in pairs
            if sender.index != secret.index
        ]
        shares[secret.index] = ceremony.secret_share(secret, received)
    return base, publics, shares, Election(ceremony.joint_key(publics), base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer votes and voters")
    args = parser.parse_args()
    casts, packet, voters = (5, 5, 20) if args.quick else (20, 50, 200)

    named, cast_secret = cast_ms(casts)
    started = time.perf_counter()
    base, publics, shares, election = ceremony_of(5, 3)
    ceremony_s = time.perf_counter() - started
    encrypt_choice(election, "for")  # the key's table, built once per process
    secret = [cpu_ms(lambda: encrypt_choice(election, "against")) for _ in range(casts)]

    # A closing packet: the three encrypted counts of `packet` ballots, 3 voters each.
    counts = [
        tally_ciphertexts([encrypt_choice(election, c) for c in CHOICES]) for _ in range(packet)
    ]
    started = time.perf_counter()
    for totals in counts:
        for total in totals:
            decryption.partial_decrypt(base, 1, shares[1], total)
    decrypt_s = time.perf_counter() - started

    ballots = [encrypt_choice(election, CHOICES[i % 3]) for i in range(voters)]
    totals = tally_ciphertexts(ballots)
    partials = [
        [decryption.partial_decrypt(base, i, shares[i], t) for i in (1, 3, 5)] for t in totals
    ]
    started = time.perf_counter()
    problems = [p for found in check_ballots(election, ballots) for p in found]
    public_shares = {i: ceremony.public_share(publics, i) for i in (1, 3, 5)}
    checked = all(
        decryption.check_partial(base, p, t, public_shares[p.guarantor])
        for t, parts in zip(totals, partials, strict=True)
        for p in parts
    )
    result = [
        decryption.combine(parts, t, 3, voters) for t, parts in zip(totals, partials, strict=True)
    ]
    check_s = time.perf_counter() - started
    assert not problems and checked and sum(result) == voters

    figures = {
        "named_vote_cpu_ms_median": round(statistics.median(named), 2),
        "secret_vote_cast_cpu_ms_median": round(statistics.median(cast_secret), 1),
        "secret_vote_encryption_cpu_ms_median": round(statistics.median(secret), 1),
        "secret_over_named": round(statistics.median(secret) / statistics.median(named), 1),
        "ceremony_5_guarantors_s": round(ceremony_s, 2),
        "guarantor_decrypts_packet_s": round(decrypt_s, 2),
        "packet_ballots": packet,
        "check_ballot_of_voters_s": round(check_s, 1),
        "voters": voters,
        "gmpy2": group.gmpy2 is not None,
    }
    rows = [
        (
            "Named vote, CPU (baseline, service on SQLite)",
            f"{figures['named_vote_cpu_ms_median']} ms",
        ),
        (
            "Secret vote: encryption and proofs, CPU",
            f"{figures['secret_vote_encryption_cpu_ms_median']} ms (target < 100 ms)",
        ),
        ("  against the named vote", f"× {figures['secret_over_named']}"),
        (
            "Secret vote cast through the service (encrypted, stored), CPU",
            f"{figures['secret_vote_cast_cpu_ms_median']} ms (target < 100 ms)",
        ),
        (
            "Key ceremony, 5 guarantors, 3 needed (all in one process)",
            f"{figures['ceremony_5_guarantors_s']} s",
        ),
        (
            f"A guarantor decrypts a packet of {packet} ballots",
            f"{figures['guarantor_decrypts_packet_s']} s",
        ),
        (
            f"Check a ballot of {voters} voters and its tally",
            f"{figures['check_ballot_of_voters_s']} s (target < 20 s)",
        ),
        ("gmpy2", "used" if figures["gmpy2"] else "absent (standard library only)"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
