"""A selection problem (pool, quotas, panel size) in the compact form the algorithms use.

Volunteers with the same value on every quota feature are interchangeable: every quota treats
them alike, so a fair (LEXIMIN, MAXIMIN) distribution gives them the same probability (the
LEXIMIN probabilities are unique, and swapping two such people maps an optimal distribution to an
optimal one). The algorithms therefore work with *groups* of interchangeable people and with
panel *compositions* (how many people from each group). A person who shares a household with
another volunteer is not interchangeable (the household rule treats them differently), so they form
a group of their own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .pool import Pool
from .problems import Problem, QuotaError
from .quotas import Quotas, check_against_pool


@dataclass(frozen=True, eq=False)
class SelectionProblem:
    pool: Pool
    quotas: Quotas
    k: int
    groups: tuple[np.ndarray, ...]  # positions of the people in each group
    sizes: np.ndarray  # (G,) people per group
    membership: np.ndarray  # (Q, G) 1 where the group has the quota's value
    mins: np.ndarray  # (Q,)
    maxs: np.ndarray  # (Q,)
    households: tuple[np.ndarray, ...]  # group indices of each household with 2+ volunteers

    @classmethod
    def build(cls, pool: Pool, quotas: Quotas, k: int) -> SelectionProblem:
        """Raises `QuotaError` if the quotas do not fit the pool or k is not a positive int."""
        problems = check_against_pool(pool, quotas)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            problems.append(Problem("bad_panel_size", {"k": k}))
        if problems:
            raise QuotaError(problems)
        features = quotas.features
        in_household = {p for people in pool.households().values() for p in people}
        key_to_group: dict[tuple, int] = {}
        members: list[list[int]] = []
        for position, person in enumerate(pool.people):
            if position in in_household:
                key: tuple = ("household member", position)
            else:
                key = tuple(person.features[f] for f in features)
            group = key_to_group.setdefault(key, len(members))
            if group == len(members):
                members.append([])
            members[group].append(position)
        groups = tuple(np.array(people, dtype=np.int64) for people in members)
        membership = np.zeros((len(quotas), len(groups)), dtype=np.int64)
        for g, people in enumerate(groups):
            person = pool.people[int(people[0])]
            for q, quota in enumerate(quotas):
                membership[q, g] = person.features[quota.feature] == quota.value
        group_of = np.empty(len(pool), dtype=np.int64)
        for g, people in enumerate(groups):
            group_of[people] = g
        households = tuple(
            np.unique(group_of[np.array(people)]) for people in pool.households().values()
        )
        return cls(
            pool=pool,
            quotas=quotas,
            k=int(k),
            groups=groups,
            sizes=np.array([len(people) for people in groups], dtype=np.int64),
            membership=membership,
            mins=np.array([quota.min for quota in quotas], dtype=np.int64),
            maxs=np.array([quota.max for quota in quotas], dtype=np.int64),
            households=households,
        )

    @property
    def n(self) -> int:
        return len(self.pool)

    @property
    def group_count(self) -> int:
        return len(self.groups)

    def group_of(self) -> np.ndarray:
        """(n,) group index of each person."""
        result = np.empty(self.n, dtype=np.int64)
        for g, people in enumerate(self.groups):
            result[people] = g
        return result

    def person_values(self, group_values: np.ndarray) -> np.ndarray:
        """Spread a per-group array to a per-person array."""
        return np.asarray(group_values)[self.group_of()]

    def composition_faults(self, x: np.ndarray) -> list[str]:
        """Why composition `x` (people per group) is not a valid panel; empty if it is."""
        faults = []
        if x.shape != self.sizes.shape:
            return [f"composition has {x.shape} entries, expected {self.sizes.shape}"]
        if (x < 0).any() or (x > self.sizes).any():
            faults.append("composition takes more people from a group than it has")
        if x.sum() != self.k:
            faults.append(f"panel has {x.sum()} people instead of {self.k}")
        counts = self.membership @ x
        for q in np.flatnonzero((counts < self.mins) | (counts > self.maxs)):
            quota = self.quotas.quotas[q]
            faults.append(
                f"panel has {counts[q]} with {quota.feature}={quota.value}, "
                f"quota is {quota.min}..{quota.max}"
            )
        for household in self.households:
            if x[household].sum() > 1:
                faults.append("panel has two people from one household")
        return faults

    def panel_faults(self, positions: list[int]) -> list[str]:
        """Why a concrete panel (pool positions) is not valid, checked from the people's own
        data rather than from the groups."""
        faults = []
        if len(set(positions)) != len(positions):
            faults.append("panel lists a person twice")
        if len(positions) != self.k:
            faults.append(f"panel has {len(positions)} people instead of {self.k}")
        people = [self.pool.people[p] for p in positions]
        counts = Counter((f, person.features[f]) for person in people for f in self.quotas.features)
        for quota in self.quotas:
            count = counts[(quota.feature, quota.value)]
            if not quota.min <= count <= quota.max:
                faults.append(
                    f"panel has {count} with {quota.feature}={quota.value}, "
                    f"quota is {quota.min}..{quota.max}"
                )
        households = Counter(p.household for p in people if p.household is not None)
        if any(count > 1 for count in households.values()):
            faults.append("panel has two people from one household")
        return faults
