"""Run the reference `sortition-algorithms` LEXIMIN on one instance; benchmark only.

    bench/.venv-ref/bin/python bench/_reference_driver.py --categories C.csv \
        --respondents R.csv --k K [--seed N] [--lp ipm|simplex]

Runs in the benchmark's own venv (`bench/.venv-ref`, made by `bench/sortition.py --reference`),
never in the product's: the reference package is GPL and is only called here, never imported by
Convention nor copied into it. Prints one line of JSON: seconds, each row's selection probability,
the number of panels, or the error.

The reference's LEXIMIN solves its LPs with Gurobi (`gurobipy`), a commercial solver; only its
panel search can use HiGHS. To run it with HiGHS alone, this script puts a small stand-in for
the part of gurobipy it calls (models with continuous variables, linear constraints, an
objective, `optimize`, `status`, `objVal`, `Var.x`) in `sys.modules` before importing it. The
reference asks Gurobi for its barrier method without crossover (an interior solution, which lets
it fix more people per level); the stand-in maps that to HiGHS's interior point method without
crossover, unless `--lp simplex`; when that stops short of optimality, the LP is solved again
with crossover.
"""

from __future__ import annotations

import argparse
import csv
import importlib.machinery
import json
import sys
import time
import types

import highspy
import numpy as np

INF = highspy.kHighsInf


class LinearExpression:
    """sum(coefficient * variable) + constant, over the variables of one model."""

    def __init__(self, terms: dict[int, float] | None = None, constant: float = 0.0) -> None:
        self.terms = terms or {}
        self.constant = constant

    @staticmethod
    def of(value) -> LinearExpression:
        if isinstance(value, LinearExpression):
            return value
        if isinstance(value, Variable):
            return LinearExpression({value.index: 1.0})
        return LinearExpression({}, float(value))

    def _combine(self, other, sign: float) -> LinearExpression:
        other = LinearExpression.of(other)
        terms = dict(self.terms)
        for index, coefficient in other.terms.items():
            terms[index] = terms.get(index, 0.0) + sign * coefficient
        return LinearExpression(terms, self.constant + sign * other.constant)

    def __add__(self, other):
        return self._combine(other, 1.0)

    __radd__ = __add__

    def __sub__(self, other):
        return self._combine(other, -1.0)

    def __rsub__(self, other):
        return LinearExpression.of(other)._combine(self, -1.0)

    def __mul__(self, factor: float):
        factor = float(factor)
        return LinearExpression(
            {i: c * factor for i, c in self.terms.items()}, self.constant * factor
        )

    __rmul__ = __mul__

    def __le__(self, other):
        return Constraint(self - other, -INF, 0.0)

    def __ge__(self, other):
        return Constraint(self - other, 0.0, INF)

    def __eq__(self, other):  # type: ignore[override]
        return Constraint(self - other, 0.0, 0.0)


class Variable:
    def __init__(self, model: Model, index: int) -> None:
        self.model = model
        self.index = index

    @property
    def x(self) -> float:
        return float(self.model.values[self.index])

    def _expression(self) -> LinearExpression:
        return LinearExpression.of(self)

    def __add__(self, other):
        return self._expression() + other

    __radd__ = __add__

    def __sub__(self, other):
        return self._expression() - other

    def __rsub__(self, other):
        return LinearExpression.of(other) - self._expression()

    def __mul__(self, factor):
        return self._expression() * factor

    __rmul__ = __mul__

    def __le__(self, other):
        return self._expression() <= other

    def __ge__(self, other):
        return self._expression() >= other

    def __eq__(self, other):  # type: ignore[override]
        return self._expression() == other

    __hash__ = object.__hash__


class Constraint:
    def __init__(self, expression: LinearExpression, lower: float, upper: float) -> None:
        self.expression, self.lower, self.upper = expression, lower, upper


class GRB:
    OPTIMAL = 2
    NOT_OPTIMAL = 13  # any other outcome
    CONTINUOUS = "C"
    MINIMIZE = 1
    MAXIMIZE = -1


class Model:
    """The subset of gurobipy.Model the reference's LEXIMIN uses, over one HiGHS instance."""

    lp_method = "ipm"
    seed = 0

    def __init__(self) -> None:
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("random_seed", Model.seed)
        self.highs.setOptionValue("solver", Model.lp_method)
        self.columns = 0
        self.crossover_off = False
        self.crossover_runs = 0
        self.values = np.zeros(0)
        self.status = None
        self.objVal = None

    def setParam(self, name: str, value) -> None:
        # "Method" 2 (barrier) and "Crossover" 0 are honoured through `lp_method`.
        if Model.lp_method == "ipm" and name == "Crossover" and value == 0:
            self.highs.setOptionValue("run_crossover", "off")
            self.crossover_off = True

    def addVar(self, vtype=GRB.CONTINUOUS, lb: float = 0.0, ub: float = INF) -> Variable:
        self.highs.addCol(0.0, lb, ub, 0, np.array([], dtype=np.int32), np.array([]))
        self.columns += 1
        return Variable(self, self.columns - 1)

    def addConstr(self, constraint: Constraint) -> None:
        expression = constraint.expression
        items = [(i, c) for i, c in expression.terms.items() if c != 0.0]
        index = np.array([i for i, _ in items], dtype=np.int32)
        value = np.array([c for _, c in items], dtype=np.float64)
        self.highs.addRow(
            constraint.lower - expression.constant,
            constraint.upper - expression.constant,
            len(items),
            index,
            value,
        )

    def setObjective(self, expression, sense) -> None:
        expression = LinearExpression.of(expression)
        cost = np.zeros(self.columns)
        for i, c in expression.terms.items():
            cost[i] = c
        self.highs.changeColsCost(self.columns, np.arange(self.columns, dtype=np.int32), cost)
        self.highs.changeObjectiveOffset(expression.constant)
        self.highs.changeObjectiveSense(
            highspy.ObjSense.kMinimize if sense == GRB.MINIMIZE else highspy.ObjSense.kMaximize
        )

    def optimize(self) -> None:
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal and self.crossover_off:
            # HiGHS's interior point method without crossover sometimes stops short of its
            # optimality tolerances (status "unknown"). Its point is then not optimal, and taking
            # it as optimal makes the reference fix probabilities at wrong levels; Gurobi would
            # say "suboptimal" and the reference would lower every fixed probability by 1e-4.
            # To give the reference its best chance, solve again with crossover.
            self.highs.setOptionValue("run_crossover", "on")
            self.highs.run()
            self.highs.setOptionValue("run_crossover", "off")
            status = self.highs.getModelStatus()
            self.crossover_runs += 1
        optimal = status == highspy.HighsModelStatus.kOptimal
        self.status = GRB.OPTIMAL if optimal else GRB.NOT_OPTIMAL
        self.values = np.asarray(self.highs.getSolution().col_value)
        self.objVal = self.highs.getInfo().objective_function_value


def quicksum(items) -> LinearExpression:
    terms: dict[int, float] = {}
    constant = 0.0
    for item in items:
        item = LinearExpression.of(item)
        for index, coefficient in item.terms.items():
            terms[index] = terms.get(index, 0.0) + coefficient
        constant += item.constant
    return LinearExpression(terms, constant)


def install_gurobipy_stand_in() -> None:
    module = types.ModuleType("gurobipy")
    module.__spec__ = importlib.machinery.ModuleSpec("gurobipy", None)
    module.Model, module.GRB, module.quicksum = Model, GRB, quicksum
    module.setParam = lambda name, value: None
    sys.modules["gurobipy"] = module


def read_rows(path: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--categories", required=True, help="category,feature,min,max")
    parser.add_argument("--respondents", required=True, help="one column per category")
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lp", choices=("ipm", "simplex"), default="ipm")
    args = parser.parse_args()
    Model.lp_method, Model.seed = args.lp, args.seed
    install_gurobipy_stand_in()

    from sortition_algorithms import Settings, read_in_features, read_in_people
    from sortition_algorithms.committee_generation.leximin import find_distribution_leximin
    from sortition_algorithms.utils import set_random_provider

    set_random_provider(args.seed)
    # Our research format names the feature "category" and its value "feature"; the reference
    # would read the "feature" column as the feature's name, so rename.
    _, quota_rows = read_rows(args.categories)
    features, _, _ = read_in_features(
        ["feature", "value", "min", "max"],
        [
            {"feature": r["category"], "value": r["feature"], "min": r["min"], "max": r["max"]}
            for r in quota_rows
        ],
        args.k,
    )
    head, people_rows = read_rows(args.respondents)
    settings = Settings(id_column="id", columns_to_keep=[])
    people, _ = read_in_people(
        ["id", *head],
        [{"id": str(row), **person} for row, person in enumerate(people_rows)],
        features,
        settings,
    )
    started, cpu = time.perf_counter(), time.process_time()
    try:
        committees, probabilities, _ = find_distribution_leximin(
            features, people, args.k, [], solver_backend="highspy"
        )
    except Exception as error:  # the bench reports whatever the reference raised
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        return 1
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    marginals = np.zeros(len(people_rows))
    for committee, probability in zip(committees, probabilities, strict=True):
        for person in committee:
            marginals[int(person)] += probability
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu, 3),
                "panels": len(committees),
                "marginals": [round(float(p), 9) for p in marginals],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
