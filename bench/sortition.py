"""Benchmark of the sortition algorithms.

    .venv/bin/python bench/sortition.py            # full run (the 2,000/200 pool takes minutes)
    .venv/bin/python bench/sortition.py --quick    # under a minute
    .venv/bin/python bench/sortition.py --reference [--reference-timeout 600]
    .venv/bin/python bench/sortition.py --instance 2000,200,7 --leximin-only

Times LEXIMIN and MAXIMIN and estimates LEGACY's lowest probability on the shared public
instances (../shared/sortition-data, if present) and on seeded synthetic pools. Prints a table and
ends with one line of JSON holding the figures.

`--reference` also runs the reference implementation's LEXIMIN (the GPL package
`sortition-algorithms`, with HiGHS) on the same instances in the same run, and prints a
comparison table. The package lives only in a separate venv, `bench/.venv-ref`, created on first
use; it is called in a subprocess (`bench/_reference_driver.py`) and never imported here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from convention.sortition import legacy, leximin, maximin, prepare, read_quotas, read_respondents  # noqa: E402
from convention.sortition.synthetic import synthetic, to_csv  # noqa: E402

SHARED = ROOT / ".." / "shared" / "sortition-data"
TEST_DATA = ROOT / "tests" / "sortition" / "data"
REFERENCE_VENV = ROOT / "bench" / ".venv-ref"
REFERENCE_DRIVER = ROOT / "bench" / "_reference_driver.py"
REFERENCE_PACKAGES = ("sortition-algorithms", "highspy")

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


@dataclass
class Comparison:
    """Our LEXIMIN and the reference's on one instance; reference figures are None when it
    failed or timed out (`reference_outcome` says which)."""

    instance: str
    n: int
    k: int
    features: int
    seconds: float
    reference_seconds: float | None
    cpu_seconds: float  # CPU time of each process: steadier than wall time on a shared machine
    reference_cpu_seconds: float | None
    lowest: float
    reference_lowest: float | None
    profile_difference: float | None  # largest |difference| of the sorted marginals
    reference_outcome: str  # "ok", "timeout after N s" or the reference's error


@dataclass
class Instance:
    name: str
    problem: object
    features: int
    categories: Path  # research-format files, for the reference
    respondents: Path


def shared_instances() -> list[Instance]:
    found = []
    for name, k in (("example_small_20", 20), ("opendlp_monitoring_100_30", 30)):
        folder = SHARED / name if (SHARED / name).is_dir() else TEST_DATA / name
        if (folder / "respondents.csv").is_file():
            pool = read_respondents((folder / "respondents.csv").read_bytes())
            quotas = read_quotas((folder / "categories.csv").read_bytes())
            found.append(
                Instance(name, prepare(pool, quotas, k), len(quotas.features),
                         folder / "categories.csv", folder / "respondents.csv")
            )  # fmt: skip
    return found


def synthetic_instance(n: int, k: int, features: int, seed: int, folder: Path) -> Instance:
    name = f"synthetic_{n}_{k}_f{features}_s{seed}"
    pool, quotas = synthetic(n, k, features, seed=seed)
    respondents_csv, categories_csv = to_csv(pool, quotas)
    respondents = folder / f"{name}_respondents.csv"
    categories = folder / f"{name}_categories.csv"
    respondents.write_text(respondents_csv, encoding="utf-8")
    categories.write_text(categories_csv, encoding="utf-8")
    return Instance(name, prepare(pool, quotas, k), features, categories, respondents)


def timed(solve, *args, **kwargs):
    """Run solve; returns its result, wall seconds and CPU seconds of this process (the CPU
    figure is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = solve(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure(instance: Instance, legacy_runs: int, leximin_only: bool) -> tuple[list[Row], object]:
    """Rows for LEXIMIN, MAXIMIN and LEGACY (LEXIMIN only if asked, first in any case), and the
    LEXIMIN result."""
    name, problem = instance.name, instance.problem
    greedy = None
    if not leximin_only:
        greedy, greedy_wall, greedy_cpu = timed(legacy, problem, runs=legacy_runs, seed=1)
    rows = []
    results = {}
    solvers = {"leximin": leximin} if leximin_only else {"leximin": leximin, "maximin": maximin}
    for algorithm, solve in solvers.items():
        distribution, wall, cpu = timed(solve, problem, seed=1)
        results[algorithm] = distribution
        rows.append(
            Row(name, problem.n, problem.k, problem.group_count, algorithm, round(wall, 2),
                round(cpu, 2), round(distribution.lowest, 6), distribution.support_size,
                None if greedy is None else round(greedy.lowest, 6))
        )  # fmt: skip
        print(format_row(rows[-1]), flush=True)
    if greedy is not None:
        rows.append(
            Row(name, problem.n, problem.k, problem.group_count, f"legacy x{legacy_runs}",
                round(greedy_wall, 2), round(greedy_cpu, 2), round(greedy.lowest, 6),
                greedy.support_size, None)
        )  # fmt: skip
        print(format_row(rows[-1]), flush=True)
    return rows, results["leximin"]


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


def reference_python() -> Path:
    """The benchmark venv's interpreter, creating the venv and installing the reference first if
    needed. The product never depends on it."""
    python = REFERENCE_VENV / "bin" / "python"
    if not python.is_file():
        print(f"creating {REFERENCE_VENV} with {', '.join(REFERENCE_PACKAGES)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(REFERENCE_VENV)], check=True)
    check = subprocess.run([str(python), "-c", "import sortition_algorithms, highspy"],
                           capture_output=True)  # fmt: skip
    if check.returncode != 0:
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *REFERENCE_PACKAGES], check=True
        )
    return python


def run_reference(python: Path, instance: Instance, timeout: float) -> dict:
    """The reference's LEXIMIN in its own venv: {"seconds", "marginals"} or {"error"}."""
    command = [str(python), str(REFERENCE_DRIVER), "--categories", str(instance.categories),
               "--respondents", str(instance.respondents), "--k", str(instance.problem.k),
               "--seed", "1"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}


def compare(instance: Instance, row: Row, ours, reference: dict) -> Comparison:
    problem = instance.problem
    common = dict(instance=instance.name, n=problem.n, k=problem.k, features=instance.features,
                  seconds=row.seconds, cpu_seconds=row.cpu_seconds,
                  lowest=round(float(ours.lowest), 6))  # fmt: skip
    if "error" in reference:
        return Comparison(**common, reference_seconds=None, reference_cpu_seconds=None,
                          reference_lowest=None, profile_difference=None,
                          reference_outcome=reference["error"])  # fmt: skip
    theirs = np.sort(np.asarray(reference["marginals"]))
    difference = float(np.abs(np.sort(ours.marginals) - theirs).max())
    return Comparison(**common, reference_seconds=round(reference["seconds"], 2),
                      reference_cpu_seconds=round(reference["cpu_seconds"], 2),
                      reference_lowest=round(float(theirs[0]), 6),
                      profile_difference=float(f"{difference:.3g}"),
                      reference_outcome="ok")  # fmt: skip


COMPARISON_HEADER = (
    f"{'instance':<28} {'n':>5} {'k':>4} {'feat':>4} {'ours s':>8} {'ref s':>8} "
    f"{'our lowest':>10} {'ref lowest':>10} {'profiles':>17} {'ref/ours':>8} {'cpu':>7}"
)


def format_comparison(row: Comparison) -> str:
    start = f"{row.instance:<28} {row.n:>5} {row.k:>4} {row.features:>4} {row.seconds:>8.2f} "
    if row.reference_seconds is None:
        return start + f"{'-':>8} {row.lowest:>10.6f} {'-':>10} reference: {row.reference_outcome}"
    agree = "agree" if row.profile_difference <= 1e-3 else "DIFFER"
    return start + (
        f"{row.reference_seconds:>8.2f} {row.lowest:>10.6f} {row.reference_lowest:>10.6f} "
        f"{agree:>6} ({row.profile_difference:.1e}) "
        f"{row.reference_seconds / max(row.seconds, 1e-2):>8.1f} "
        f"{row.reference_cpu_seconds / max(row.cpu_seconds, 1e-2):>7.1f}"
    )


def parse_instance(text: str) -> tuple[int, int, int, int]:
    parts = [int(part) for part in text.split(",")]
    if len(parts) == 3:
        parts.append(1)
    if len(parts) != 4:
        raise argparse.ArgumentTypeError("expected n,k,features[,seed]")
    return tuple(parts)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small instances only (under a minute)"
    )
    parser.add_argument(
        "--reference", action="store_true",
        help="also run the reference sortition-algorithms LEXIMIN (in bench/.venv-ref)",
    )  # fmt: skip
    parser.add_argument(
        "--reference-timeout", type=float, default=600, help="seconds per instance (default 600)"
    )
    parser.add_argument(
        "--instance", type=parse_instance, action="append", metavar="N,K,FEATURES[,SEED]",
        help="synthetic instances to run instead of the default list (no shared instances)",
    )  # fmt: skip
    parser.add_argument("--leximin-only", action="store_true", help="skip MAXIMIN and LEGACY")
    args = parser.parse_args()
    started = time.perf_counter()
    python = reference_python() if args.reference else None
    print(HEADER)
    rows: list[Row] = []
    comparisons: list[Comparison] = []
    legacy_runs = 300 if args.quick else 1000
    with tempfile.TemporaryDirectory(prefix="sortition-bench-") as scratch:
        instances = [] if args.instance else shared_instances()
        specs = args.instance or (QUICK_SYNTHETIC if args.quick else FULL_SYNTHETIC)
        instances += [synthetic_instance(*spec, folder=Path(scratch)) for spec in specs]
        for instance in instances:
            measured, ours = measure(instance, legacy_runs, args.leximin_only)
            rows += measured
            if python is not None:
                reference = run_reference(python, instance, args.reference_timeout)
                comparisons.append(compare(instance, measured[0], ours, reference))
                print(f"{'  reference':<28} {format_comparison(comparisons[-1])[28:]}", flush=True)
    if comparisons:
        print()
        print("LEXIMIN: ours against the reference (sortition-algorithms, HiGHS), same run")
        print(COMPARISON_HEADER)
        for comparison in comparisons:
            print(format_comparison(comparison))
    total = time.perf_counter() - started
    print(f"total time: {total:.1f} s")
    print(
        json.dumps(
            {
                "benchmark": "sortition",
                "quick": args.quick,
                "total_seconds": round(total, 1),
                "rows": [asdict(row) for row in rows],
                "reference": [asdict(comparison) for comparison in comparisons],
            }
        )
    )


if __name__ == "__main__":
    main()
