"""Importing the pool and the quotas: all-or-nothing, with a clear message for every problem."""

from __future__ import annotations

import pytest

from convention.sortition import (
    MESSAGES,
    PoolError,
    Problem,
    QuotaError,
    SelectionProblem,
    read_pool,
    read_quotas,
    read_respondents,
)

POOL = "id,name,gender,age,address\n1,Ann,female,young,1 Oak St\n2,Bob,male,old,2 Elm St\n"
QUOTAS = "feature,value,min,max\ngender,female,1,1\ngender,male,0,1\nage,young,0,1\nage,old,0,1\n"


def codes(error: pytest.ExceptionInfo) -> list[str]:
    return [problem.code for problem in error.value.problems]


def test_pool_reads_ids_features_and_households():
    pool = read_pool(POOL.encode("utf-8-sig"))  # spreadsheets add a byte-order mark
    assert pool.ids == ["1", "2"]
    assert pool.features == ("name", "gender", "age")
    assert pool.people[0].features["gender"] == "female"
    assert pool.people[0].household == "1 oak st"


def test_semicolon_separated_pool_is_read():
    pool = read_pool("id;gender\n1;female\n2;male\n")
    assert [p.features["gender"] for p in pool.people] == ["female", "male"]


def test_every_pool_problem_is_reported_at_once():
    text = "id,gender\n1,female\n1,male\n,male\n2,female,extra\n"
    with pytest.raises(PoolError) as error:
        read_pool(text)
    assert sorted(codes(error)) == ["duplicate_id", "empty_id", "wrong_cell_count"]
    messages = str(error.value)
    assert 'The id "1" appears more than once in the pool file (lines 2, 3).' in messages
    assert "Line 4 of the pool file has no id." in messages
    assert "Line 5 of the pool file has 3 cells, the header has 2." in messages


def test_missing_id_column_is_named():
    with pytest.raises(PoolError) as error:
        read_pool("name,gender\nAnn,female\n")
    assert error.value.problems == [Problem("missing_column", {"file": "pool", "column": "id"})]
    assert error.value.problems[0].message == 'The pool file has no column "id".'


def test_bad_encoding_gives_the_line():
    data = b"id,gender\n1,female\n" + "2,m\u00e4nnlich\n".encode("latin-1")
    with pytest.raises(PoolError) as error:
        read_pool(data)
    assert codes(error) == ["bad_encoding"]
    assert "line 3" in str(error.value) and "UTF-8" in str(error.value)


def test_empty_files_are_rejected():
    with pytest.raises(PoolError, match="The pool file is empty."):
        read_pool(b"\n\n")
    with pytest.raises(QuotaError, match="The quota file is empty."):
        read_quotas(b"")


def test_quotas_in_both_formats():
    ours = read_quotas(QUOTAS)
    research = read_quotas("category,feature,min,max\ngender,female,1,1\n")
    assert ours.get("gender", "female").min == 1
    assert research.quotas[0].feature == "gender" and research.quotas[0].value == "female"
    assert ours.features == ["gender", "age"]


def test_quota_target_accepts_shares_and_percentages():
    quotas = read_quotas("feature,value,min,max,target\ng,a,1,2,51%\ng,b,0,2,0.49\n")
    assert [q.target for q in quotas] == [pytest.approx(0.51), pytest.approx(0.49)]


def test_every_quota_problem_is_reported_at_once():
    text = "feature,value,min,max,target\ng,a,x,2,\ng,b,3,1,\ng,b,0,1,\ng,c,-1,1,\ng,d,0,1,150%\n"
    with pytest.raises(QuotaError) as error:
        read_quotas(text)
    assert sorted(codes(error)) == sorted(
        ["bad_number", "min_above_max", "negative_number", "bad_target", "duplicate_quota"]
    )
    assert 'Line 2 of the quota file: "x" in column min is not a whole number.' in str(error.value)
    assert "The quota g=b has a minimum 3 above its maximum 1." in str(error.value)
    assert "The quota g=b appears more than once (lines 3, 4)." in str(error.value)


def test_quota_file_missing_columns():
    with pytest.raises(QuotaError) as error:
        read_quotas("feature,value,min\ng,a,1\n")
    assert error.value.problems == [Problem("missing_column", {"file": "quota", "column": "max"})]


def test_quotas_must_match_the_pool():
    pool = read_respondents("gender,age\nfemale,young\nmale,old\nother,old\n")
    quotas = read_quotas(
        "category,feature,min,max\ngender,female,0,1\ngender,male,0,1\nregion,north,0,1\n"
    )
    with pytest.raises(QuotaError) as error:
        SelectionProblem.build(pool, quotas, 1)
    assert codes(error) == ["unknown_value", "feature_not_in_pool"]
    assert '1 volunteer(s) have gender="other" (ids 2)' in str(error.value)
    assert 'The quotas use the feature "region", but the pool file has no such column.' in str(
        error.value
    )


def test_every_message_formats_with_its_named_placeholders():
    for code, template in MESSAGES.items():
        names = [part.split("}")[0] for part in template.split("{")[1:]]
        message = Problem(code, {name: f"<{name}>" for name in names}).message
        assert "{" not in message, code
