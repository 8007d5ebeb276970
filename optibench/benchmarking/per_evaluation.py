"""Cost of one evaluation of ``evcs-placement`` case 1 (IEEE 69), and where each microsecond goes.

Every run minimises the same problem instance with a population of
:data:`POP`, seed :data:`SEED`, for the same number of evaluations:

* optibench ``eo`` and ``wso`` (``optibench.minimize``);
* optibench ``ga`` and ``de`` through the pymoo adapter (``optibench.minimize``,
  as users run them);
* pymoo's ``GA`` and ``DE`` under pymoo's own ``minimize``, on a pymoo
  ``Problem`` whose ``_evaluate`` calls the same problem's ``evaluate`` (one
  constraint per point, the total violation, as the adapter gives pymoo);
* mealpy's ``OriginalEO`` and ``OriginalWarSO``, whose objective evaluates one
  point at a time (its value is the loss; a diverged power flow's 1e9 kW
  makes that point the worst); left out, and reported "not installed", when
  mealpy is missing.

Each row gives the wall time per evaluation of a plain run (best of the
repeats) and the split of a timed run (the repeat with the least wall time)
into the parts of :data:`optibench.benchmarking.profile.PARTS`; for pymoo and
mealpy the ``algorithm`` part is everything outside ``Problem.evaluate``
(their own loops included). The power flow is timed where the problem calls
it, so the table follows the kernel's speed as it changes.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from optibench.constraints import violation
from optibench.minimize import minimize
from optibench.optimizer import Optimizer
from optibench.problem import Problem
from optibench.registry import get_algorithm, get_problem

from .profile import PARTS, profile_evaluate, profile_run

PROBLEM, INSTANCE = "evcs-placement", {"case": 1}
POP, SEED = 50, 1
TARGET_US = 4.0
"""Target for optibench's EO: microseconds per evaluation, everything included."""
TARGET_LABEL = "optibench eo"
ADAPTER_TARGET_US = 2.0
"""Target for the pymoo adapter: microseconds per evaluation outside the power flow above pymoo's own loop."""
ADAPTER_PAIRS = {
    "ga": ("optibench ga (pymoo adapter)", "pymoo GA (pymoo.minimize)"),
    "de": ("optibench de (pymoo adapter)", "pymoo DE (pymoo.minimize)"),
}
ADAPTER_SEED = int(np.random.default_rng(SEED).integers(2**31 - 1))
"""The seed optibench's pymoo adapter hands pymoo in a run seeded with SEED (its first draw)."""

Run = Callable[[], int]
"""Performs one run and returns the evaluations it spent."""
Case = Callable[[Problem, int], tuple[Optimizer | None, Run]]
"""Builds a run of ``evals`` evaluations on a problem: (the optibench optimizer it drives or None, the run)."""


def _optibench(name: str) -> Case:
    def make(problem: Problem, evals: int) -> tuple[Optimizer | None, Run]:
        optimizer = get_algorithm(name, pop_size=POP)
        return optimizer, lambda: minimize(problem, optimizer, max_evals=evals, seed=SEED).n_evals

    return make


def _pymoo(name: str) -> Case:
    """pymoo's own ``minimize`` of ``GA`` or ``DE`` on a pymoo ``Problem`` evaluating with ``problem.evaluate``.

    pymoo gets the seed the adapter draws from a run seeded with SEED, so both
    loops make the same generations (tests/test_pymoo_adapter.py) and their
    difference is the adapter's own cost.
    """

    def make(problem: Problem, evals: int) -> tuple[Optimizer | None, Run]:
        from pymoo.algorithms.soo.nonconvex.de import DE
        from pymoo.algorithms.soo.nonconvex.ga import GA
        from pymoo.core.problem import Problem as PymooProblem
        from pymoo.optimize import minimize as pymoo_minimize

        class Wrapped(PymooProblem):
            def __init__(self) -> None:
                super().__init__(n_var=problem.n_var, n_obj=1, n_ieq_constr=1, xl=problem.xl, xu=problem.xu)

            def _evaluate(self, X: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
                ev = problem.evaluate(X)
                out["F"], out["G"] = ev.F, violation(ev.G)[:, None]

        def run() -> int:
            algorithm = {"GA": GA, "DE": DE}[name](pop_size=POP)
            result = pymoo_minimize(Wrapped(), algorithm, ("n_evals", evals), seed=ADAPTER_SEED)
            return int(result.algorithm.evaluator.n_eval)

        return None, run

    return make


def _mealpy(name: str) -> Case:
    """mealpy's ``OriginalEO`` or ``OriginalWarSO``, the objective evaluating one point per call."""

    def make(problem: Problem, evals: int) -> tuple[Optimizer | None, Run]:
        from mealpy import EO, FloatVar, WarSO

        def run() -> int:
            count = 0

            def objective(x: np.ndarray) -> float:
                nonlocal count
                count += 1
                return float(problem.evaluate(x[None, :]).F[0, 0])

            model = {"OriginalEO": EO.OriginalEO, "OriginalWarSO": WarSO.OriginalWarSO}[name](
                epoch=evals // POP - 1, pop_size=POP
            )
            bounds = FloatVar(lb=tuple(problem.xl), ub=tuple(problem.xu))
            model.solve({"obj_func": objective, "bounds": bounds, "minmax": "min", "log_to": None}, seed=SEED)
            return count

        return None, run

    return make


CASES: dict[str, tuple[str | None, Case]] = {
    "optibench eo": (None, _optibench("eo")),
    "optibench wso": (None, _optibench("wso")),
    "optibench ga (pymoo adapter)": (None, _optibench("ga")),
    "optibench de (pymoo adapter)": (None, _optibench("de")),
    "pymoo GA (pymoo.minimize)": (None, _pymoo("GA")),
    "pymoo DE (pymoo.minimize)": (None, _pymoo("DE")),
    "mealpy OriginalEO": ("mealpy", _mealpy("OriginalEO")),
    "mealpy OriginalWarSO": ("mealpy", _mealpy("OriginalWarSO")),
}
"""Label -> (the optional package the case needs, or None; the case)."""


def installed(package: str | None) -> bool:
    """Whether ``package`` can be imported (None: nothing needed)."""
    return package is None or importlib.util.find_spec(package) is not None


def measure(problem: Problem, cases: dict[str, Case], evals: int, repeats: int) -> dict[str, dict[str, Any]]:
    """Each case's plain wall time and its profiled split, microseconds per evaluation (best of ``repeats`` each).

    The cases take turns, one plain and one profiled run each per repeat, so
    that a slow spell of the machine falls on all of them rather than on the
    one measured at the time (pymoo's own loop drifted by 7 us per evaluation
    between the adapter's runs and its own, measured one after the other).
    Returns, per label, ``evals``, ``total_us`` (plain runs), each part of
    :data:`PARTS` and ``profiled_us`` (the profiled run's wall time, the parts' sum).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    plain = dict.fromkeys(cases, np.inf)
    profiled: dict[str, dict[str, float]] = {}
    for _ in range(repeats):
        for label, case in cases.items():
            _, run = case(problem, evals)
            start = time.perf_counter()
            spent = run()
            plain[label] = min(plain[label], 1e6 * (time.perf_counter() - start) / spent)
            optimizer, run = case(problem, evals)
            row = profile_evaluate(problem, run) if optimizer is None else profile_run(problem, optimizer, run)
            if label not in profiled or row["total"] < profiled[label]["total"]:
                profiled[label] = row
    return {
        label: {
            "evals": int(row["evals"]),
            "total_us": float(plain[label]),
            **{part: row[part] for part in PARTS},
            "profiled_us": row["total"],
        }
        for label, row in profiled.items()
    }


def run(evals: int = 50_000, repeats: int = 3) -> dict[str, Any]:
    """Every case of :data:`CASES` on the problem instance, and whether optibench's EO meets :data:`TARGET_US`.

    The two sides of each pair of :data:`ADAPTER_PAIRS` are measured together (see :func:`measure`).
    """
    problem = get_problem(PROBLEM, **INSTANCE)
    groups = [[label for label in pair if label in CASES] for pair in ADAPTER_PAIRS.values()]
    groups += [[label] for label in CASES if not any(label in group for group in groups)]
    measured: dict[str, Any] = {}
    for group in groups:
        cases = {}
        for label in group:
            package, case = CASES[label]
            if not installed(package):
                measured[label] = {"status": f"{package} not installed"}
                continue
            case(problem, 4 * POP)[1]()  # imports and first-call compilation stay out of the timings
            cases[label] = case
        measured.update(measure(problem, cases, evals, repeats))
    rows = {label: measured[label] for label in CASES}
    return {
        "problem": PROBLEM,
        "instance": INSTANCE,
        "population": POP,
        "evals": evals,
        "repeats": repeats,
        "rows": rows,
        "target_us": TARGET_US,
        "target_met": rows[TARGET_LABEL]["total_us"] <= TARGET_US,
    }


def format_section(report: dict[str, Any]) -> list[str]:
    """The Markdown lines of the per-evaluation table of ``report`` (from :func:`run`)."""
    columns = " | ".join(PARTS)
    table = [
        f"| run | evals | total us | outside the power flow | {columns} | profiled run |",
        "|---|---:|---:|---:|" + "---:|" * (len(PARTS) + 1),
    ]
    for label, r in report["rows"].items():
        if "status" in r:
            table.append(f"| {label} | {r['status']} |" + " |" * (len(PARTS) + 3))
            continue
        parts = " | ".join(f"{r[part]:.2f}" for part in PARTS)
        outside = r["total_us"] - r["power flow"]
        table.append(f"| {label} | {r['evals']} | {r['total_us']:.2f} | {outside:.2f} | {parts} | {r['profiled_us']:.2f} |")
    eo = report["rows"][TARGET_LABEL]
    verdict = "met" if report["target_met"] else "not met"
    instance = ", ".join(f"{k} {v}" for k, v in report["instance"].items())
    return [
        f"## Per evaluation on `{report['problem']}` {instance} (IEEE 69)",
        "",
        f"Population {report['population']}, seed {SEED}, {report['evals']:,} evaluations per run, best of "
        f"{report['repeats']} plain runs (total) and of {report['repeats']} timed runs (the parts), "
        "in microseconds per evaluation. The adapter's runs and pymoo's own loop take turns, repeat by repeat.",
        "Parts: `power flow` = `solve_batch` (the sweep kernel and its checks); `decode` = `space.decode`;",
        "`injections` = building the per-candidate loads; `constraints` = the rest of `Problem.evaluate`",
        "(objective and constraint columns, diagnostics); `loop` = `optibench.minimize`'s own work (population",
        "check, budget, best-so-far, history); `algorithm` = the optimizer's setup, ask and tell, or for pymoo",
        "and mealpy everything outside `Problem.evaluate` (their own loops). The parts add up to the timed run,",
        "whose timers cost a few calls per population over the plain run. mealpy evaluates one point per call",
        "(a power flow of batch 1); pymoo gets the total violation as its one constraint, as through the adapter.",
        "",
        *table,
        "",
        f"Target: optibench's EO at most {report['target_us']:g} microseconds per evaluation, everything included: "
        f"{verdict} ({eo['total_us']:.2f}, of which {eo['power flow']:.2f} in the power flow).",
        *_adapter_lines(report["rows"]),
    ]


def _adapter_lines(rows: dict[str, Any]) -> list[str]:
    """The pymoo adapter's own cost: its loop and algorithm parts minus pymoo's own loop's (same generations).

    Taken from the timed runs' parts, not from the totals: both sides then
    leave out ``Problem.evaluate`` measured the same way, and a disturbed plain
    run (the totals' best of a few) cannot pass for the adapter's cost.
    """
    lines = []
    for name, (adapter, own) in ADAPTER_PAIRS.items():
        a, b = rows.get(adapter, {}), rows.get(own, {})
        if "algorithm" not in a or "algorithm" not in b:
            continue
        extra = (a["algorithm"] + a["loop"]) - (b["algorithm"] + b["loop"])
        verdict = "met" if extra <= ADAPTER_TARGET_US else "not met"
        lines.append(
            f"Target: the pymoo adapter's own cost for {name} at most {ADAPTER_TARGET_US:g} microseconds per evaluation "
            f"above pymoo's own loop on the same problem and generations (loop + algorithm of the timed runs): "
            f"{verdict} ({extra:+.2f})."
        )
    return lines
