"""Command line: python -m convention.sortition {select,lottery,verify} ...

    select  --algorithm leximin|maximin|legacy --categories C.csv --respondents R.csv --k K
            --out marginals.csv [--seed N]
    lottery --categories C.csv --respondents R.csv --k K --out panels.csv
            --pseudonyms pseudonyms.csv [--panels 1000] [--algorithm leximin] [--seed N]
    verify  LIST SEED

Inputs use the research format (see README.md). Exit status: 0 on success, 2 on bad input or
infeasible quotas (with every problem printed), 1 on an internal failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .feasibility import prepare
from .lottery import DEFAULT_PANELS, build_lottery, verify
from .pool import read_respondents
from .problems import CheckFailed, SolverError, SortitionError
from .quotas import read_quotas
from .selection import ALGORITHMS, run


def _load(args: argparse.Namespace):
    pool = read_respondents(_read(args.respondents))
    quotas = read_quotas(_read(args.categories))
    return prepare(pool, quotas, args.k)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SystemExit(_fail(f"cannot read {path}: {error.strerror}")) from None


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def select_command(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    problem = _load(args)
    distribution = run(problem, args.algorithm, seed=args.seed)
    lines = ["row,probability"] + [
        f"{row},{p:.10f}" for row, p in enumerate(distribution.marginals)
    ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"algorithm: {args.algorithm}")
    print(f"lowest probability: {distribution.lowest:.6f}")
    print(f"panels in support: {distribution.support_size}")
    print(f"time: {time.perf_counter() - started:.2f} s")
    return 0


def lottery_command(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    problem = _load(args)
    distribution = run(problem, args.algorithm, seed=args.seed)
    lottery = build_lottery(distribution, panels=args.panels, seed=args.seed)
    Path(args.out).write_bytes(lottery.to_bytes())
    rows = ["row,pseudonym"] + [f"{person},{p}" for person, p in lottery.pseudonyms.items()]
    Path(args.pseudonyms).write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"panels: {lottery.size}")
    print(
        f"lowest probability: distribution {distribution.lowest:.6f}, lottery {lottery.lowest:.6f}"
    )
    print(f"fairness loss (largest change of a probability): {lottery.fairness_loss:.6f}")
    print(f"time: {time.perf_counter() - started:.2f} s")
    return 0


def verify_command(args: argparse.Namespace) -> int:
    try:
        outcome = verify(args.list, args.seed)
    except OSError as error:
        return _fail(f"cannot read {args.list}: {error.strerror}")
    print(f"list: {args.list} (SHA-256 {outcome.list_sha256}, {outcome.panels} panels)")
    print(f"seed: {outcome.seed!r}")
    print(f"chosen panel: {outcome.index}")
    print("members: " + " ".join(outcome.members))
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m convention.sortition", description=__doc__.split("\n")[0]
    )
    commands = main.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("select", "selection probabilities"),
        ("lottery", "build the lottery list"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
        command.add_argument("--categories", required=True, help="category,feature,min,max")
        command.add_argument("--respondents", required=True, help="one column per category")
        command.add_argument("--k", type=int, required=True, help="panel size")
        command.add_argument("--out", required=True)
        command.add_argument("--seed", type=int, default=0)
    commands.choices["lottery"].add_argument("--panels", type=int, default=DEFAULT_PANELS)
    commands.choices["lottery"].add_argument(
        "--pseudonyms", required=True, help="where to write row,pseudonym (keep private)"
    )
    check = commands.add_parser("verify", help="repeat a public draw from the published list")
    check.add_argument("list")
    check.add_argument("seed")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = {"select": select_command, "lottery": lottery_command, "verify": verify_command}[
        args.command
    ]
    try:
        return command(args)
    except (CheckFailed, SolverError) as error:
        print(f"internal error: {error}", file=sys.stderr)
        return 1
    except SortitionError as error:
        for problem in error.problems:
            print(f"error: {problem.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
