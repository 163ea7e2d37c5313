"""The command line, exactly as documented."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DATA

from convention.sortition.__main__ import main

FOLDER = DATA / "opendlp_monitoring_100_30"


def _command(name: str, out, *extra: str) -> list[str]:
    """`name` on the published instance, for a panel of 30, writing `out`."""
    return [
        name,
        "--categories",
        str(FOLDER / "categories.csv"),
        "--respondents",
        str(FOLDER / "respondents.csv"),
        "--k",
        "30",
        "--out",
        str(out),
        *extra,
    ]


def _select(tmp_path, *extra: str) -> list[str]:
    return _command("select", tmp_path / "marginals.csv", *extra)


def test_select_writes_marginals_and_prints_a_summary(tmp_path, capsys):
    assert main(_select(tmp_path, "--algorithm", "leximin", "--seed", "4")) == 0
    lines = (tmp_path / "marginals.csv").read_text().splitlines()
    assert lines[0] == "row,probability" and len(lines) == 101
    assert lines[1].startswith("0,0.29670")
    out = capsys.readouterr().out
    assert "lowest probability: 0.296703" in out
    assert "panels in support:" in out and "time:" in out


def test_infeasible_quotas_exit_non_zero_with_the_reason(tmp_path, capsys):
    categories = tmp_path / "categories.csv"
    categories.write_text(
        (FOLDER / "categories.csv")
        .read_text()
        .replace("gender,Female,14,16", "gender,Female,51,60")
    )
    args = _select(tmp_path)
    args[2] = str(categories)
    assert main(args) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: The quota gender=Female needs at least 51 people, "
        "but only 50 volunteers have this value.",
        'error: The minimums of feature "gender" add up to 63, more than the panel size 30.',
    ]


def test_module_entry_point_runs_lottery_and_verify(tmp_path):
    run = [sys.executable, "-m", "convention.sortition"]
    lottery = subprocess.run(
        [
            *run,
            *_command(
                "lottery",
                tmp_path / "panels.csv",
                "--pseudonyms",
                str(tmp_path / "pseudonyms.csv"),
                "--panels",
                "50",
                "--algorithm",
                "maximin",
            ),
        ],
        capture_output=True,
        text=True,
    )
    assert lottery.returncode == 0, lottery.stderr
    assert "fairness loss" in lottery.stdout
    check = subprocess.run(
        [*run, "verify", str(tmp_path / "panels.csv"), "4 4 2"], capture_output=True, text=True
    )
    assert check.returncode == 0 and "chosen panel: " in check.stdout
    assert len((tmp_path / "pseudonyms.csv").read_text().splitlines()) == 101


def test_missing_file_is_a_clear_error(tmp_path, capsys):
    args = _select(tmp_path)
    args[4] = str(tmp_path / "missing.csv")
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert "cannot read" in capsys.readouterr().err


def test_command_line_starts_without_loading_the_web_app(tmp_path):
    # The web app (Flask, SQLAlchemy and every blueprint) took about 3 s to import before the
    # command line could start; the sortition package needs none of it.
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "convention.sortition",
         *_select(tmp_path, "--algorithm", "maximin")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "convention" in imported and "highspy" in imported  # the listing is complete
    assert not imported & {"flask", "flask_sqlalchemy", "sqlalchemy", "jinja2", "werkzeug"}
