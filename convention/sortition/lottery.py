"""The transparent lottery: a published list of M equally likely panels and a public seed.

Canonical list format (version 1), the exact bytes that are published and hashed:
- UTF-8, lines end with "\\n" (no "\\r"), the file ends with "\\n";
- first line: `panel,member_1,member_2,...,member_k`;
- then M lines `i,p1,p2,...,pk` for i = 0..M-1: the panel number and the pseudonyms of its k
  members, sorted in ascending (byte) order; the lines are ordered by their member lists (as
  tuples of strings), so the list does not depend on how it was computed;
- pseudonyms are 1 to 32 characters from [0-9a-z], distinct per volunteer.

Choosing the panel: the seed is the text staff enter in public (for example dice digits), with
leading and trailing white space removed; it must not be empty or contain control characters.
    index = int(SHA-256(list_bytes + seed_as_UTF-8), big-endian) mod M
The chosen panel is line `index` (0-based, after the header). `standalone_verify.py` repeats
this with the Python standard library alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import standalone_verify
from .distribution import Distribution
from .problems import LotteryError, Problem
from .rounding import assign_people, copies_per_panel
from .standalone_verify import PSEUDONYM

DEFAULT_PANELS = 1000


@dataclass(frozen=True)
class Draw:
    """The outcome of a public draw."""

    index: int
    members: tuple[str, ...]  # pseudonyms
    panels: int  # M
    list_sha256: str
    seed: str


@dataclass(frozen=True, eq=False)
class Lottery:
    """M panels, each drawn with probability 1/M, in canonical order."""

    panels: tuple[tuple[str, ...], ...]
    pseudonyms: dict[str, str]  # volunteer id -> pseudonym
    target: dict[str, float]  # each volunteer's probability in the rounded distribution

    @property
    def size(self) -> int:
        return len(self.panels)

    def to_bytes(self) -> bytes:
        return canonical_bytes(self.panels)

    @property
    def probabilities(self) -> dict[str, float]:
        """Each volunteer's probability in the lottery: panels containing them / M."""
        counts = {pseudonym: 0 for pseudonym in self.pseudonyms.values()}
        for panel in self.panels:
            for pseudonym in panel:
                counts[pseudonym] += 1
        return {person: counts[p] / self.size for person, p in self.pseudonyms.items()}

    @property
    def fairness_loss(self) -> float:
        """Largest difference, over volunteers, between lottery and distribution probability."""
        lottery = self.probabilities
        return max(abs(lottery[person] - self.target[person]) for person in self.target)

    @property
    def lowest(self) -> float:
        return min(self.probabilities.values())

    def ids(self, members: tuple[str, ...]) -> list[str]:
        """Volunteer ids for pseudonyms (staff use this to contact the drawn panel)."""
        person_of = {pseudonym: person for person, pseudonym in self.pseudonyms.items()}
        return [person_of[pseudonym] for pseudonym in members]

    def draw(self, seed: str) -> Draw:
        return draw(self.to_bytes(), seed)


def build_lottery(
    distribution: Distribution,
    *,
    panels: int = DEFAULT_PANELS,
    seed: int | None = None,
    pseudonyms: dict[str, str] | None = None,
) -> Lottery:
    """Round `distribution` to a uniform lottery over `panels` panels (see rounding.py).
    `seed` makes the people assignment and generated pseudonyms reproducible (None: random).
    `pseudonyms` maps every volunteer id to a pseudonym; by default random 8-character ones."""
    if isinstance(panels, bool) or not isinstance(panels, int) or panels < 1:
        raise LotteryError([Problem("bad_lottery_size", {"panels": panels})])
    problem = distribution.problem
    rng = np.random.default_rng(seed)
    ids = problem.pool.ids
    if pseudonyms is None:
        pseudonyms = _random_pseudonyms(ids, rng)
    _check_pseudonyms(ids, pseudonyms)
    copies = copies_per_panel(distribution, panels)
    people = assign_people(distribution, copies, rng)
    named = sorted(tuple(sorted(pseudonyms[ids[p]] for p in panel)) for panel in people)
    return Lottery(tuple(named), dict(pseudonyms), distribution.by_id())


def _random_pseudonyms(ids: list[str], rng: np.random.Generator) -> dict[str, str]:
    used: set[str] = set()
    result = {}
    for person in ids:
        while True:
            token = f"{int(rng.integers(16**8)):08x}"
            if token not in used:
                break
        used.add(token)
        result[person] = token
    return result


def _check_pseudonyms(ids: list[str], pseudonyms: dict[str, str]) -> None:
    detail = None
    if set(pseudonyms) != set(ids):
        detail = "pseudonyms must be given for exactly the volunteers of the pool"
    elif len(set(pseudonyms.values())) != len(pseudonyms):
        detail = "pseudonyms must be distinct"
    elif not all(PSEUDONYM.fullmatch(p) for p in pseudonyms.values()):
        detail = "pseudonyms must be 1 to 32 characters from 0-9 and a-z"
    if detail:
        raise LotteryError([Problem("bad_list", {"detail": detail})])


def canonical_bytes(panels: tuple[tuple[str, ...], ...] | list[tuple[str, ...]]) -> bytes:
    """The published list for these panels (sorted as the format requires)."""
    ordered = sorted(tuple(sorted(panel)) for panel in panels)
    k = len(ordered[0])
    lines = ["panel," + ",".join(f"member_{i}" for i in range(1, k + 1))]
    lines += [f"{index}," + ",".join(panel) for index, panel in enumerate(ordered)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_list(data: bytes) -> tuple[tuple[str, ...], ...]:
    """The panels of a published list, checked against the published format."""
    try:
        return tuple(standalone_verify.read_panels(data))
    except ValueError as error:
        raise LotteryError([Problem("bad_list", {"detail": str(error)})]) from None


def normalise_seed(seed: str) -> str:
    seed = seed.strip()
    if not seed or any(ord(c) < 32 or ord(c) == 127 for c in seed):
        raise LotteryError([Problem("bad_seed", {})])
    return seed


def chosen_index(list_bytes: bytes, seed: str, panels: int) -> int:
    return standalone_verify.chosen_index(list_bytes, normalise_seed(seed), panels)


def draw(list_bytes: bytes, seed: str) -> Draw:
    """The panel that `seed` picks from the published list `list_bytes`."""
    panels = parse_list(list_bytes)
    index = chosen_index(list_bytes, seed, len(panels))
    return Draw(
        index=index,
        members=panels[index],
        panels=len(panels),
        list_sha256=hashlib.sha256(list_bytes).hexdigest(),
        seed=normalise_seed(seed),
    )


def verify(list_path: str | Path, seed: str) -> Draw:
    """Reproduce a public draw from the published list file alone."""
    return draw(Path(list_path).read_bytes(), seed)
