"""Reading a CSV upload into a header and numbered rows, collecting every problem.

Rules: the file must be UTF-8 (a byte-order mark is allowed, as spreadsheets write one); the
delimiter is a comma, or a semicolon when the header has semicolons and no comma (as some
spreadsheet locales export); cells are stripped of surrounding spaces; blank lines are skipped;
trailing empty cells beyond the header are ignored.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .problems import Problem


@dataclass(frozen=True)
class Table:
    """A CSV file's header and its non-blank rows, each with its 1-based line number."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def column(self, name: str) -> int | None:
        """Index of the column named `name` (case and surrounding spaces ignored), or None."""
        wanted = name.strip().casefold()
        for index, title in enumerate(self.header):
            if title.casefold() == wanted:
                return index
        return None


def decode(data: bytes | str, file: str) -> tuple[str | None, list[Problem]]:
    """Text of an upload, or None and the reason."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [Problem("bad_encoding", {"file": file, "line": line})]


def read_table(data: bytes | str, file: str) -> tuple[Table | None, list[Problem]]:
    """Parse `data` as CSV. Returns the table (None if unreadable) and the problems found."""
    text, problems = decode(data, file)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [Problem("empty_file", {"file": file})]
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    lines: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            lines.append((reader.line_num, [cell.strip() for cell in cells]))
    except csv.Error as error:
        return None, [
            Problem("bad_csv", {"file": file, "line": reader.line_num, "detail": str(error)})
        ]
    lines = [(number, cells) for number, cells in lines if any(cells)]
    if not lines:
        return None, [Problem("empty_file", {"file": file})]
    _, header = lines[0]
    while header and not header[-1]:
        header.pop()
    seen: set[str] = set()
    for position, title in enumerate(header, start=1):
        if not title:
            problems.append(Problem("empty_column_name", {"file": file, "position": position}))
        elif title.casefold() in seen:
            problems.append(Problem("duplicate_column", {"file": file, "column": title}))
        seen.add(title.casefold())
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, cells in lines[1:]:
        while len(cells) > len(header) and not cells[-1]:
            cells.pop()
        if len(cells) != len(header):
            problems.append(
                Problem(
                    "wrong_cell_count",
                    {"file": file, "line": number, "found": len(cells), "expected": len(header)},
                )
            )
            continue
        rows.append((number, tuple(cells)))
    return Table(tuple(header), tuple(rows)), problems


def short_list(items: list[str], limit: int = 5) -> str:
    """'a, b, c' or 'a, b, c, … (12 in all)' for messages."""
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", … ({len(items)} in all)"
