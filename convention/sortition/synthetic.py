"""Seeded synthetic pools with tight quotas, for tests and the benchmark.

A pool is drawn the way real ones arise: a population with a share for each feature value, and
volunteers who self-select unevenly. A hidden "eagerness" of each person shifts several features
at once, so features are correlated and some combinations are rare in the pool, which is what
makes fair selection hard. Quotas follow the population shares with a small slack.
"""

from __future__ import annotations

import numpy as np

from .feasibility import conflict_problems, simple_problems
from .pool import Person, Pool, household_key
from .problem import SelectionProblem
from .quotas import Quota, Quotas

FEATURE_NAMES = (
    "gender",
    "age",
    "region",
    "education",
    "ethnicity",
    "income",
    "housing",
    "urbanity",
)


def synthetic(
    n: int,
    k: int,
    features: int,
    *,
    seed: int = 0,
    slack: float = 0.1,
    shared_households: float = 0.0,
) -> tuple[Pool, Quotas]:
    """A pool of n volunteers with `features` features (2 to 8) and quotas for a panel of k that
    some panel satisfies. `slack` is the relative width of each quota around the population
    target; it is widened step by step if the quotas turn out infeasible. A share
    `shared_households` of the volunteers live in two-person households (address column)."""
    if not 1 <= features <= len(FEATURE_NAMES):
        raise ValueError(f"features must be 1..{len(FEATURE_NAMES)}")
    rng = np.random.default_rng(seed)
    eagerness = rng.normal(size=n)
    columns: dict[str, np.ndarray] = {}
    shares: dict[str, np.ndarray] = {}
    for name in FEATURE_NAMES[:features]:
        values = 2 if name == "gender" else int(rng.integers(3, 6))
        population = rng.dirichlet(np.full(values, 4.0))
        self_selection = rng.normal(scale=0.6, size=values)
        logits = np.log(population)[None, :] + np.outer(eagerness, self_selection)
        chances = np.exp(logits - logits.max(axis=1, keepdims=True))
        chances /= chances.sum(axis=1, keepdims=True)
        cumulative = chances.cumsum(axis=1)
        columns[name] = (rng.random(n)[:, None] > cumulative).sum(axis=1).clip(0, values - 1)
        shares[name] = population
    addresses = [f"{i} Main Street" for i in range(n)]
    for i in range(0, int(n * shared_households) - 1, 2):
        addresses[i + 1] = addresses[i]
    people = tuple(
        Person(
            f"v{i:05d}",
            {name: f"{name}_{column[i] + 1}" for name, column in columns.items()},
            household_key(addresses[i]) if shared_households else None,
        )
        for i in range(n)
    )
    pool = Pool(people, tuple(columns))
    while True:
        quotas = _quotas(pool, columns, shares, k, slack)
        problem = SelectionProblem.build(pool, quotas, k)
        if not simple_problems(problem) and not conflict_problems(problem):
            return pool, quotas
        slack = slack * 1.5 + 0.02


def _quotas(
    pool: Pool, columns: dict[str, np.ndarray], shares: dict[str, np.ndarray], k: int, slack: float
) -> Quotas:
    quotas = []
    for name, column in columns.items():
        in_pool = np.bincount(column, minlength=len(shares[name]))
        for value, share in enumerate(shares[name]):
            if in_pool[value] == 0:
                continue
            target = share * k
            low = min(int(np.floor(target * (1 - slack))), int(in_pool[value]))
            high = max(int(np.ceil(target * (1 + slack))), low)
            quotas.append(Quota(name, f"{name}_{value + 1}", low, high, round(float(share), 4)))
    return Quotas(tuple(quotas))


def to_csv(pool: Pool, quotas: Quotas) -> tuple[str, str]:
    """The pool and quotas in the research format (`respondents.csv`, `categories.csv`)."""
    respondents = [",".join(pool.features)]
    respondents += [",".join(p.features[f] for f in pool.features) for p in pool.people]
    categories = ["category,feature,min,max"]
    categories += [f"{q.feature},{q.value},{q.min},{q.max}" for q in quotas]
    return "\n".join(respondents) + "\n", "\n".join(categories) + "\n"
