"""Recompute a sealed vote from its open-data export, with the standard library only.

    python convention/votes/verify_tally.py export.json [--expect DIGEST]

It reads either export: a members' vote (described below) or the public consultation
(``/votes/consultation/export.json``, format ``convention-majority-judgment/1``: a ``header``
with the number of participants and whether an ungraded recommendation counts as "À rejeter",
the anonymous ``judgments`` (recommendation and grade, 0 = Excellent … 6 = À rejeter), the
``recommendation_ids`` judged, the published ``results`` and the ``digest``, computed as below
with the judgments as lines). For the consultation it recounts each recommendation's grades,
adds the ungraded ones as the rules say, and recomputes the majority grades and the ranking
with ``majority_judgment.py``, which sits beside this file.

The export (``/votes/scrutins/<id>/export.json``) holds a ``header`` (the ballot's rules and
paper totals), the ``ballots``, the published ``tally`` and ``digest``. The digest is the
SHA-256 of this UTF-8 text:

    canonical(header) + "\\n" + the lines canonical(ballot) + "\\n", sorted in byte order

where ``canonical(x) = json.dumps(x, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``. Sorting the lines makes the digest independent of the order the ballots
are listed in; a secret ballot's line holds only its choice and a random id.

This module is also what the application uses to seal, so the two cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence

try:
    from convention.votes import majority_judgment
except ImportError:  # run as a script, outside the application: the module beside this file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import majority_judgment  # type: ignore[import-not-found, no-redef]  # the same module

CHOICES = ("for", "against", "abstain")
CONSULTATION_FORMAT = "convention-majority-judgment/1"


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(header: dict, ballots: list[dict]) -> str:
    lines = sorted(canonical(b) + "\n" for b in ballots)
    text = canonical(header) + "\n" + "".join(lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def result(header: dict, counts: dict, voters: int) -> dict:
    """The tally the rules give for electronic `counts` (by choice) from `voters` people, plus
    the header's paper totals.

    Quorum: (electronic + paper voters) * 100 >= quorum_percent * eligible.
    Adopted: quorum met and votes for * denominator > numerator * counted votes, where counted
    votes are for + against, plus abstentions when the rules count them.
    """
    totals = {c: counts.get(c, 0) + header[f"paper_{c}"] for c in CHOICES}
    participants = voters + sum(header[f"paper_{c}"] for c in CHOICES)
    quorum_met = participants * 100 >= header["quorum_percent"] * header["eligible"]
    counted = (
        totals["for"]
        + totals["against"]
        + (totals["abstain"] if header["abstentions_count"] else 0)
    )
    adopted = (
        quorum_met
        and counted > 0
        and (
            totals["for"] * header["threshold_denominator"]
            > header["threshold_numerator"] * counted
        )
    )
    return {
        "for": totals["for"],
        "against": totals["against"],
        "abstain": totals["abstain"],
        "participants": participants,
        "eligible": header["eligible"],
        "quorum_met": quorum_met,
        "adopted": adopted,
    }


def recount(header: dict, ballots: list[dict]) -> dict:
    """The tally recomputed from the listed ballots, one voter each."""
    counts = {c: 0 for c in CHOICES}
    for ballot in ballots:
        if ballot["choice"] not in counts:
            raise ValueError(f"unknown choice {ballot['choice']!r}")
        counts[ballot["choice"]] += 1
    return result(header, counts, len(ballots))


def roll_problems(header: dict, ballots: list[dict]) -> list[str]:
    """What cannot be in a sealed vote whatever its tally: a member who voted twice, a secret
    ballot listed twice, more voters than members allowed to vote."""
    problems = []
    key = "id" if header.get("secret") else "member_id"
    seen: set = set()
    for ballot in ballots:
        if ballot.get(key) in seen:
            who = "ballot" if key == "id" else "member"
            problems.append(f"{who} {ballot.get(key)!r} is listed twice")
        seen.add(ballot.get(key))
    voters = len(ballots) + sum(header[f"paper_{c}"] for c in CHOICES)
    if voters > header["eligible"]:
        problems.append(f"{voters} voters for {header['eligible']} members allowed to vote")
    return problems


def verify(export: dict) -> list[str]:
    """The differences between the published figures and the recomputed ones (empty if none)."""
    problems = roll_problems(export["header"], export["ballots"])
    tally = recount(export["header"], export["ballots"])
    for key, value in tally.items():
        if export["tally"].get(key) != value:
            problems.append(
                f"tally {key}: published {export['tally'].get(key)!r}, recomputed {value!r}"
            )
    recomputed = digest(export["header"], export["ballots"])
    if recomputed != export["digest"]:
        problems.append(f"digest: published {export['digest']}, recomputed {recomputed}")
    return problems


def ranked_results(
    counts: Mapping[int, Sequence[int]], participants: int, ungraded_as_reject: bool
) -> list[dict]:
    """Each recommendation's counts (best grade first; a participant who left it ungraded
    added to "À rejeter" when the rules say so), ungraded count and majority grade, ranked by
    majority judgment. The application publishes its results with this function."""
    effective, ungraded = {}, {}
    for rec_id, values in counts.items():
        ungraded[rec_id] = max(participants - sum(values), 0)
        values = list(values)
        if ungraded_as_reject:
            values[-1] += ungraded[rec_id]
        effective[rec_id] = tuple(values)
    return [
        {
            "recommendation_id": rec_id,
            "counts": list(effective[rec_id]),
            "ungraded": ungraded[rec_id],
            "majority_grade": majority_judgment.majority_grade(effective[rec_id]),
            "rank": position,
        }
        for position, rec_id in enumerate(majority_judgment.rank(effective), start=1)
    ]


def consultation_results(
    header: dict, judgments: list[dict], recommendation_ids: list[int]
) -> list[dict]:
    """`ranked_results` recomputed from the anonymous judgments of an export."""
    counts = {rec_id: [0] * majority_judgment.GRADES for rec_id in recommendation_ids}
    for judgment in judgments:
        rec_id, grade = judgment["recommendation_id"], judgment["grade"]
        if rec_id not in counts or grade not in range(majority_judgment.GRADES):
            raise ValueError(f"judgment outside the consultation: {judgment!r}")
        counts[rec_id][grade] += 1
    return ranked_results(counts, header["participants"], header["ungraded_as_reject"])


def verify_consultation(export: dict) -> list[str]:
    """The differences between the consultation's published results and the recomputed ones.
    Since the recommendations judged are sealed in the header, a list that differs from it is
    a recommendation added or removed after the close (exports made before they were sealed
    have none in their header)."""
    problems = []
    sealed_ids = export["header"].get("recommendation_ids")
    if sealed_ids is not None and sorted(sealed_ids) != sorted(export["recommendation_ids"]):
        problems.append(
            f"recommendations judged: sealed {sealed_ids}, listed {export['recommendation_ids']}"
        )
    recomputed = consultation_results(
        export["header"], export["judgments"], export["recommendation_ids"]
    )
    if recomputed != export["results"]:
        published = {r["recommendation_id"]: r for r in export["results"]}
        for row in recomputed:
            if published.get(row["recommendation_id"]) != row:
                problems.append(
                    f"recommendation {row['recommendation_id']}: published "
                    f"{published.get(row['recommendation_id'])!r}, recomputed {row!r}"
                )
        if not problems:
            problems.append("results: published in another order than the ranking")
    sealed = digest(export["header"], export["judgments"])
    if sealed != export["digest"]:
        problems.append(f"digest: published {export['digest']}, recomputed {sealed}")
    return problems


USAGE = "usage: python verify_tally.py export.json [--expect DIGEST]"


def main(argv: list[str]) -> int:
    """`--expect DIGEST` checks the file against a digest obtained elsewhere (a printed
    report, a guarantor's minutes, an earlier download): a file and a digest taken from the
    same place could have been changed together."""
    args = argv[1:]
    expected = None
    if "--expect" in args:
        at = args.index("--expect")
        if at + 1 >= len(args):
            print(USAGE, file=sys.stderr)
            return 2
        expected = args[at + 1].strip().lower()
        del args[at : at + 2]
    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as handle:
        export = json.load(handle)
    if export.get("format") == CONSULTATION_FORMAT:
        for row in consultation_results(
            export["header"], export["judgments"], export["recommendation_ids"]
        ):
            print(json.dumps(row, ensure_ascii=False))
        print("digest", digest(export["header"], export["judgments"]))
        problems = verify_consultation(export)
    else:
        tally = recount(export["header"], export["ballots"])
        print(json.dumps(tally, ensure_ascii=False))
        print("digest", digest(export["header"], export["ballots"]))
        problems = verify(export)
    if expected is not None and expected != export.get("digest"):
        problems.append(f"digest: expected {expected}, the file says {export.get('digest')}")
    for problem in problems:
        print("MISMATCH", problem)
    print("OK" if not problems else "FAILED")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
