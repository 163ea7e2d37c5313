"""The two downloads that let anyone work without the platform: the guarantors' tool as one
file (``garant.pyz``, run with ``python garant.pyz keys ceremonie.json``) and the public
checker as a zip to unpack (``python verifier-scrutin/verify_tally.py vote-12.json``). Both
hold the ``ballots`` package as a top-level package. Their bytes depend only on the source
files (fixed dates and permissions), so the same release gives the same download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

BALLOTS = Path(__file__).resolve().parent
VOTES = BALLOTS.parent / "votes"
LEDGER_CHECKER = BALLOTS.parent / "ledger" / "verify_ledger.py"

# The earliest date a zip can hold: the archive says nothing about when it was built.
STAMP = (1980, 1, 1, 0, 0, 0)

MAIN = '''\
"""L'outil des garants des votes secrets : python garant.pyz --help"""

import sys

from ballots import guarantor

if __name__ == "__main__":
    sys.exit(guarantor.main(sys.argv))
'''


def _archive(files: list[tuple[str, bytes]], prefix: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    buffer.write(prefix)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _package(folder: str) -> list[tuple[str, bytes]]:
    return [(f"{folder}{path.name}", path.read_bytes()) for path in sorted(BALLOTS.glob("*.py"))]


def guarantor_tool() -> bytes:
    """``garant.pyz``: a zip application Python 3.11 runs as it is."""
    return _archive(
        [("__main__.py", MAIN.encode()), *_package("ballots/")],
        prefix=b"#!/usr/bin/env python3\n",
    )


def checker_zip() -> bytes:
    """``verifier-scrutin.zip``: the checker of sealed votes with what it imports, and the
    ledger's checker when this release has one."""
    folder = "verifier-scrutin/"
    files = [
        (folder + name, (VOTES / name).read_bytes())
        for name in ("verify_tally.py", "majority_judgment.py")
    ]
    if LEDGER_CHECKER.is_file():
        files.append((folder + LEDGER_CHECKER.name, LEDGER_CHECKER.read_bytes()))
    return _archive(files + _package(folder + "ballots/"))
