"""Benchmark of the sortition algorithms.

    .venv/bin/python bench/sortition.py            # full run (the 2,000/200 pool takes minutes)
    .venv/bin/python bench/sortition.py --quick    # under a minute

Times LEXIMIN and MAXIMIN and estimates LEGACY's lowest probability on the shared public
instances (../shared/sortition-data, if present) and on seeded synthetic pools. Prints a table and
ends with one line of JSON holding the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from convention.sortition import legacy, leximin, maximin, prepare, read_quotas, read_respondents  # noqa: E402
from convention.sortition.synthetic import synthetic  # noqa: E402

SHARED = ROOT / ".." / "shared" / "sortition-data"
TEST_DATA = ROOT / "tests" / "sortition" / "data"

# (n, k, features, seed); the number of groups of interchangeable volunteers drives the time.
QUICK_SYNTHETIC = [(200, 20, 4, 1), (500, 40, 4, 1), (2000, 200, 4, 1)]
FULL_SYNTHETIC = [
    (500, 40, 5, 1),
    (500, 40, 6, 1),
    (1000, 100, 5, 1),
    (2000, 200, 4, 1),
    (2000, 200, 5, 1),
    (2000, 200, 6, 1),  # 592 groups: a few minutes
]


@dataclass
class Row:
    instance: str
    n: int
    k: int
    groups: int
    algorithm: str
    seconds: float
    cpu_seconds: float
    lowest: float
    support: int
    legacy_lowest: float | None


def shared_instances() -> list[tuple[str, object]]:
    found = []
    for name, k in (("example_small_20", 20), ("opendlp_monitoring_100_30", 30)):
        folder = SHARED / name if (SHARED / name).is_dir() else TEST_DATA / name
        if (folder / "respondents.csv").is_file():
            pool = read_respondents((folder / "respondents.csv").read_bytes())
            quotas = read_quotas((folder / "categories.csv").read_bytes())
            found.append((name, prepare(pool, quotas, k)))
    return found


def timed(solve, *args, **kwargs):
    """Run solve; returns its result, wall seconds and CPU seconds of this process (the CPU
    figure is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = solve(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure(name: str, problem, legacy_runs: int) -> list[Row]:
    greedy, greedy_wall, greedy_cpu = timed(legacy, problem, runs=legacy_runs, seed=1)
    rows = []
    for algorithm, solve in (("leximin", leximin), ("maximin", maximin)):
        distribution, wall, cpu = timed(solve, problem, seed=1)
        rows.append(
            Row(name, problem.n, problem.k, problem.group_count, algorithm, round(wall, 2),
                round(cpu, 2), round(distribution.lowest, 6), distribution.support_size,
                round(greedy.lowest, 6))
        )  # fmt: skip
        print(format_row(rows[-1]), flush=True)
    rows.append(
        Row(name, problem.n, problem.k, problem.group_count, f"legacy x{legacy_runs}",
            round(greedy_wall, 2), round(greedy_cpu, 2), round(greedy.lowest, 6),
            greedy.support_size, None)
    )  # fmt: skip
    print(format_row(rows[-1]), flush=True)
    return rows


HEADER = (
    f"{'instance':<28} {'n':>5} {'k':>4} {'groups':>6} {'algorithm':<12} {'time s':>8} "
    f"{'cpu s':>8} "
    f"{'lowest':>9} {'support':>7} {'legacy lowest':>13}"
)


def format_row(row: Row) -> str:
    legacy_lowest = "" if row.legacy_lowest is None else f"{row.legacy_lowest:.4f}"
    return (
        f"{row.instance:<28} {row.n:>5} {row.k:>4} {row.groups:>6} {row.algorithm:<12} "
        f"{row.seconds:>8.2f} {row.cpu_seconds:>8.2f} {row.lowest:>9.4f} {row.support:>7} "
        f"{legacy_lowest:>13}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small instances only (under a minute)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    print(HEADER)
    rows: list[Row] = []
    legacy_runs = 300 if args.quick else 1000
    for name, problem in shared_instances():
        rows += measure(name, problem, legacy_runs)
    for n, k, features, seed in QUICK_SYNTHETIC if args.quick else FULL_SYNTHETIC:
        pool, quotas = synthetic(n, k, features, seed=seed)
        rows += measure(
            f"synthetic_{n}_{k}_f{features}_s{seed}",
            prepare(pool, quotas, k),
            legacy_runs,
        )
    total = time.perf_counter() - started
    print(f"total time: {total:.1f} s")
    print(
        json.dumps(
            {
                "benchmark": "sortition",
                "quick": args.quick,
                "total_seconds": round(total, 1),
                "rows": [asdict(row) for row in rows],
            }
        )
    )


if __name__ == "__main__":
    main()
