"""Quotas: for each value of a feature, the inclusive minimum and maximum number of panel
members who have it.

Quota file (CSV), either of:
- `feature,value,min,max` with an optional `target` column (the value's share of the
  population, `0.51` or `51%`, used only for the representativeness report);
- `category,feature,min,max`, the research format (category = feature, feature = value).

`read_quotas` checks the file on its own; `check_against_pool` checks it against a pool (every
quota feature is a pool column, every volunteer's value has a quota row).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from .csv_input import read_table, short_list
from .pool import Pool
from .problems import Problem, QuotaError

QUOTA_FILE = "quota"


@dataclass(frozen=True)
class Quota:
    feature: str
    value: str
    min: int
    max: int
    target: float | None = None


@dataclass(frozen=True)
class Quotas:
    """All quotas, in file order."""

    quotas: tuple[Quota, ...]

    def __iter__(self):
        return iter(self.quotas)

    def __len__(self) -> int:
        return len(self.quotas)

    @property
    def features(self) -> list[str]:
        """Features with quotas, in order of first appearance."""
        return list(dict.fromkeys(quota.feature for quota in self.quotas))

    def for_feature(self, feature: str) -> list[Quota]:
        return [quota for quota in self.quotas if quota.feature == feature]

    def get(self, feature: str, value: str) -> Quota | None:
        for quota in self.quotas:
            if quota.feature == feature and quota.value == value:
                return quota
        return None


def _parse_count(text: str, line: int, column: str, problems: list[Problem]) -> int | None:
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if number != number or number != int(number):  # NaN or fractional
        problems.append(Problem("bad_number", {"line": line, "column": column, "value": text}))
        return None
    if number < 0:
        problems.append(Problem("negative_number", {"line": line, "column": column, "value": text}))
        return None
    return int(number)


def _parse_target(text: str, line: int, problems: list[Problem]) -> float | None:
    if not text:
        return None
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        problems.append(Problem("bad_target", {"line": line, "value": text}))
        return None
    return share


def read_quotas(data: bytes | str) -> Quotas:
    """Parse a quota file. Raises `QuotaError` listing every problem."""
    table, problems = read_table(data, QUOTA_FILE)
    if table is None:
        raise QuotaError(problems)
    research = table.column("category") is not None
    names = ("category", "feature") if research else ("feature", "value")
    columns = {}
    for name in (*names, "min", "max"):
        index = table.column(name)
        if index is None:
            problems.append(Problem("missing_column", {"file": QUOTA_FILE, "column": name}))
        columns[name] = index
    if problems:
        raise QuotaError(problems)
    target_index = None if research else table.column("target")
    quotas: list[Quota] = []
    lines: dict[tuple[str, str], list[int]] = defaultdict(list)
    for line, cells in table.rows:
        feature, value = cells[columns[names[0]]], cells[columns[names[1]]]  # type: ignore[index]
        for column, text in zip(names, (feature, value), strict=True):
            if not text:
                problems.append(Problem("empty_quota_name", {"line": line, "column": column}))
        low = _parse_count(cells[columns["min"]], line, "min", problems)  # type: ignore[index]
        high = _parse_count(cells[columns["max"]], line, "max", problems)  # type: ignore[index]
        target = (
            _parse_target(cells[target_index], line, problems) if target_index is not None else None
        )
        if low is not None and high is not None and low > high:
            problems.append(
                Problem(
                    "min_above_max", {"feature": feature, "value": value, "min": low, "max": high}
                )
            )
        lines[(feature, value)].append(line)
        if low is not None and high is not None:
            quotas.append(Quota(feature, value, low, high, target))
    for (feature, value), where in lines.items():
        if len(where) > 1:
            problems.append(
                Problem(
                    "duplicate_quota",
                    {
                        "feature": feature,
                        "value": value,
                        "lines": short_list([str(n) for n in where]),
                    },
                )
            )
    if not table.rows:
        problems.append(Problem("no_quotas", {}))
    if problems:
        raise QuotaError(problems)
    return Quotas(tuple(quotas))


def check_against_pool(pool: Pool, quotas: Quotas) -> list[Problem]:
    """Problems between a pool and its quotas: a quota feature missing from the pool, or a
    volunteer's value that has no quota row (so we cannot tell whether to select them)."""
    problems: list[Problem] = []
    for feature in quotas.features:
        if feature not in pool.features:
            problems.append(Problem("feature_not_in_pool", {"feature": feature}))
            continue
        known = {quota.value for quota in quotas.for_feature(feature)}
        unknown: dict[str, list[str]] = defaultdict(list)
        for person in pool.people:
            value = person.features[feature]
            if value not in known:
                unknown[value].append(person.id)
        for value, ids in unknown.items():
            problems.append(
                Problem(
                    "unknown_value",
                    {"feature": feature, "value": value, "count": len(ids), "ids": short_list(ids)},
                )
            )
    return problems


def shifted(quotas: Quotas, taken: Mapping[tuple[str, str | None], int]) -> Quotas:
    """Quotas left for the remaining seats once `taken[(feature, value)]` people are fixed in
    (value None: people without that feature, which the quotas then refuse).
    A maximum may become negative: the caller reports that as a problem."""
    return Quotas(
        tuple(
            Quota(
                q.feature,
                q.value,
                max(0, q.min - taken.get((q.feature, q.value), 0)),
                q.max - taken.get((q.feature, q.value), 0),
                q.target,
            )
            for q in quotas
        )
    )
