"""Solve times of the exact baselines: one 24-hour hosting-capacity cone program, and the 512-program sweep.

Both go through the registry (``get_problem("hosting-capacity", ...).exact()``).
One program is built and solved ``--repeats`` times (each time from scratch,
as the sweep does): the report gives the median wall time of build plus
solve, and the solver's own time. The sweep solves paper 000's buses 2-33 x
two EV types x eight scenarios with ``--jobs`` processes and reports its wall
time and how many programs were solved. Targets: one program < 2 s, the
sweep < 10 min on the 2-core reference machine.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from optibench.benchmarking import add_output_arguments, emit, load_average, report_header
from optibench.benchmarking.kernel import machine
from optibench.exact.sweep import exact_summary, solve_many

ONE_PROGRAM_TARGET_S = 2.0
SWEEP_TARGET_S = 600.0
SCENARIOS = range(1, 9)
"""Paper 000's eight scenarios (Table 1)."""


def time_one_program(scenario: int = 1, ev: int = 1, bus: int = 18, repeats: int = 5) -> dict:
    """Median wall time (build + solve + AC re-check) and solver time of one instance (s)."""
    instance = {"scenario": scenario, "ev": ev, "bus": bus}
    exact_summary("hosting-capacity", instance, {})  # imports and first-call set-up outside the timing
    walls, solver_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        summary = exact_summary("hosting-capacity", instance, {})
        walls.append(time.perf_counter() - start)
        solver_times.append(summary["solve_time_s"])
    return {
        "instance": instance,
        "repeats": repeats,
        "wall_s_median": float(np.median(walls)),
        "solver_s_median": float(np.median(solver_times)),
        "status": summary["status"],
        "capacity_kw": summary["capacity_kw"],
    }


def time_sweep(n_jobs: int = -1, buses=range(2, 34)) -> dict:
    """Wall time of the sweep over ``buses`` x both EV types x all scenarios (s), and its outcome."""
    instances = [{"scenario": s, "ev": e, "bus": b} for s in SCENARIOS for e in (1, 2) for b in buses]
    start = time.perf_counter()
    table = pd.DataFrame(solve_many("hosting-capacity", instances, n_jobs))
    wall = time.perf_counter() - start
    return {
        "programs": len(table),
        "n_jobs": n_jobs,
        "wall_s": wall,
        "optimal": int((table["status"] == "optimal").sum()),
        "optimal_inaccurate": int((table["status"] == "optimal_inaccurate").sum()),
        "solver_s_total": float(table["solve_time_s"].sum()),
    }


def run(repeats: int = 5, n_jobs: int = -1, with_sweep: bool = True) -> dict:
    load_before = load_average()
    report: dict[str, Any] = {"machine": machine(), "one_program": time_one_program(repeats=repeats)}
    if with_sweep:
        report["sweep"] = time_sweep(n_jobs)
    report["load_average_1min"] = [load_before, load_average()]
    return report


def format_report(report: dict, command: str) -> str:
    one = report["one_program"]
    lines = [
        *report_header("Exact baselines: solve times", command, report),
        "| measurement | time (s) | target (s) | notes |",
        "|---|---:|---:|---|",
        f"| one 24-h cone program (build + solve + AC re-check), median of {one['repeats']} "
        f"| {one['wall_s_median']:.3f} | {ONE_PROGRAM_TARGET_S:.0f} "
        f"| instance {one['instance']}, Clarabel {one['solver_s_median']:.3f} s, {one['status']}, "
        f"capacity {one['capacity_kw']:.1f} kW |",
    ]
    if "sweep" in report:
        sw = report["sweep"]
        lines.append(
            f"| sweep of {sw['programs']} programs ({len(SCENARIOS)} scenarios x 2 EV types x buses), n_jobs={sw['n_jobs']} "
            f"| {sw['wall_s']:.1f} | {SWEEP_TARGET_S:.0f} "
            f"| {sw['optimal']} optimal, {sw['optimal_inaccurate']} optimal_inaccurate; "
            f"solver time summed {sw['solver_s_total']:.1f} s |"
        )
    return "\n".join(lines)


def add_arguments(parser) -> None:
    parser.add_argument("--repeats", type=int, default=5, help="solves of the single program (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=-1, help="processes for the sweep (default -1: one per CPU)")
    parser.add_argument("--no-sweep", action="store_true", help="time the single program only")
    add_output_arguments(parser)


def run_from_args(args, command: str) -> int:
    report = run(repeats=args.repeats, n_jobs=args.jobs, with_sweep=not args.no_sweep)
    report["command"] = command
    return emit(args, report, format_report(report, command))
