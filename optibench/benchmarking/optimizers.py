"""Optimizer cost: microseconds per evaluation outside a trivial objective, and on a feeder problem.

Two measurements, one report:

1. Overhead on sum(x) (below).
2. The cost of one evaluation of ``evcs-placement`` case 1 (IEEE 69), split
   into the power flow, the problem's own work, ``optibench.minimize``'s loop
   and the algorithm, for EO, WSO, GA and DE beside pymoo's own loop and
   mealpy: :mod:`optibench.benchmarking.per_evaluation`.

Every algorithm minimises the same trivial objective, f(x) = sum(x) on
[-100, 100]^30, with a population of 50, for the same number of
evaluations. The objective's own time is measured around each call and
subtracted from the run's wall time; what remains, per evaluation, is the
algorithm's bookkeeping (for optibench: the ask / tell loop of
``optibench.minimize``, including its best-so-far tracking). Each figure is
the best of ``R`` repeats, after a short untimed run of each case (imports,
compilation). Compared in the same run:

* every native optibench algorithm of the registry (the built-ins that wrap
  no other library: EO, WSO and their kin), vectorised over the population;
  target: under 3 microseconds per evaluation;
* mealpy ``OriginalEO`` and ``OriginalWarSO`` (objective called per agent);
* pymoo ``GA`` and ``DE`` run by pymoo's own ``minimize`` on a vectorised
  pymoo ``Problem``, and the same two through optibench's adapter;
* nevergrad's ``TwoPointsDE`` run by nevergrad's own ``minimize`` (50
  workers, batch mode, objective called per candidate) and through
  optibench's adapter (``ng:TwoPointsDE``, ``pop_size=50``), on a tenth of
  the evaluations (nevergrad spends hundreds of microseconds per point).

mealpy and nevergrad are optional (``pip install nevergrad``; mealpy's
metadata pins numpy<=1.26, so ``pip install --no-deps mealpy opfunu`` keeps a
newer numpy): their rows say "not installed" when they are missing.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np

from optibench.benchmarking import add_output_arguments, emit, load_average, per_evaluation, report_header
from optibench.benchmarking.kernel import machine as base_machine
from optibench.minimize import minimize
from optibench.problem import Evaluation, Problem
from optibench.registry import algorithm_names, get_algorithm, registered
from optibench.testing import BASELINE
from optibench.variables import Real, VariableSpace

DIM, POP, LOW, HIGH = 30, 50, -100.0, 100.0
TARGET_US = 3.0
"""Overhead target of optibench's native algorithms (microseconds per evaluation)."""
NEVERGRAD_SHARE = 10
"""The nevergrad cases run 1 / NEVERGRAD_SHARE of the evaluations."""
QUICK_EVALS = 2_000
"""Evaluations per run of ``--quick`` (a smoke test of the whole report, not a measurement)."""


class Clock:
    """Accumulates the time spent inside the objective (s) and counts evaluations."""

    def __init__(self) -> None:
        self.inside = 0.0
        self.evals = 0

    def vectorised(self, X: np.ndarray) -> np.ndarray:
        """sum(x) of each row of X (pop, DIM), timed."""
        start = time.perf_counter()
        f = X.sum(axis=1)
        self.inside += time.perf_counter() - start
        self.evals += len(X)
        return f

    def single(self, x: np.ndarray) -> float:
        """sum(x) of one point x (DIM,), timed."""
        start = time.perf_counter()
        f = float(x.sum())
        self.inside += time.perf_counter() - start
        self.evals += 1
        return f


class TrivialProblem(Problem):
    """sum(x) on [-100, 100]^30; ``clock`` times each population's evaluation."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(VariableSpace([Real(f"x{i + 1}", LOW, HIGH) for i in range(DIM)]))
        self.clock = clock

    def evaluate(self, X: Any) -> Evaluation:
        start = time.perf_counter()
        result = super().evaluate(X)
        self.clock.inside += time.perf_counter() - start
        self.clock.evals += len(result.F)
        return result

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        return Evaluation(F=Z.sum(axis=1)[:, None], G=np.empty((len(Z), 0)))


def native_algorithms() -> list[str]:
    """The registry's built-in algorithms that wrap no other library (no ``*_adapter`` module), random search left out."""
    natives = []
    for name in algorithm_names():
        module = registered("algorithms", name).__module__
        if module.startswith("optibench.algorithms.") and not module.endswith("_adapter") and name != BASELINE:
            natives.append(name)
    return natives


def optibench_run(name: str, evals: int, clock: Clock, **params: Any) -> None:
    minimize(TrivialProblem(clock), get_algorithm(name, pop_size=POP, **params), max_evals=evals, seed=1)


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
        def __init__(self) -> None:
            super().__init__(n_var=DIM, n_obj=1, xl=LOW, xu=HIGH)

        def _evaluate(self, X: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
            out["F"] = clock.vectorised(X)

    algorithm = {"GA": GA, "DE": DE}[name](pop_size=POP)
    pymoo_minimize(Trivial(), algorithm, ("n_evals", evals), seed=1)


def nevergrad_run(name: str, evals: int, clock: Clock) -> None:
    """nevergrad's own loop: ``minimize`` with POP workers in batch mode, the objective called per candidate."""
    import nevergrad as ng

    parametrization = ng.p.Array(shape=(DIM,), lower=LOW, upper=HIGH)
    parametrization.random_state = np.random.RandomState(1)
    optimizer = ng.optimizers.registry[name](parametrization, budget=evals, num_workers=POP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "num_workers > 1 is suboptimal when run sequentially": the batch is the point
        optimizer.minimize(clock.single, batch_mode=True)


Case = tuple[str, str, str | None, Callable[[int, Clock], None]]
"""(label, label of the native algorithm it is compared with, the optional package it needs or None, run(evals, clock))."""


def _optibench_case(name: str) -> Callable[[int, Clock], None]:
    return lambda evals, clock: optibench_run(name, evals, clock)


def cases() -> list[Case]:
    """Every case measured: the native algorithms first, then the other libraries."""
    natives = native_algorithms()
    rows: list[Case] = [(f"optibench {name}", f"optibench {name}", None, _optibench_case(name)) for name in natives]
    eo, wso = "optibench eo", "optibench wso"
    rows += [
        ("mealpy OriginalEO", eo, "mealpy", lambda n, c: mealpy_run("OriginalEO", n, c)),
        ("mealpy OriginalWarSO", wso, "mealpy", lambda n, c: mealpy_run("OriginalWarSO", n, c)),
        ("pymoo GA (pymoo.minimize)", eo, None, lambda n, c: pymoo_run("GA", n, c)),
        ("pymoo DE (pymoo.minimize)", eo, None, lambda n, c: pymoo_run("DE", n, c)),
        ("optibench ga (pymoo adapter)", eo, None, lambda n, c: optibench_run("ga", n, c)),
        ("optibench de (pymoo adapter)", eo, None, lambda n, c: optibench_run("de", n, c)),
        (
            "nevergrad TwoPointsDE (ng minimize)",
            eo,
            "nevergrad",
            lambda n, c: nevergrad_run("TwoPointsDE", n // NEVERGRAD_SHARE, c),
        ),
        (
            "optibench ng:TwoPointsDE (adapter)",
            eo,
            "nevergrad",
            lambda n, c: optibench_run("ng:TwoPointsDE", n // NEVERGRAD_SHARE, c),
        ),
    ]
    return rows


def measure(run: Callable[[int, Clock], None], evals: int, repeats: int) -> dict[str, Any]:
    """Best-of-``repeats`` wall time, objective time and overhead, in microseconds per evaluation."""
    best: dict[str, Any] | None = None
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
    assert best is not None, "repeats must be >= 1"
    return best


def machine() -> dict[str, Any]:
    """CPU model, core count and the versions of Python and the libraries compared."""
    return {**base_machine(), **{name: _version(name) for name in ("pymoo", "mealpy", "nevergrad")}}


def _version(package: str) -> str:
    """``package``'s installed version, or "not installed"."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def run(evals: int = 50_000, repeats: int = 3) -> dict[str, Any]:
    """Every case's overhead (best of ``repeats``), its ratio to the native algorithm it is compared with, the machine,
    and the per-evaluation profile on ``evcs-placement`` (:func:`optibench.benchmarking.per_evaluation.run`)."""
    load_before = load_average()
    every = [case for case in cases() if per_evaluation.installed(case[2])]
    for _, _, _, run_case in every:  # imports and first-call compilation stay out of the timings
        run_case(4 * POP * NEVERGRAD_SHARE, Clock())
    rows: dict[str, dict[str, Any]] = {
        label: measure(run_case, evals, repeats) if per_evaluation.installed(package) else {"status": f"{package} not installed"}
        for label, _, package, run_case in cases()
    }
    for label, reference, _, _ in every:
        rows[label]["compared_with"] = reference
        rows[label]["ratio"] = rows[label]["overhead_us"] / rows[reference]["overhead_us"]
    natives = [f"optibench {name}" for name in native_algorithms()]
    placement = per_evaluation.run(evals, repeats)
    return {
        "machine": machine(),
        "population": POP,
        "dim": DIM,
        "evals": evals,
        "repeats": repeats,
        "rows": rows,
        "natives": natives,
        "above_target": [label for label in natives if rows[label]["overhead_us"] >= TARGET_US],
        "per_evaluation": placement,
        "load_average_1min": [load_before, load_average()],
    }


def format_report(report: dict[str, Any], command: str) -> str:
    rows, natives = report["rows"], report["natives"]
    table = [
        "| algorithm | evals | total us | objective us | overhead us | overhead ratio |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, r in rows.items():
        if "status" in r:
            table.append(f"| {label} | {r['status']} | | | | |")
            continue
        ratio = "" if label == r["compared_with"] else f"{r['ratio']:.1f} x {r['compared_with']}"
        table.append(
            f"| {label} | {r['evals']} | {r['total_us']:.2f} | {r['objective_us']:.2f} | {r['overhead_us']:.2f} | {ratio} |"
        )
    above = report["above_target"]
    worst = max(natives, key=lambda label: rows[label]["overhead_us"])
    verdict = (
        f"not met by {', '.join(above)}"
        if above
        else f"met by all {len(natives)} (the largest: {worst}, {rows[worst]['overhead_us']:.2f})"
    )
    adapter, own = rows["optibench ng:TwoPointsDE (adapter)"], rows["nevergrad TwoPointsDE (ng minimize)"]
    nevergrad = (
        f"Through optibench's adapter nevergrad's TwoPointsDE costs {adapter['overhead_us'] - own['overhead_us']:+.1f} "
        f"microseconds per evaluation against nevergrad's own loop ({own['overhead_us']:.0f}); the rest of both is "
        "nevergrad's own ask and tell."
        if "status" not in own
        else "nevergrad is not installed: its own loop and the adapter are not compared."
    )
    lines = [
        *report_header("Optimizer cost: microseconds per evaluation", command, report),
        "## Overhead outside a trivial objective",
        "",
        f"Population {report['population']}, f(x) = sum(x) on [-100, 100]^{report['dim']}, "
        f"{report['evals']:,} evaluations per run ({report['evals'] // NEVERGRAD_SHARE:,} for nevergrad), "
        f"best of {report['repeats']} runs per algorithm. Other work on the machine inflates absolute times "
        "(see the load average); the algorithms were measured in the same run, one after the other.",
        "",
        '"overhead" = (run wall time - time inside the objective) / evaluations: the algorithm\'s own',
        "bookkeeping. For optibench it includes the whole `optibench.minimize` loop (ask, tell, budget,",
        "best-so-far tracking); the objective's time includes `Problem.evaluate` (clipping and decoding).",
        "mealpy calls the objective once per agent (its EO evaluates a few points more than asked);",
        "pymoo's GA and DE are measured both under pymoo's own `minimize` (vectorised pymoo `Problem`)",
        "and through optibench's pymoo adapter; nevergrad's TwoPointsDE under nevergrad's own `minimize`",
        "(50 workers, batch mode) and through optibench's nevergrad adapter (`ng:TwoPointsDE`, pop_size 50).",
        "mealpy: `pip install --no-deps mealpy opfunu` (its metadata pins numpy<=1.26; it runs on newer).",
        "",
        *table,
        "",
        f"Target: every native optibench algorithm under {TARGET_US:g} microseconds per evaluation outside the "
        f"problem: {verdict}.",
        nevergrad,
        "",
        *per_evaluation.format_section(report["per_evaluation"]),
    ]
    return "\n".join(lines)


def add_arguments(parser: Any) -> None:
    parser.add_argument("--evals", type=int, default=50_000, help="evaluations per run (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per algorithm, best kept (default %(default)s)")
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke test: {QUICK_EVALS:,} evaluations, one run per algorithm (overrides both)"
    )
    add_output_arguments(parser)


def run_from_args(args: Any, command: str) -> int:
    report = run(QUICK_EVALS, 1) if args.quick else run(args.evals, args.repeats)
    emit(args, report, format_report(report, command))
    return 1 if report["above_target"] or not report["per_evaluation"]["target_met"] else 0
