"""The transparent lottery: rounding to M panels, the published list, the public draw."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import convention.sortition.standalone_verify as standalone
from convention.sortition import (
    LotteryError,
    build_lottery,
    canonical_bytes,
    draw,
    leximin,
    parse_list,
    verify,
)

SCRIPT = Path(standalone.__file__)


@cache
def _lottery(problem):
    distribution = leximin(problem)
    return distribution, build_lottery(distribution, panels=1000, seed=5)


def test_lottery_panels_are_valid_and_close_to_the_distribution(opendlp):
    distribution, lottery = _lottery(opendlp)
    assert lottery.size == 1000
    person = {p: i for i, p in enumerate(opendlp.pool.ids)}
    for panel in lottery.panels:
        assert opendlp.panel_faults([person[i] for i in lottery.ids(panel)]) == []
    # Each probability is a multiple of 1/M; rounding moves none by more than 3/M here.
    assert lottery.fairness_loss <= 3 / 1000
    assert lottery.lowest >= distribution.lowest - 3 / 1000
    assert sum(lottery.probabilities.values()) == pytest.approx(30)


def test_published_list_is_canonical_and_round_trips(opendlp):
    _, lottery = _lottery(opendlp)
    data = lottery.to_bytes()
    lines = data.decode().split("\n")
    assert lines[0] == "panel," + ",".join(f"member_{i}" for i in range(1, 31))
    assert lines[1].startswith("0,") and lines[-1] == ""
    assert parse_list(data) == lottery.panels
    assert canonical_bytes(list(reversed(lottery.panels))) == data


def test_seed_picks_the_panel_by_sha256(opendlp, tmp_path):
    _, lottery = _lottery(opendlp)
    data = lottery.to_bytes()
    expected = int.from_bytes(hashlib.sha256(data + b"31415").digest(), "big") % 1000
    outcome = lottery.draw("  31415 \n")  # surrounding white space is ignored
    assert outcome.index == expected and outcome.members == lottery.panels[expected]
    path = tmp_path / "panels.csv"
    path.write_bytes(data)
    assert verify(path, "31415") == outcome
    assert verify(path, "31416").index != expected or verify(path, "27182").index != expected


def test_standalone_script_needs_only_the_standard_library(opendlp, tmp_path):
    _, lottery = _lottery(opendlp)
    path = tmp_path / "panels.csv"
    path.write_bytes(lottery.to_bytes())
    # -I -S: no site-packages at all, so numpy, highspy and this package are unavailable.
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(SCRIPT), str(path), "6 2 4 1"],
        capture_output=True,
        text=True,
        check=True,
    )
    outcome = draw(lottery.to_bytes(), "6 2 4 1")
    assert f"chosen panel: {outcome.index}" in result.stdout
    assert "members: " + " ".join(outcome.members) in result.stdout


def test_standalone_script_rejects_a_tampered_list(opendlp, tmp_path):
    _, lottery = _lottery(opendlp)
    path = tmp_path / "panels.csv"
    path.write_bytes(lottery.to_bytes().replace(b"\n", b"\r\n"))
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(SCRIPT), str(path), "1"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "line feed" in result.stderr


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"panel,member_1\n0,b\n1,a\n", "ascending order of their member lists"),
        (b"panel,member_1,member_2\n0,b,a\n", "distinct valid pseudonyms in ascending order"),
        (b"panel,member_1\n1,a\n", "line 2 must be panel 0"),
        (b"panel,member_1\n0,a", "single line feed"),
        (b"panels,member_1\n0,a\n", "first line"),
        (b"panel,member_1\n0,\xff\n", "UTF-8"),
    ],
)
def test_lists_not_in_the_published_format_are_rejected(data, reason):
    with pytest.raises(LotteryError, match=reason):
        draw(data, "1")


@pytest.mark.parametrize("seed", ["", "   ", "12\n34", "a\tb"])
def test_empty_or_control_character_seeds_are_rejected(seed):
    with pytest.raises(LotteryError, match="seed"):
        draw(b"panel,member_1\n0,a\n", seed)


def test_people_of_a_group_share_its_seats_evenly(opendlp):
    distribution, lottery = _lottery(opendlp)
    counts = np.array([lottery.probabilities[i] for i in opendlp.pool.ids]) * 1000
    for group in opendlp.groups:
        assert counts[group].max() - counts[group].min() <= 1
