"""Secret ballots (issue 18): what the cryptography costs, against a named vote in the same run.

1. Casting: the server's CPU time to encrypt one member's choice with its proofs
   (`convention.ballots.encryption.encrypt_choice`), and to cast a secret vote through the
   application's service on SQLite, encrypted and stored (target under 100 ms), against the
   CPU time of casting one named vote through the same service (the baseline).
2. Closing: a guarantor's time to decrypt a packet of 50 ballots (the three encrypted counts
   of each, with a proof per partial decryption).
3. Checking: the time to check every proof of a ballot with 200 voters and its tally
   decrypted by 3 guarantors of 5 (`bench/_ballot_check.py`, a process of its own), with the
   standard library alone, the ballots shared among the machine's processors (target under
   20 s), then with gmpy2 in the benchmark's own venv, `bench/.venv-gmpy2`, made on first run
   (all the proofs checked at once; target under 2 s).

    .venv/bin/python bench/ballots.py [--quick]

Prints a table, then one line of JSON with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
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


GMPY2_VENV = ROOT / "bench" / ".venv-gmpy2"


def gmpy2_python() -> str | None:
    """A Python with gmpy2, in the benchmark's own venv (made on first use from the package
    registry); None when it cannot be made. The product never needs it."""
    python = GMPY2_VENV / "bin" / "python"
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(GMPY2_VENV)], check=False)
        if made.returncode != 0:
            return None
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "gmpy2"], capture_output=True, check=False
    )
    return str(python) if installed.returncode == 0 else None


def run_check(python: str | None, voters: int) -> dict:
    """`_ballot_check.py` in a process of its own: the public checker's work on a vote."""
    if python is None:
        return {"ok": False, "seconds": None}
    done = subprocess.run(
        [python, str(ROOT / "bench" / "_ballot_check.py"), "--voters", str(voters)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"ok": False, "seconds": None, "error": done.stderr[-300:]}


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

    check = run_check(sys.executable, voters)
    assert check["ok"], check
    with_gmpy2 = run_check(gmpy2_python(), voters)

    figures = {
        "named_vote_cpu_ms_median": round(statistics.median(named), 2),
        "secret_vote_cast_cpu_ms_median": round(statistics.median(cast_secret), 1),
        "secret_vote_encryption_cpu_ms_median": round(statistics.median(secret), 1),
        "secret_over_named": round(statistics.median(secret) / statistics.median(named), 1),
        "ceremony_5_guarantors_s": round(ceremony_s, 2),
        "guarantor_decrypts_packet_s": round(decrypt_s, 2),
        "packet_ballots": packet,
        "check_ballot_of_voters_s": check["seconds"],
        "check_with_gmpy2_s": with_gmpy2["seconds"] if with_gmpy2.get("ok") else None,
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
            f"Check a ballot of {voters} voters and its tally, standard library",
            f"{figures['check_ballot_of_voters_s']} s (target < 20 s)",
        ),
        (
            "  the same with gmpy2 (in bench/.venv-gmpy2)",
            f"{figures['check_with_gmpy2_s']} s (target < 2 s)"
            if figures["check_with_gmpy2_s"] is not None
            else "not measured (gmpy2 could not be installed)",
        ),
        ("gmpy2 in this venv", "used" if figures["gmpy2"] else "absent (standard library only)"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
