"""Members' allowances for attending the convention's sessions (issue 16), as a pure core.

The rule: a member is paid the convention's daily allowance for every day of a session they
attended as present; a session held over N days (a weekend) counts N days. Excused and absent
count nothing. Amounts are integer cents so no rounding ever happens; the export for the finance
department is a plain machine-readable CSV (UTF-8, comma-separated, amounts in euros with a dot:
``123.45``) so a spreadsheet or an accounting import reads it without guessing.

No Flask, no SQLAlchemy: the web app passes plain values in, and anyone can check a result.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

PRESENT = "present"
EXCUSED = "excused"
ABSENT = "absent"
ATTENDANCE_STATUSES = (PRESENT, EXCUSED, ABSENT)

CSV_HEADER = ("member_id", "name", "email", "days_present", "amount_eur")


class AllowanceError(ValueError):
    """A value the allowance rule refuses: negative amount, end before start, unknown status."""


def session_days(starts_on: date, ends_on: date | None = None) -> int:
    """Days a session lasts, both ends included: a one-day session counts 1, a weekend 2."""
    last = ends_on or starts_on
    if last < starts_on:
        raise AllowanceError("a session cannot end before it starts")
    return (last - starts_on).days + 1


def days_present(attendances: Iterable[tuple[str, int]]) -> int:
    """Days paid for (status, session_days) pairs: only sessions attended as present count."""
    total = 0
    for status, days in attendances:
        if status not in ATTENDANCE_STATUSES:
            raise AllowanceError(f"unknown attendance status {status!r}")
        if status == PRESENT:
            total += days
    return total


def allowance_cents(days: int, daily_cents: int) -> int:
    """The amount due: days present times the daily allowance, both non-negative."""
    if days < 0 or daily_cents < 0:
        raise AllowanceError("days and daily allowance must not be negative")
    return days * daily_cents


#: An amount as people type it: whole euros (fewer than ten million: the column is a 32-bit
#: count of cents), then at most two decimals after a comma or a dot.
_TYPED_AMOUNT = re.compile(r"([0-9]{1,7})(?:[.,]([0-9]{1,2}))?")


def cents_from_euros(typed: str) -> int:
    """An amount typed in euros, as integer cents: ``50`` → 5000, ``12,5`` → 1250,
    ``1 234,56 €`` → 123456 (spaces and a trailing euro sign are ignored, the decimal mark may
    be a comma or a dot). Refuses negative amounts, more than two decimals and anything else."""
    text = re.sub(r"[\s\u00a0\u202f]", "", typed).removesuffix("€")
    found = _TYPED_AMOUNT.fullmatch(text)
    if found is None:
        raise AllowanceError(f"not an amount in euros: {typed!r}")
    whole, decimals = found.group(1), (found.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(decimals)


def euros(cents: int) -> str:
    """Cents as a machine-readable euro amount: 12345 → ``123.45``."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


@dataclass(frozen=True)
class AllowanceLine:
    """One member's line in the finance export."""

    member_id: int
    name: str
    email: str
    days_present: int
    amount_cents: int


def export_csv(lines: Iterable[AllowanceLine]) -> str:
    """The finance department's CSV: a header, then one row per member in the order given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in lines:
        writer.writerow(
            (line.member_id, line.name, line.email, line.days_present, euros(line.amount_cents))
        )
    return out.getvalue()
