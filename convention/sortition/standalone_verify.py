#!/usr/bin/env python3
"""Repeat a Convention panel draw with the Python standard library alone.

Usage: python3 standalone_verify.py PANEL_LIST.csv SEED

PANEL_LIST.csv is the published list of M panels; SEED is the text entered in public. The
script checks that the list is in the published format, then prints the chosen panel:

    index = int(SHA-256(file bytes + seed as UTF-8), big-endian) mod M

The seed is used with leading and trailing white space removed. Format of the list: UTF-8, lines
ending in a line feed; header "panel,member_1,...,member_k"; then line i (0-based) is
"i,<k pseudonyms in ascending order>", lines in ascending order of their member lists.
Exit status: 0 on success, 2 if the file or the seed is not valid.
"""

import hashlib
import re
import sys

PSEUDONYM = re.compile(r"[0-9a-z]{1,32}")


def read_panels(data):
    """The list's panels, or raise ValueError saying what is wrong. The application reads the
    published list with this function too, so the two cannot disagree on the format."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    if "\r" in text or not text.endswith("\n"):
        raise ValueError("lines must end with a single line feed, including the last")
    header, *lines = text[:-1].split("\n")
    columns = header.split(",")
    k = len(columns) - 1
    if k < 1 or columns != ["panel"] + [f"member_{i}" for i in range(1, k + 1)]:
        raise ValueError("the first line must be panel,member_1,...,member_k")
    if not lines:
        raise ValueError("the list has no panels")
    panels = []
    for index, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] != str(index) or len(cells) != k + 1:
            raise ValueError(f"line {index + 2} must be panel {index} with {k} members")
        members = tuple(cells[1:])
        if not all(PSEUDONYM.fullmatch(m) for m in members) or list(members) != sorted(
            set(members)
        ):
            raise ValueError(
                f"the members of panel {index} must be distinct valid pseudonyms in ascending order"
            )
        panels.append(members)
    if panels != sorted(panels):
        raise ValueError("the panels must be in ascending order of their member lists")
    return panels


def chosen_index(data, seed, panels):
    """The index of the chosen panel: SHA-256 of the list's bytes and the seed, modulo M."""
    digest = hashlib.sha256(data + seed.encode("utf-8")).digest()
    return int.from_bytes(digest, "big") % panels


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().split("\n")[2], file=sys.stderr)
        return 2
    path, seed = argv[1], argv[2].strip()
    if not seed or any(ord(c) < 32 or ord(c) == 127 for c in seed):
        print("error: the seed must be a non-empty line of text", file=sys.stderr)
        return 2
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        panels = read_panels(data)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    index = chosen_index(data, seed, len(panels))
    print(f"list: {path} (SHA-256 {hashlib.sha256(data).hexdigest()}, {len(panels)} panels)")
    print(f"seed: {seed!r}")
    print(f"chosen panel: {index}")
    print("members: " + " ".join(panels[index]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
