"""Check the public ledger (``/registre.json``) with the standard library only.

    python verify_ledger.py registre.json [--head HASH]

The file is ``{"format": "convention-ledger/1", "entries": [...], "head": HASH}``; each entry is
``{"id", "kind", "convention", "created_at", "body", "previous_hash", "entry_hash"}``, oldest
first. What an entry seals is the UTF-8 text

    canonical({"kind", "convention", "created_at", "body"})

where ``canonical(x) = json.dumps(x, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``, and its ``entry_hash`` is the SHA-256 (hexadecimal) of ``previous_hash``
followed by that text; ``previous_hash`` is the entry_hash of the entry before it, or 64 zeros
for the first. An edited entry breaks its own hash, a deleted or moved one breaks the link of
the next; a chain rewritten from some entry on, every hash recomputed, is found with ``--head``:
a head kept elsewhere (a printed report, the guarantors' minutes, an earlier download) must
still be an entry of the chain.

The entries with ``signatures`` (a ballot's close) hold the guarantors' Schnorr signatures of
their statements: each is checked against that guarantor's key in the latest
``key_ceremony_completed`` entry of the same convention before it.

Run as a script, it finds the ``ballots`` package beside it (the checker's zip) or in the
folder above (a checkout, ``convention/ballots``). This module is also what the application
chains its entries with, so the two cannot drift apart.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any

try:
    from convention.ballots import records
except ImportError:  # run as a script, outside the application
    _HERE = os.path.dirname(os.path.abspath(__file__))
    # Appended, never first: the folder above also holds modules named like installed ones.
    sys.path.append(_HERE)
    sys.path.append(os.path.dirname(_HERE))
    from ballots import records  # type: ignore[import-not-found, no-redef]  # the same package

FORMAT = "convention-ledger/1"
GENESIS = "0" * 64
CEREMONY = "key_ceremony_completed"
SEALED = ("kind", "convention", "created_at", "body")


def sealed_text(entry: Mapping[str, Any]) -> str:
    """What an entry's hash seals: its kind, convention, time (ISO UTC) and body."""
    return records.canonical({name: entry.get(name) for name in SEALED})


def hash_of(previous_hash: str, text: str) -> str:
    return hashlib.sha256((previous_hash + text).encode("utf-8")).hexdigest()


def verify(entries: list[dict]) -> list[str]:
    """The problems of a chain given oldest first, in plain English; none if it is intact."""
    problems: list[str] = []
    prior: dict | None = None
    keys: dict[Any, dict[int, int]] = {}  # convention → guarantor → key, the latest ceremony's
    closed: dict[tuple, str] = {}  # (convention, kind, ballot) → the entry that closed it
    signed: dict[tuple, str] = {}  # (convention, guarantor, statement) → the entry it signs
    for position, entry in enumerate(entries, start=1):
        name = f"entry {entry.get('id', position)}"
        if hash_of(str(entry.get("previous_hash")), sealed_text(entry)) != entry.get("entry_hash"):
            problems.append(f"{name}: its hash does not match its content")
        expected = GENESIS if prior is None else prior.get("entry_hash")
        if entry.get("previous_hash") != expected:
            problems.append(_broken_link(name, prior, entry))
        body = entry.get("body")
        if not isinstance(body, dict):
            problems.append(f"{name}: its body is not an object")
            body = {}
        if entry.get("kind") == CEREMONY:
            found = _ceremony_keys(body)
            if found is None:
                problems.append(f"{name}: the guarantors' keys cannot be read")
            else:
                keys[entry.get("convention")] = found
        if "signatures" in body:
            problems.extend(_signature_problems(name, body, keys.get(entry.get("convention"))))
            problems.extend(_replayed(name, entry, body, closed, signed))
        prior = entry
    return problems


def _replayed(name: str, entry: dict, body: dict, closed: dict, signed: dict) -> Iterable[str]:
    """A vote is closed once, and a guarantor's signature is given for one closing: a ballot
    reopened and closed again, with the first closing's signatures copied, is caught here
    (each signature alone would still verify)."""
    ballot = (entry.get("convention"), entry.get("kind"), body.get("ballot_id"))
    if body.get("ballot_id") is not None:
        if ballot in closed:
            yield f"{name}: ballot {body.get('ballot_id')} was already closed by {closed[ballot]}"
        closed.setdefault(ballot, name)
    for item in body["signatures"] if isinstance(body["signatures"], list) else []:
        if not isinstance(item, dict):
            continue
        key = (entry.get("convention"), item.get("guarantor"), item.get("statement_digest"))
        if key in signed:
            yield (
                f"{name}: guarantor {item.get('guarantor')}'s signature was already used by "
                f"{signed[key]}"
            )
        signed.setdefault(key, name)


def head_of(entries: list[dict]) -> str:
    return str(entries[-1].get("entry_hash")) if entries else GENESIS


def verify_file(ledger: dict, kept_head: str | None = None) -> list[str]:
    """The chain's problems, the file's stated head against its last entry, and a head kept
    elsewhere that must be one of its entries."""
    if not isinstance(ledger, dict) or ledger.get("format") != FORMAT:
        return [f"this file is not a ledger ({FORMAT})"]
    entries = ledger.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return ["the file has no list of entries"]
    problems = verify(entries)
    if ledger.get("head") != head_of(entries):
        problems.append(f"head: the file says {ledger.get('head')}, its last entry's is another")
    if kept_head is not None and kept_head not in {e.get("entry_hash") for e in entries}:
        problems.append(
            f"head {kept_head}: not an entry of this ledger (rewritten since, or another site's)"
        )
    return problems


def _broken_link(name: str, prior: dict | None, entry: dict) -> str:
    if prior is None:
        return f"{name}: chained to an earlier entry that is missing"
    before, after = prior.get("id"), entry.get("id")
    # Ids may skip (a rolled-back transaction still uses its number): only where the link
    # breaks is a skip a deletion.
    if isinstance(before, int) and isinstance(after, int) and after - before > 1:
        return f"{name}: an entry is missing between {before} and {after}"
    return f"{name}: chained to a hash that is not the previous entry's ({before})"


def _ceremony_keys(body: dict) -> dict[int, int] | None:
    try:
        return {
            int(g["index"]): records.num(g["key"], "a guarantor's key") for g in body["guarantors"]
        }
    except (KeyError, TypeError, ValueError):
        return None


def _signature_problems(name: str, body: dict, keys: dict[int, int] | None) -> Iterable[str]:
    signatures = body["signatures"]
    if not isinstance(signatures, list):
        yield f"{name}: its signatures are not a list"
        return
    if signatures and keys is None:
        yield f"{name}: signed, but no key ceremony of its convention comes before it"
        return
    for signed in signatures:
        try:
            guarantor = int(signed["guarantor"])
            digest = str(signed["statement_digest"])
            signature = records.signature_from(signed["signature"])
        except (KeyError, TypeError, ValueError):
            yield f"{name}: a signature cannot be read"
            continue
        if keys is None or guarantor not in keys:
            yield f"{name}: signed by guarantor {guarantor}, who has no key in the ceremony"
        elif not records.signature_is_valid(keys[guarantor], digest, signature):
            yield f"{name}: the signature of guarantor {guarantor} is not valid"


def main(argv: list[str]) -> int:
    """Print one line a problem, then the number of entries and the head, then OK or FAILED;
    exit with 0 when the ledger is intact, 1 when it is not, 2 when called wrongly."""
    parser = argparse.ArgumentParser(
        prog="verify_ledger.py", description="Check the public ledger of a Convention site."
    )
    parser.add_argument("ledger", help="the file downloaded from /registre.json")
    parser.add_argument("--head", help="a head kept elsewhere: it must be one of the entries")
    args = parser.parse_args(argv[1:])  # exits with 2 when called wrongly
    try:
        with open(args.ledger, encoding="utf-8-sig") as handle:
            ledger = json.load(handle)
    except (OSError, ValueError) as error:
        print(f"cannot read {args.ledger}: {error}", file=sys.stderr)
        return 2
    kept_head = args.head.strip().lower() if args.head else None
    problems = verify_file(ledger, kept_head)
    for problem in problems:
        print("MISMATCH", problem)
    entries = ledger.get("entries") if isinstance(ledger, dict) else None
    if isinstance(entries, list) and all(isinstance(e, dict) for e in entries):
        print("entries", len(entries))
        print("head", head_of(entries))
    print("OK" if not problems else "FAILED")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
