"""Fair selection of citizens' assemblies (sortition) for Convention.

Pure Python over numpy and HiGHS (highspy); no web framework. Typical use by the web app:

    pool = read_pool(pool_csv_bytes)                # PoolError with .problems
    quotas = read_quotas(quota_csv_bytes)           # QuotaError with .problems
    problem = prepare(pool, quotas, k)              # QuotaError / InfeasibleQuotasError
    distribution = run(problem, "leximin", seed=1, on_progress=callback)
    report = build_report(distribution, legacy=run(problem, "legacy", seed=1))
    lottery = build_lottery(distribution, panels=1000)
    published = lottery.to_bytes()                  # the canonical list to publish
    outcome = draw(published, seed_typed_in_public) # outcome.index, outcome.members
    verify("panels.csv", "3 6 1 4 2")               # anyone can repeat the draw

See README.md in this folder for the file formats, the rounding method and the draw.
"""

from .distribution import Distribution
from .feasibility import check_feasible, prepare
from .legacy import legacy
from .leximin import leximin, maximin
from .lottery import (
    DEFAULT_PANELS,
    Draw,
    Lottery,
    build_lottery,
    canonical_bytes,
    draw,
    parse_list,
    verify,
)
from .pool import Person, Pool, read_pool, read_respondents
from .problem import SelectionProblem
from .problems import (
    MESSAGES,
    CheckFailed,
    InfeasibleQuotasError,
    LotteryError,
    PoolError,
    Problem,
    QuotaError,
    SolverError,
    SortitionError,
)
from .quotas import Quota, Quotas, read_quotas
from .report import Report, build_report, gini
from .selection import ALGORITHMS, Replacement, replacement, run, select

__all__ = [
    "ALGORITHMS",
    "DEFAULT_PANELS",
    "MESSAGES",
    "CheckFailed",
    "Distribution",
    "Draw",
    "InfeasibleQuotasError",
    "Lottery",
    "LotteryError",
    "Person",
    "Pool",
    "PoolError",
    "Problem",
    "Quota",
    "QuotaError",
    "Quotas",
    "Replacement",
    "Report",
    "SelectionProblem",
    "SolverError",
    "SortitionError",
    "build_lottery",
    "build_report",
    "canonical_bytes",
    "check_feasible",
    "draw",
    "gini",
    "legacy",
    "leximin",
    "maximin",
    "parse_list",
    "prepare",
    "read_pool",
    "read_quotas",
    "read_respondents",
    "replacement",
    "run",
    "select",
    "verify",
]
