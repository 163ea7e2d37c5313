"""Members' allowances for the convention's sessions: the pure rule and the finance export."""

import csv
import io
from datetime import date

import pytest

from convention.sittings.allowances import (
    ABSENT,
    CSV_HEADER,
    EXCUSED,
    PRESENT,
    AllowanceError,
    AllowanceLine,
    allowance_cents,
    cents_from_euros,
    days_present,
    euros,
    export_csv,
    session_days,
)


def test_a_weekend_counts_two_days_and_a_single_day_one():
    assert session_days(date(2026, 3, 14), date(2026, 3, 15)) == 2
    assert session_days(date(2026, 4, 11)) == 1


def test_a_session_cannot_end_before_it_starts():
    with pytest.raises(AllowanceError):
        session_days(date(2026, 3, 15), date(2026, 3, 14))


def test_only_sessions_attended_as_present_are_paid():
    weekend, single_day = 2, 1
    days = days_present([(PRESENT, weekend), (EXCUSED, single_day), (ABSENT, 1)])

    assert days == 2
    assert allowance_cents(days, 5000) == 10000
    assert euros(10000) == "100.00"


def test_unknown_status_and_negative_allowance_are_refused():
    with pytest.raises(AllowanceError):
        days_present([("maybe", 1)])
    with pytest.raises(AllowanceError):
        allowance_cents(2, -1)


def test_the_finance_export_has_one_machine_readable_row_per_member():
    text = export_csv(
        [
            AllowanceLine(7, "Zoé Martin", "zoe@example.org", 2, 10000),
            AllowanceLine(9, "Ali, Ben", "ali@example.org", 0, 0),
        ]
    )

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(CSV_HEADER)
    assert rows[1] == ["7", "Zoé Martin", "zoe@example.org", "2", "100.00"]
    assert rows[2] == ["9", "Ali, Ben", "ali@example.org", "0", "0.00"]
    assert euros(12345) == "123.45"


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("50", 5000), ("86,50", 8650), ("12,5", 1250), ("0.99", 99), (" 1 234,56 € ", 123456)],
)
def test_an_amount_is_typed_in_euros_with_a_comma_or_a_dot(typed, cents):
    assert cents_from_euros(typed) == cents


@pytest.mark.parametrize("typed", ["-5", "12,345", "douze", "", "1e3", "١٢", "10000000"])
def test_what_is_not_an_amount_in_euros_is_refused(typed):
    with pytest.raises(AllowanceError):
        cents_from_euros(typed)
