"""Optimizer overhead: microseconds per evaluation spent outside the objective.

``python benchmarks/perf/optimizers.py [--evals N] [--repeats R] [--json]``

Every algorithm minimises the same trivial objective, f(x) = sum(x) on
[-100, 100]^30, with a population of 50, for the same number of evaluations.
The objective's own time is measured around each call and subtracted from
the run's wall time; what remains, per evaluation, is the algorithm's
bookkeeping (for optibench: the ask / tell loop of ``optibench.minimize``,
including its best-so-far tracking). Each figure is the best of ``R``
repeats, after a short untimed run of each case (imports, compilation). Compared in the same run:

* optibench ``eo`` and ``wso`` (vectorised over the population);
* mealpy ``OriginalEO`` and ``OriginalWarSO`` (objective called per agent);
* pymoo ``GA`` and ``DE`` run by pymoo's own ``minimize`` on a vectorised
  pymoo ``Problem``, and the same two through optibench's adapter.

Needs mealpy (``pip install mealpy``; its metadata pins numpy<=1.26, so
``pip install --no-deps mealpy opfunu`` keeps a newer numpy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from importlib import metadata

import numpy as np

from optibench import get_algorithm, minimize
from optibench.problem import Evaluation, Problem
from optibench.variables import Real, VariableSpace

DIM, POP, LOW, HIGH = 30, 50, -100.0, 100.0
TARGET_US = 3.0
"""Overhead target for optibench's EO and WSO (microseconds per evaluation)."""


class Clock:
    """Accumulates the time spent inside the objective (s) and counts evaluations."""

    def __init__(self):
        self.inside = 0.0
        self.evals = 0

    def vectorised(self, X: np.ndarray) -> np.ndarray:
        start = time.perf_counter()
        f = X.sum(axis=1)
        self.inside += time.perf_counter() - start
        self.evals += len(X)
        return f

    def single(self, x: np.ndarray) -> float:
        start = time.perf_counter()
        f = float(x.sum())
        self.inside += time.perf_counter() - start
        self.evals += 1
        return f


class TrivialProblem(Problem):
    """sum(x) on [-100, 100]^30; ``clock`` times each population's evaluation."""

    def __init__(self, clock: Clock):
        super().__init__(VariableSpace([Real(f"x{i + 1}", LOW, HIGH) for i in range(DIM)]))
        self.clock = clock

    def evaluate(self, X):
        start = time.perf_counter()
        result = super().evaluate(X)
        self.clock.inside += time.perf_counter() - start
        self.clock.evals += len(result.F)
        return result

    def _evaluate(self, Z):
        return Evaluation(F=Z.sum(axis=1)[:, None], G=np.empty((len(Z), 0)))


def optibench_run(name: str, evals: int, clock: Clock) -> None:
    minimize(TrivialProblem(clock), get_algorithm(name, pop_size=POP), max_evals=evals, seed=1)


def mealpy_run(name: str, evals: int, clock: Clock) -> None:
    from mealpy import EO, FloatVar, WarSO

    model = {"OriginalEO": EO.OriginalEO, "OriginalWarSO": WarSO.OriginalWarSO}[name](epoch=evals // POP - 1, pop_size=POP)
    bounds = FloatVar(lb=(LOW,) * DIM, ub=(HIGH,) * DIM)
    model.solve({"obj_func": clock.single, "bounds": bounds, "minmax": "min", "log_to": None}, seed=1)


def pymoo_run(name: str, evals: int, clock: Clock) -> None:
    from pymoo.algorithms.soo.nonconvex.de import DE
    from pymoo.algorithms.soo.nonconvex.ga import GA
    from pymoo.core.problem import Problem as PymooProblem
    from pymoo.optimize import minimize as pymoo_minimize

    class Trivial(PymooProblem):
        def __init__(self):
            super().__init__(n_var=DIM, n_obj=1, xl=LOW, xu=HIGH)

        def _evaluate(self, X, out, *args, **kwargs):
            out["F"] = clock.vectorised(X)

    algorithm = {"GA": GA, "DE": DE}[name](pop_size=POP)
    pymoo_minimize(Trivial(), algorithm, ("n_evals", evals), seed=1)


EO, WSO = "optibench eo", "optibench wso"
CASES = [  # (label, optibench algorithm it is compared with, run)
    (EO, EO, lambda n, c: optibench_run("eo", n, c)),
    (WSO, WSO, lambda n, c: optibench_run("wso", n, c)),
    ("mealpy OriginalEO", EO, lambda n, c: mealpy_run("OriginalEO", n, c)),
    ("mealpy OriginalWarSO", WSO, lambda n, c: mealpy_run("OriginalWarSO", n, c)),
    ("pymoo GA (pymoo.minimize)", EO, lambda n, c: pymoo_run("GA", n, c)),
    ("pymoo DE (pymoo.minimize)", EO, lambda n, c: pymoo_run("DE", n, c)),
    ("optibench ga (pymoo adapter)", EO, lambda n, c: optibench_run("ga", n, c)),
    ("optibench de (pymoo adapter)", EO, lambda n, c: optibench_run("de", n, c)),
]


def measure(run, evals: int, repeats: int) -> dict:
    """Best-of-``repeats`` wall time, objective time and overhead, in microseconds per evaluation."""
    best = None
    for _ in range(repeats):
        clock = Clock()
        start = time.perf_counter()
        run(evals, clock)
        wall = time.perf_counter() - start
        row = {
            "evals": clock.evals,
            "total_us": 1e6 * wall / clock.evals,
            "objective_us": 1e6 * clock.inside / clock.evals,
            "overhead_us": 1e6 * (wall - clock.inside) / clock.evals,
        }
        if best is None or row["overhead_us"] < best["overhead_us"]:
            best = row
    return best


def machine() -> dict:
    """CPU model, core count and the versions of Python and the libraries compared."""
    names = (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    cpu = next(names, platform.processor())
    versions = {name: metadata.version(name) for name in ("numpy", "pymoo", "mealpy")}
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), **versions}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evals", type=int, default=50_000, help="evaluations per run (default 50,000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per algorithm, best kept (default 3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    for _, _, run in CASES:  # imports and first-call compilation stay out of the timings
        run(4 * POP, Clock())
    rows = {label: measure(run, args.evals, args.repeats) for label, _, run in CASES}
    for label, reference, _ in CASES:
        rows[label]["compared_with"] = reference
        rows[label]["ratio"] = rows[label]["overhead_us"] / rows[reference]["overhead_us"]
    if args.json:
        print(json.dumps({"machine": machine(), "population": POP, "dim": DIM, "rows": rows}, indent=2))
    else:
        print(f"machine: {machine()}; population {POP}, dimension {DIM}, objective sum(x)")
        print(f"{'algorithm':<30} {'evals':>7} {'total us':>9} {'objective us':>13} {'overhead us':>12}  overhead ratio")
        for label, r in rows.items():
            ratio = "" if label == r["compared_with"] else f"{r['ratio']:.1f} x {r['compared_with']}"
            print(
                f"{label:<30} {r['evals']:>7} {r['total_us']:>9.2f} {r['objective_us']:>13.2f} {r['overhead_us']:>12.2f}  {ratio}"
            )
    slow = [label for label in (EO, WSO) if rows[label]["overhead_us"] >= TARGET_US]
    if slow:
        print(f"above the {TARGET_US} us target: {', '.join(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
