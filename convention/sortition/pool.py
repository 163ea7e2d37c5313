"""The volunteer pool: who can be selected, with their feature values and household.

Two CSV formats are read:
- `read_pool`: the web app's upload. One id column (default name `id`), an optional address
  column (default name `address`) for the one-person-per-household rule, and one column per
  feature. Ids must be unique and non-empty.
- `read_respondents`: the research format (`respondents.csv` of Flanigan et al.): one column per
  feature and no id column; a person's id is their 0-based row number.

Import is all-or-nothing: every problem found is reported in one `PoolError`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .csv_input import read_table, short_list
from .problems import PoolError, Problem

POOL_FILE = "pool"


@dataclass(frozen=True)
class Person:
    """A volunteer. `household` is the normalised address, or None if unknown/not used."""

    id: str
    features: dict[str, str]
    household: str | None = None


@dataclass(frozen=True)
class Pool:
    """The volunteers in file order. `features` are the feature columns in file order."""

    people: tuple[Person, ...]
    features: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.people)

    @property
    def ids(self) -> list[str]:
        return [person.id for person in self.people]

    def index(self) -> dict[str, int]:
        """Map from id to position in the pool."""
        return {person.id: position for position, person in enumerate(self.people)}

    def values(self, feature: str) -> list[str]:
        """Distinct values of `feature` in the pool, sorted."""
        return sorted({person.features[feature] for person in self.people})

    def households(self) -> dict[str, list[int]]:
        """Positions of the people of each household that has two or more volunteers."""
        members: dict[str, list[int]] = defaultdict(list)
        for position, person in enumerate(self.people):
            if person.household is not None:
                members[person.household].append(position)
        return {key: people for key, people in members.items() if len(people) > 1}

    def subset(self, positions: list[int]) -> Pool:
        """The pool restricted to the people at `positions` (in that order)."""
        return Pool(tuple(self.people[p] for p in positions), self.features)


def household_key(address: str) -> str | None:
    """Normalise an address so that trivially different spellings match: case, spaces and
    punctuation are ignored. An empty address means the household is unknown (no rule)."""
    key = re.sub(r"[\W_]+", " ", address.casefold()).strip()
    return key or None


def read_pool(
    data: bytes | str, *, id_column: str = "id", address_column: str | None = "address"
) -> Pool:
    """Parse the pool upload. Every column except the id and address columns is a feature.
    The address column is optional even when `address_column` is set."""
    table, problems = read_table(data, POOL_FILE)
    if table is None:
        raise PoolError(problems)
    id_index = table.column(id_column)
    if id_index is None:
        problems.append(Problem("missing_column", {"file": POOL_FILE, "column": id_column}))
    address_index = table.column(address_column) if address_column else None
    feature_indexes = [i for i in range(len(table.header)) if i not in (id_index, address_index)]
    if not feature_indexes:
        problems.append(Problem("no_features", {}))
    if not table.rows:
        problems.append(Problem("no_people", {}))
    if id_index is None or not feature_indexes or not table.rows:
        raise PoolError(problems)
    people: list[Person] = []
    lines_by_id: dict[str, list[int]] = defaultdict(list)
    for line, cells in table.rows:
        person_id = cells[id_index]
        if not person_id:
            problems.append(Problem("empty_id", {"line": line}))
            continue
        lines_by_id[person_id].append(line)
        address = cells[address_index] if address_index is not None else ""
        features = {table.header[i]: cells[i] for i in feature_indexes}
        people.append(Person(person_id, features, household_key(address)))
    for person_id, lines in lines_by_id.items():
        if len(lines) > 1:
            problems.append(
                Problem(
                    "duplicate_id", {"id": person_id, "lines": short_list([str(n) for n in lines])}
                )
            )
    if problems:
        raise PoolError(problems)
    return Pool(tuple(people), tuple(table.header[i] for i in feature_indexes))


def read_respondents(data: bytes | str) -> Pool:
    """Parse the research format: feature columns only; ids are "0", "1", … by row."""
    table, problems = read_table(data, POOL_FILE)
    if table is None:
        raise PoolError(problems)
    if not table.rows:
        problems.append(Problem("no_people", {}))
    if problems:
        raise PoolError(problems)
    people = tuple(
        Person(str(row), dict(zip(table.header, cells, strict=True)))
        for row, (_, cells) in enumerate(table.rows)
    )
    return Pool(people, table.header)
