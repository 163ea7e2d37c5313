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

A secret vote (format ``convention-secret-vote/1``) publishes no choice at all. Its
``header`` holds the rules and paper totals as above, plus the ``ceremony_id``, the vote's
``base_hash`` and the guarantors' ``joint_key``; ``ceremony`` holds the key ceremony's base
hash, threshold and every guarantor's ``keys``; ``roll`` lists who voted electronically
(``member_id``, ``member``); ``ballots`` lists the encrypted ballots by tracking code, with
their proofs; ``decryptions`` holds each guarantor's signed partial decryption of the tally
that was used; then the published ``tally`` and the ``digest``, the SHA-256 of the canonical
export without its ``digest``. The checker recomputes the joint key from the keys and checks
their proofs, each ballot's tracking code and its proofs (one choice, exactly), the roll
against the ballots, that every decryption is of the encrypted tally recomputed from the
ballots, signed by its guarantor and proven against their share, then combines at least
threshold of them into the counts and the tally. The cryptography is ``ballots/`` (beside
this file in the checker's zip, ``convention/ballots`` in the application).

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

try:
    from convention.ballots import ceremony, decryption, encryption, records
except ImportError:  # run as a script: ballots/ beside this file (the checker's zip) or
    # beside its folder (convention/ballots in a checkout), appended so nothing is shadowed
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path += [_here, os.path.dirname(_here)]
    from ballots import (  # type: ignore[import-not-found, no-redef]  # the same package
        ceremony,
        decryption,
        encryption,
        records,
    )

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


# --- secret votes ----------------------------------------------------------------------------

MALFORMED = (records.BadFile, KeyError, TypeError, ValueError, AttributeError)


def secret_digest(export: dict) -> str:
    """The SHA-256 of the canonical export without its own digest."""
    return records.digest_of({key: value for key, value in export.items() if key != "digest"})


def _guarantor_keys(held: dict) -> tuple[dict[int, ceremony.GuarantorPublic], list[str]]:
    """The guarantors' keys by number, and what is wrong with them."""
    base, threshold = records.num(held["base_hash"], "the ceremony's base hash"), held["threshold"]
    publics: dict[int, ceremony.GuarantorPublic] = {}
    problems = []
    for key in held["keys"]:
        public = records.key_from(key)
        if public.index in publics:
            problems.append(f"guarantor {public.index}: key listed twice")
        if key["ceremony_id"] != held["ceremony_id"] or records.num(key["base_hash"]) != base:
            problems.append(f"guarantor {public.index}: key of another ceremony")
        problems += ceremony.check_public(base, public, threshold)
        publics[public.index] = public
    if sorted(publics) != list(range(1, len(publics) + 1)) or not 1 <= threshold <= len(publics):
        problems.append(f"guarantors numbered {sorted(publics)} for a threshold of {threshold}")
    return publics, problems


def _secret_ballots(lines: list) -> tuple[list[encryption.EncryptedBallot], list[str], list[str]]:
    """The ballots that can be read (each committed to by its tracking code), their codes,
    and what is wrong with the list."""
    ballots: list[encryption.EncryptedBallot] = []
    codes: list[str] = []
    problems: list[str] = []
    listed = [line.get("tracking_code") if isinstance(line, dict) else None for line in lines]
    for code, line in zip(listed, lines, strict=True):
        if listed.count(code) > 1 and code in codes:
            problems.append(f"ballot {code}: listed twice")
            continue
        try:
            ballots.append(records.ballot_from(line))
        except MALFORMED as error:
            problems.append(f"ballot {code}: {error}")
            continue
        codes.append(ballots[-1].tracking_code)
    if listed != sorted(listed, key=str):
        # In the order they were cast, ballots could be matched with the roll.
        problems.append("ballots: not sorted by tracking code")
    return ballots, codes, problems


def _checked_partials(
    export: dict,
    publics: dict[int, ceremony.GuarantorPublic],
    base_hash: int,
    totals: tuple[encryption.Ciphertext, ...],
) -> tuple[dict[int, list[decryption.PartialDecryption]], list[str]]:
    """The partial decryptions of each guarantor whose statement is of this vote's
    recomputed tally, signed with their key and proven against their public share."""
    valid: dict[int, list[decryption.PartialDecryption]] = {}
    problems: list[str] = []
    seen: set = set()
    for entry in export["decryptions"]:
        statement = entry["statement"]
        who = statement["guarantor"]
        if who not in publics or who in seen:
            problems.append(f"decryption by guarantor {who!r}: unknown or listed twice")
            continue
        seen.add(who)
        found = []
        try:
            if statement["ballot_id"] != export["header"]["ballot_id"] or (
                records.num(statement["base_hash"]) != base_hash
            ):
                found.append(f"guarantor {who}: decryption of another vote")
            if [records.ciphertext_from(c) for c in statement["tally"]] != list(totals):
                found.append(
                    f"guarantor {who}: decrypted an encrypted tally other than the one "
                    "recomputed from the ballots"
                )
            signature = records.signature_from(entry["signature"])
            if not records.signature_is_valid(
                publics[who].key, records.digest_of(statement), signature
            ):
                found.append(f"guarantor {who}: signature not valid")
            partials = [records.partial_from(p) for p in statement["partials"]]
            if len(partials) != len(totals):
                found.append(f"guarantor {who}: {len(partials)} partial decryptions")
                partials = []
            share = ceremony.public_share(list(publics.values()), who)
            for choice, partial, total in zip(CHOICES, partials, totals, strict=False):
                if partial.guarantor != who or not decryption.check_partial(
                    base_hash, partial, total, share
                ):
                    found.append(f"guarantor {who}: partial decryption of {choice!r} not proven")
        except MALFORMED as error:
            found.append(f"guarantor {who}: decryption incomplete ({error})")
        problems += found
        if not found:
            valid[who] = partials
    return valid, problems


def _secret_check(export: dict, check_ballots: bool) -> tuple[dict | None, list[str]]:
    """The tally recomputed from the ballots and the decryptions found valid (None when
    they are too few), and every problem found on the way."""
    header, held = export["header"], export["ceremony"]
    publics, problems = _guarantor_keys(held)
    threshold = held["threshold"]
    joint = ceremony.joint_key(list(publics.values()))
    if records.num(header["joint_key"]) != joint:
        problems.append("header joint_key: not the product of the guarantors' keys")
    if header["ceremony_id"] != held["ceremony_id"]:
        problems.append(
            f"header ceremony_id: {header['ceremony_id']!r}, not {held['ceremony_id']!r}"
        )
    base_hash = records.election_base_hash(
        records.num(held["base_hash"]), header["ballot_id"], joint
    )
    if records.num(header["base_hash"]) != base_hash:
        problems.append("header base_hash: not the hash of the ceremony, ballot and joint key")
    ballots, codes, found = _secret_ballots(export["ballots"])
    problems += found
    if check_ballots:
        election = encryption.Election(joint, base_hash)
        for code, found in zip(codes, encryption.check_ballots(election, ballots), strict=True):
            problems += [f"ballot {code}: {problem}" for problem in found]
        roll = export["roll"]
        problems += roll_problems({**header, "secret": False}, roll)
        if len(roll) != len(export["ballots"]):
            problems.append(f"{len(export['ballots'])} ballots for {len(roll)} members on the roll")
    totals = encryption.tally_ciphertexts(ballots)
    partials, found = _checked_partials(export, publics, base_hash, totals)
    problems += found
    if len(partials) < threshold:
        problems.append(f"decryptions: {len(partials)} valid, {threshold} needed")
        return None, problems
    counts = {}
    for position, (choice, total) in enumerate(zip(CHOICES, totals, strict=True)):
        parts = [p[position] for p in partials.values()]
        try:
            counts[choice] = decryption.combine(parts, total, threshold, len(ballots))
        except decryption.NoCount:
            problems.append(f"decryptions of {choice!r}: no count from 0 to {len(ballots)}")
            return None, problems
    return result(header, counts, len(ballots)), problems


def secret_tally(export: dict) -> dict:
    """The tally the valid partial decryptions give for the encrypted tally recomputed from
    the listed ballots (`verify_secret` also checks each ballot's proofs and the roll).
    Raises ValueError when it cannot be recomputed."""
    try:
        tally, problems = _secret_check(export, check_ballots=False)
    except MALFORMED as error:
        raise ValueError(f"the export is incomplete ({error})") from None
    if tally is None:
        raise ValueError("; ".join(problems))
    return tally


def verify_secret(export: dict) -> list[str]:
    """What is wrong with a secret vote's export, in plain words (empty if nothing): the
    guarantors' keys and the joint key, each ballot's tracking code and proofs, the roll,
    each guarantor's signed and proven partial decryption of the recomputed tally, the
    counts they give, the published tally and the digest."""
    return _verified_secret(export)[1]


def _verified_secret(export: dict) -> tuple[dict | None, list[str]]:
    """`verify_secret`, with the tally recomputed on the way (None when there is none)."""
    try:
        tally, problems = _secret_check(export, check_ballots=True)
    except MALFORMED as error:
        return None, [f"the export is incomplete ({error})"]
    published = export.get("tally")
    if not isinstance(published, dict):
        published = {}
    for key, value in (tally or {}).items():
        if published.get(key) != value:
            problems.append(f"tally {key}: published {published.get(key)!r}, recomputed {value!r}")
    recomputed = secret_digest(export)
    if recomputed != export.get("digest"):
        problems.append(f"digest: published {export.get('digest')}, recomputed {recomputed}")
    return tally, problems


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
    elif export.get("format") == records.SECRET_VOTE:
        tally, problems = _verified_secret(export)
        print(json.dumps(tally, ensure_ascii=False))  # null when the decryptions give none
        print("digest", secret_digest(export))
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
