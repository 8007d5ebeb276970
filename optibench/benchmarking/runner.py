"""Trial-runner overhead per run and parallel speed-up of 2 processes over 1.

* Overhead: runs of a trivial optimisation (one evaluation of a 2-variable
  sphere), built, seeded and each stored to a results folder as ``optibench
  run`` does; the overhead per run is the batch's wall time, less the time
  spent inside :func:`optibench.minimize`, over the number of runs.
  Target: < 50 ms.
* Speed-up: batches of EO runs (population 30) on a problem with the cost of
  a power-flow placement problem: a sphere whose evaluation also solves one
  IEEE 69 power flow per point. Each batch runs in a fresh Python process
  with ``n_jobs=1`` and ``n_jobs=2``, timed from the first dispatch to the
  last stored run, so both pay their own start-up (loading the compiled
  power-flow kernel; for 2 processes, starting the workers). Target on 2
  cores: >= 1.7x for 20 runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from typing import Any

import numpy as np

from optibench.benchmarking import add_output_arguments, emit, load_average, report_header
from optibench.benchmarking.kernel import machine
from optibench.network import load_network
from optibench.powerflow import solve_batch
from optibench.registry import get_algorithm, get_problem, registered
from optibench.runner import make_trials, run_batch

OVERHEAD_TARGET_MS = 50.0
SPEEDUP_TARGET = 1.7
BUDGETS = (15_000, 100_000)
"""Evaluations per EO run: a paper-sized run (500 iterations of 30) and a long one."""


class PowerFlowSphere(registered("problems", "sphere")):  # type: ignore[misc]  # the base is found in the registry, not imported
    """Sphere plus the total loss (kW) of IEEE 69 with every load scaled by ``1 + x1 / 1000``: one power flow per point."""

    name = "sphere+ieee69-powerflow"

    def __init__(self, dim: int = 10):
        super().__init__(dim)
        self.network = load_network("ieee69")

    def _evaluate(self, Z):
        scale = 1.0 + Z[:, :1] / 1000.0
        flows = solve_batch(self.network, self.network.p_kw * scale, self.network.q_kvar * scale, store_voltages=False)
        sphere = super()._evaluate(Z)
        return type(sphere)(F=sphere.F[:, 0] + flows.loss_kw, G=sphere.G)


def _stored_batch(trials, n_jobs: int) -> tuple[float, list[dict]]:
    """Wall time (s) and rows of a batch whose rows are stored as they finish."""
    from optibench.store import ResultStore  # not in the workers' imports

    with tempfile.TemporaryDirectory() as folder:
        store = ResultStore(folder)
        start = time.perf_counter()
        rows = run_batch(trials, n_jobs, on_row=store.write)
        return time.perf_counter() - start, rows


def overhead(runs: int) -> dict:
    """Runner overhead per run (ms) with one process: trials built, runs done and stored."""
    start = time.perf_counter()
    trials = make_trials(get_problem("sphere", dim=2), get_algorithm("random-search", pop_size=1), "rs", runs, 1, 0)
    build = time.perf_counter() - start
    wall, rows = _stored_batch(trials, 1)
    inside = sum(r["time_s"] for r in rows)
    return {"runs": runs, "overhead_ms_per_run": 1e3 * (build + wall - inside) / runs}


def eo_batch(n_jobs: int, runs: int, max_evals: int) -> dict:
    """The EO batch in this process: wall time (s), mean run time (s) and each run's best value."""
    trials = make_trials(PowerFlowSphere(), get_algorithm("eo", pop_size=30), "EO", runs, max_evals, 0)
    wall, rows = _stored_batch(trials, n_jobs)
    return {"wall_s": wall, "mean_run_s": float(np.mean([r["time_s"] for r in rows])), "best_f": [r["best_f"] for r in rows]}


def _in_fresh_process(code: str):
    """The JSON value that Python ``code`` prints last, run in a new interpreter."""
    out = subprocess.run([sys.executable, "-c", f"import json, time\n{code}"], check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def _fresh_eo_batch(n_jobs: int, runs: int, max_evals: int) -> dict:
    code = f"from optibench.benchmarking.runner import eo_batch; print(json.dumps(eo_batch({n_jobs}, {runs}, {max_evals})))"
    return _in_fresh_process(code)


def startup() -> dict:
    """Fixed costs in fresh processes (s).

    What a worker imports for a placement run with EO, and a 2-process batch of 2 one-population runs.
    """
    imports = _in_fresh_process(
        "t = time.perf_counter(); import optibench; optibench.get_problem('evcs-placement'); "
        "optibench.get_algorithm('eo'); print(time.perf_counter() - t)"
    )
    return {"import_problems_s": imports, "two_process_batch_s": _fresh_eo_batch(2, 2, 30)["wall_s"]}


def speedup(runs: int, max_evals: int) -> dict:
    """Wall times of the same EO batch with 1 and 2 processes, each in a fresh Python process."""
    one = _fresh_eo_batch(1, runs, max_evals)
    two = _fresh_eo_batch(2, runs, max_evals)
    if one["best_f"] != two["best_f"]:
        raise AssertionError("results differ between 1 and 2 processes")
    return {
        "runs": runs,
        "max_evals": max_evals,
        "mean_run_s": one["mean_run_s"],
        "wall_jobs1_s": one["wall_s"],
        "wall_jobs2_s": two["wall_s"],
        "speedup": one["wall_s"] / two["wall_s"],
    }


def run(overhead_runs: int = 500, runs: int = 20, budgets=BUDGETS) -> dict:
    load_before = load_average()
    _fresh_eo_batch(1, 1, 300)  # the power-flow kernel compiled into Numba's cache before timing
    report: dict[str, Any] = {"machine": machine(), "overhead": overhead(overhead_runs), "startup": startup()}
    report["speedup"] = [speedup(runs, b) for b in budgets]
    report["load_average_1min"] = [load_before, load_average()]
    return report


def format_report(report: dict, command: str) -> str:
    def verdict(ok: bool) -> str:
        return "met" if ok else "not met"

    o = report["overhead"]
    lines = [
        *report_header("Trial-runner benchmark", command, report),
        "| measure | value | target |",
        "|---|---:|---|",
        f"| overhead per run beyond the optimisation ({o['runs']} runs, 1 process, each stored) | "
        f"{o['overhead_ms_per_run']:.2f} ms "
        f"| < {OVERHEAD_TARGET_MS:g} ms: {verdict(o['overhead_ms_per_run'] < OVERHEAD_TARGET_MS)} |",
    ]
    for s in report["speedup"]:
        lines += [
            f"| {s['runs']} EO runs of {s['max_evals']:,} evaluations (mean run {s['mean_run_s']:.3f} s): 1 process "
            f"| {s['wall_jobs1_s']:.2f} s | |",
            f"| same batch, 2 processes, worker start-up included | {s['wall_jobs2_s']:.2f} s | |",
            f"| speed-up, {s['max_evals']:,} evaluations per run | {s['speedup']:.2f}x "
            f"| >= {SPEEDUP_TARGET}x: {verdict(s['speedup'] >= SPEEDUP_TARGET)} |",
        ]
    st = report["startup"]
    lines += [
        f"| fixed cost of 2 processes: batch of 2 one-population runs in a fresh process | {st['two_process_batch_s']:.2f} s | |",
        f"| of which, in each worker: importing optibench, building the IEEE 69 placement problem and EO "
        f"| {st['import_problems_s']:.2f} s | |",
        "",
        "Each pair of batches gives the same results run by run (checked by the benchmark).",
        "The fixed cost of 2 processes is paid once per batch, so a batch of n runs of t seconds speeds up",
        "by about n t / (n t / 2 + fixed cost): short batches gain little, long ones approach 2x.",
    ]
    return "\n".join(lines)


def add_arguments(parser) -> None:
    parser.add_argument("--overhead-runs", type=int, default=500, help="trivial runs for the overhead (default %(default)s)")
    parser.add_argument("--runs", type=int, default=20, help="EO runs per speed-up batch (default %(default)s)")
    parser.add_argument(
        "--budgets", default=",".join(map(str, BUDGETS)), help="comma-separated evaluations per EO run (default %(default)s)"
    )
    add_output_arguments(parser)


def run_from_args(args, command: str) -> int:
    report = run(args.overhead_runs, args.runs, [int(b) for b in args.budgets.split(",")])
    return emit(args, report, format_report(report, command))
