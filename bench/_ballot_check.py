"""Check a secret vote of N voters and its tally, as the public checker does, with whatever
this Python has (the standard library, or gmpy2 when installed); benchmark only.

    python bench/_ballot_check.py --voters 200

Imports only the `ballots` package (convention/ballots, standard library), so that it also
runs in the benchmark's own venv with gmpy2 (`bench/.venv-gmpy2`, made by `bench/ballots.py`),
never the product's. Prints one line of JSON: seconds, whether every check held, gmpy2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# The package, not bench/ballots.py beside this file: the script's own folder is replaced.
sys.path[0] = str(Path(__file__).resolve().parent.parent / "convention")

from ballots import ceremony, decryption, group  # noqa: E402
from ballots.encryption import (  # noqa: E402
    CHOICES,
    Election,
    check_ballots,
    encrypt_choice,
    tally_ciphertexts,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=200)
    voters = parser.parse_args().voters
    base = group.hash_to_q("bench", "check")
    pairs = [ceremony.new_guarantor(base, i, 3) for i in range(1, 6)]
    publics = [p for _, p in pairs]
    shares = {
        secret.index: ceremony.secret_share(
            secret,
            [
                ceremony.open_share(
                    base,
                    ceremony.seal_share(base, sender, public),
                    secret,
                    publics[sender.index - 1],
                )
                for sender, _ in pairs
                if sender.index != secret.index
            ],
        )
        for secret, public in pairs
    }
    election = Election(ceremony.joint_key(publics), base)
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
    counts = [
        decryption.combine(parts, t, 3, voters) for t, parts in zip(totals, partials, strict=True)
    ]
    seconds = time.perf_counter() - started
    ok = not problems and checked and sum(counts) == voters
    print(json.dumps({"seconds": round(seconds, 2), "ok": ok, "gmpy2": group.gmpy2 is not None}))


if __name__ == "__main__":
    main()
