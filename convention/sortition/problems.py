"""Errors that carry a list of human-readable problems.

Every message is a format string with named placeholders, kept in `MESSAGES`, so that the web app
can translate it later by code (`Problem.code`) and fill in the same `params`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MESSAGES: dict[str, str] = {
    # Reading files
    "empty_file": "The {file} file is empty.",
    "bad_encoding": (
        "The {file} file is not valid UTF-8 text (first bad byte on line {line}). "
        'Save it as "CSV UTF-8" and import it again.'
    ),
    "bad_csv": "The {file} file could not be read as CSV on line {line}: {detail}.",
    "duplicate_column": 'The {file} file has the column "{column}" more than once.',
    "missing_column": 'The {file} file has no column "{column}".',
    "empty_column_name": "Column {position} of the {file} file has no name.",
    "wrong_cell_count": (
        "Line {line} of the {file} file has {found} cells, the header has {expected}."
    ),
    # Pool
    "empty_id": "Line {line} of the pool file has no id.",
    "duplicate_id": 'The id "{id}" appears more than once in the pool file (lines {lines}).',
    "no_people": "The pool file lists no volunteers.",
    "no_features": "The pool file has no feature column besides the id and address.",
    # Quotas
    "no_quotas": "The quota file has no quota rows.",
    "bad_number": (
        'Line {line} of the quota file: "{value}" in column {column} is not a whole number.'
    ),
    "negative_number": "Line {line} of the quota file: {column} is {value}; it must be 0 or more.",
    "bad_target": (
        'Line {line} of the quota file: target "{value}" is not a share between 0 and 1 '
        "(or a percentage such as 51%)."
    ),
    "empty_quota_name": "Line {line} of the quota file has an empty {column}.",
    "min_above_max": "The quota {feature}={value} has a minimum {min} above its maximum {max}.",
    "duplicate_quota": "The quota {feature}={value} appears more than once (lines {lines}).",
    # Pool against quotas
    "feature_not_in_pool": (
        'The quotas use the feature "{feature}", but the pool file has no such column.'
    ),
    "unknown_value": (
        '{count} volunteer(s) have {feature}="{value}" (ids {ids}), but the quotas have no row for '
        "this value. Add a quota row for it (minimum 0 if it does not matter) or correct the pool."
    ),
    # Panel size and feasibility
    "bad_panel_size": "The panel size must be a whole number of at least 1, not {k}.",
    "panel_larger_than_pool": "The panel size {k} is larger than the pool of {n} volunteers.",
    "panel_larger_than_households": (
        "The panel size {k} is larger than the {households} different households in the pool "
        "(at most one person per household may be selected)."
    ),
    "quota_min_above_pool": (
        "The quota {feature}={value} needs at least {min} people, but only {available} volunteers "
        "have this value."
    ),
    "quota_mins_above_k": (
        'The minimums of feature "{feature}" add up to {total}, more than the panel size {k}.'
    ),
    "quota_maxs_below_k": (
        'The maximums of feature "{feature}" add up to {total}, less than the panel size {k}.'
    ),
    "quotas_conflict": (
        "No panel of {k} people meets all quotas together. The smallest change that makes a panel "
        "possible is listed below; the quotas named there conflict."
    ),
    "quota_relax_min": (
        "Lower the minimum of {feature}={value} from {min} to {suggested} (or change a quota it "
        "conflicts with)."
    ),
    "quota_relax_max": (
        "Raise the maximum of {feature}={value} from {max} to {suggested} (or change a quota it "
        "conflicts with)."
    ),
    # Replacement draw
    "unknown_person": 'There is no volunteer with id "{id}" in the pool.',
    "accepted_and_excluded": 'The volunteer "{id}" is both accepted and excluded.',
    "too_many_accepted": "{accepted} people accepted, more than the panel size {k}.",
    "accepted_break_quota": (
        "The people who accepted already exceed the maximum of {feature}={value}: {count} > {max}."
    ),
    "accepted_share_household": "Accepted people {ids} live in the same household.",
    # Results (internal checks: a failure is a bug or a solver fault, never shown as a result)
    "check_failed": "Internal check failed: {detail}.",
    "solver_failed": "The solver failed: {detail}.",
    # Lottery
    "bad_lottery_size": "The number of panels in the lottery must be at least 1, not {panels}.",
    "bad_seed": "The seed must be a non-empty line of text without control characters.",
    "bad_list": "The panel list is not in the published format: {detail}.",
    "unknown_algorithm": 'Unknown algorithm "{algorithm}"; use one of {choices}.',
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input or a result, as a translatable message."""

    code: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(**self.params)

    def __str__(self) -> str:
        return self.message


class SortitionError(Exception):
    """Base error: carries every problem found, so the user can fix them all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a SortitionError needs at least one problem")
        self.problems = list(problems)
        super().__init__("\n".join(problem.message for problem in self.problems))


class PoolError(SortitionError):
    """The pool file cannot be imported."""


class QuotaError(SortitionError):
    """The quota file cannot be imported, or does not fit the pool."""


class InfeasibleQuotasError(QuotaError):
    """No panel of the requested size meets every quota (and the household rule)."""


class CheckFailed(SortitionError):
    """A computed result failed validation; it must not be used."""


class SolverError(SortitionError):
    """HiGHS did not return a usable answer."""


class LotteryError(SortitionError):
    """A lottery list or seed is not valid."""


def check_failed(detail: str) -> CheckFailed:
    return CheckFailed([Problem("check_failed", {"detail": detail})])


def solver_failed(detail: str) -> SolverError:
    return SolverError([Problem("solver_failed", {"detail": detail})])
