"""Power-flow throughput of the sweep kernel beside pandapower and power-grid-model.

For each system and batch size the same random injections (every load scaled
by a factor drawn from U(0.5, 1.5) per row) are solved by

* optibench's ``solve_batch`` on one thread and on all cores;
* optibench's ``solve_trees`` (the changing-topology kernel of
  reconfiguration: every row its own tree, swept one row at a time) on one
  thread, given the network's own tree in every row, since its cost per
  power flow does not depend on which radial configuration a row holds
  (not on the 100,000-bus feeder, whose per-row trees would take 3 GB);
* pandapower ``runpp`` (Newton-Raphson), one call per power flow;
* power-grid-model's batch calculation, Newton-Raphson and iterative current,
  one thread;

and the report gives power flows per second, the ratios to the alternatives,
the largest voltage difference between the engines (p.u.) and the memory a
batch needs per row. The slower engines solve a subset of the rows when the
full batch would take minutes; their throughput is per power flow, so the
ratios stay comparable.

The floating-point bound of a power flow is computed for the machine the
benchmark runs on (:func:`floating_point_bound_us`): the kernel's operation
count times the throughput of those operations measured in the same run.
"""

from __future__ import annotations

import os
import platform
import time
import tracemalloc
from typing import Any

import numba
import numpy as np

from optibench.benchmarking import add_output_arguments, emit, load_average, report_header
from optibench.network import load_network
from optibench.powerflow import solve_batch, solve_trees
from optibench.provenance import cpu_model
from optibench.sweep_kernel import BLOCK_BYTES_PER_BUS_ROW, lanes_for

SYSTEMS = ("ieee33", "ieee69", "synthetic1000", "synthetic10000", "synthetic100000")
BATCHES = (1, 50, 10_000)
LARGE_FEEDER_BUSES = 10_000
LARGE_FEEDER_BATCH = 1_000
"""Feeders of LARGE_FEEDER_BUSES buses or more are solved in batches of at most this many rows (memory)."""
TREES_MAX_WORK = 10_000_000
"""Largest batch x n_bus given to ``solve_trees`` (its per-row tree arrays take 32 bytes per bus and row)."""
SWEEP_OPERATIONS = 28
"""Floating-point operations per bus, row and sweep besides the divisions (optibench.sweep_kernel:
forward update 8, convergence change 7, keeping converged rows 2, load current 9, accumulation 2)."""
SWEEP_DIVISIONS = 2
"""Divisions per bus, row and sweep (the real and imaginary load current)."""


def batches_for(n_bus: int, batches=BATCHES) -> list[int]:
    """The batch sizes measured on a feeder: BATCHES, capped at LARGE_FEEDER_BATCH on large feeders."""
    if n_bus < LARGE_FEEDER_BUSES:
        return list(batches)
    return sorted({min(b, LARGE_FEEDER_BATCH) for b in batches})


def _timed(fn, min_time: float = 0.3, max_repeats: int = 10_000) -> float:
    """Best wall time (s) of ``fn()`` over repeats lasting about ``min_time`` in total (at least two).

    Fast calls get many repeats (a 10 us call 10,000), so their best is not
    that of a cold first few: one IEEE 33 power flow measured 63,000 pf/s
    with 20 repeats right after loading and 100,000 with the repeats of 0.3 s.
    """
    best, spent, repeats = np.inf, 0.0, 0
    while repeats < max_repeats and (repeats < 2 or spent < min_time):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best, spent, repeats = min(best, elapsed), spent + elapsed, repeats + 1
    return best


def _injections(net, batch: int, seed: int = 0):
    scale = np.random.default_rng(seed).uniform(0.5, 1.5, (batch, 1))
    return net.p_kw * scale, net.q_kvar * scale


def _peak_bytes(net, p, q) -> int:
    """Peak memory traced by tracemalloc while ``solve_batch`` solves ``p``, ``q`` without stored voltages (bytes)."""
    for parallel in (False, True):  # both kernels compiled or loaded from the cache before tracing
        solve_batch(net, p[:1], q[:1], store_voltages=False, parallel=parallel)
    tracemalloc.start()
    try:
        solve_batch(net, p, q, store_voltages=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bytes_per_row(net, p, q) -> float:
    """Memory ``solve_batch`` allocates per row without stored voltages (bytes): the traced peak over the batch size.

    tracemalloc sees NumPy's and Numba's allocations: the results and the
    kernel's working block, BLOCK_BYTES_PER_BUS_ROW x n_bus x block width per
    thread (the injections are read in place), so a small batch carries the
    block and the fixed costs over few rows.
    """
    return _peak_bytes(net, p, q) / len(p)


def measure(system: str, batch: int, references: bool = True) -> dict:
    """Throughputs (power flows per second), memory and voltage differences for one system and batch size."""
    net = load_network(system)
    p, q = _injections(net, batch)
    store = batch * net.n_bus <= 2_000_000
    row: dict[str, Any] = {"system": system, "buses": net.n_bus, "batch": batch}
    row["bytes_per_row"] = bytes_per_row(net, p, q)
    row["block_kib"] = BLOCK_BYTES_PER_BUS_ROW * net.n_bus * lanes_for(batch, net.n_bus) / 1024
    row["stored_voltages_bytes_per_row"] = 16 * net.n_bus
    cores = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]  # numba sets its config attributes at import
    for label, threads in (("optibench_1thread", 1), ("optibench_all_cores", cores)):
        numba.set_num_threads(threads)
        solve_batch(net, p[:1], q[:1])  # compiled before timing
        seconds = _timed(lambda: solve_batch(net, p, q, store_voltages=store))
        row[label] = batch / seconds
    numba.set_num_threads(1)
    if batch * net.n_bus <= TREES_MAX_WORK:
        order, parent, r, x = (np.broadcast_to(a, (batch, net.n_bus)) for a in (net.order, net.parent, net.r_pu, net.x_pu))
        solve_trees(net, order[:1], parent[:1], r[:1], x[:1], p[:1], q[:1])  # compiled before timing
        row["optibench_trees_1thread"] = batch / _timed(lambda: solve_trees(net, order, parent, r, x, p, q, store_voltages=store))
    numba.set_num_threads(cores)
    ours = solve_batch(net, p, q, store_voltages=store)
    row["iterations_mean"] = float(ours.iterations.mean())
    row["converged"] = bool(ours.converged.all())
    if not references:
        return row

    from power_grid_model.errors import PowerGridBatchError

    from optibench.benchmarking.references import PandapowerCase, PgmCase

    pp_rows = min(batch, max(1, int(20_000 / net.n_bus)))
    check_rows = min(pp_rows, 3)
    with_voltages = ours if store else solve_batch(net, p[:check_rows], q[:check_rows])
    assert with_voltages.v is not None  # solved with store_voltages=True
    v_ours = with_voltages.v[:check_rows]
    pp_case = PandapowerCase(net, tolerance_mva=1e-9)
    pp_case.solve(p[0], q[0])  # first call compiles pandapower's own kernels
    start = time.perf_counter()
    v_pp = np.array([pp_case.solve(p[k], q[k])[0] for k in range(pp_rows)])
    row["pandapower_runpp"] = pp_rows / (time.perf_counter() - start)
    diffs = {"pandapower": float(np.abs(v_pp[:check_rows] - v_ours).max())}

    pgm = PgmCase(net)
    pgm_rows = min(batch, max(1, int(5_000_000 / net.n_bus**1.2)))
    for method in ("newton_raphson", "iterative_current"):
        try:
            pgm.solve_batch(p[:1], q[:1], method)
            seconds = _timed(lambda method=method: pgm.solve_batch(p[:pgm_rows], q[:pgm_rows], method))
            v_pgm = pgm.solve_batch(p[:check_rows], q[:check_rows], method)
        except PowerGridBatchError as error:  # e.g. Newton-Raphson stalling just above 1e-9 on 10,000 buses
            row[f"pgm_{method}"] = diffs[f"pgm_{method}"] = np.nan
            reason = str((getattr(error, "errors", None) or [error])[0]).strip().splitlines()[0]
            row.setdefault("pgm_failures", []).append(f"{method}: {reason}")
            continue
        row[f"pgm_{method}"] = pgm_rows / seconds
        diffs[f"pgm_{method}"] = float(np.abs(v_pgm - v_ours).max())
    row["max_dv_pu"] = diffs
    pgm_best = np.nanmax([row["pgm_newton_raphson"], row["pgm_iterative_current"]])
    row["ratio_1thread_vs_pgm_best"] = row["optibench_1thread"] / pgm_best
    row["ratio_1thread_vs_pandapower"] = row["optibench_1thread"] / row["pandapower_runpp"]
    return row


def machine() -> dict:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
    }


def _cache_line_aligned(values: np.ndarray) -> np.ndarray:
    """A copy of the float64 array ``values`` starting on a 64-byte boundary.

    A vector load that straddles two cache lines costs more: NumPy aligns
    small arrays to 16 bytes only, and the yardstick then varied by half
    from one process to the next (0.021 or 0.032 ns per operation, measured).
    """
    buffer = np.empty(values.size + 8)
    start = (-buffer.ctypes.data % 64) // 8
    aligned = buffer[start : start + values.size]
    aligned[:] = values
    return aligned


def _operation_seconds() -> tuple[float, float]:
    """Seconds per element of a vectorised float64 operation and of a division on one thread of this machine."""
    from optibench.benchmarking.throughput import arithmetic_loop, division_loop

    a = _cache_line_aligned(np.linspace(1.0, 2.0, 64))
    b = _cache_line_aligned(np.linspace(0.2, 0.5, 64))
    c = _cache_line_aligned(np.zeros(64))
    reps = 200_000
    arithmetic_loop(a, b, c, 1)
    division_loop(a, b, c, 1)
    # best of many short calls: a transient contention on the host must not set the yardstick
    per_op = _timed(lambda: arithmetic_loop(a, b, c, reps), min_time=2.0, max_repeats=200) / (reps * 64 * 8)
    per_div = _timed(lambda: division_loop(a, b, c, reps), min_time=2.0, max_repeats=200) / (reps * 64)
    return per_op, per_div


def floating_point_bound_us(n_bus: int, sweeps: float, seconds: tuple[float, float] | None = None) -> dict:
    """Least time of one power flow on this machine (microseconds) if only the kernel's arithmetic took time.

    ``sweeps`` backward/forward sweeps (the mean measured, plus the final
    backward sweep), each SWEEP_OPERATIONS operations and SWEEP_DIVISIONS
    divisions per bus and row, at the throughput measured by
    :func:`_operation_seconds` (or ``seconds``, its result taken earlier);
    divisions (with one addition each in the measuring loop) and the other operations run on
    different units, so the bound is the longer of the two.
    """
    per_op, per_div = seconds or _operation_seconds()
    work = sweeps * (n_bus - 1)
    us_ops, us_div = work * SWEEP_OPERATIONS * per_op * 1e6, work * SWEEP_DIVISIONS * per_div * 1e6
    return {
        "us": max(us_ops, us_div),
        "us_operations": us_ops,
        "us_divisions": us_div,
        "ns_per_operation": per_op * 1e9,
        "ns_per_division": per_div * 1e9,
    }


def run(systems=SYSTEMS, batches=BATCHES, references: bool = True) -> dict:
    seconds = _operation_seconds()  # the yardstick of the bound, measured once before the power flows
    rows: list[dict[str, Any]] = []
    for system in systems:
        n_bus = load_network(system).n_bus
        rows += [measure(system, b, references) for b in batches_for(n_bus, batches)]
    report: dict[str, Any] = {"machine": machine(), "rows": rows}
    largest: dict[str, dict] = {}
    for r in rows:
        if r["batch"] >= largest.get(r["system"], r)["batch"]:
            largest[r["system"]] = r
    if len(largest) > 1:
        per_bus = [r["optibench_1thread"] * r["buses"] for r in largest.values()]
        report["bus_throughput_spread"] = max(per_bus) / min(per_bus)
    ieee69 = [r for r in rows if r["system"] == "ieee69" and r["batch"] >= 50]
    if ieee69:
        at_50 = min(ieee69, key=lambda r: r["batch"])
        us = 1e6 / at_50["optibench_1thread"]
        bound = floating_point_bound_us(at_50["buses"], at_50["iterations_mean"] + 1, seconds)
        report["ieee69"] = {
            "batch": at_50["batch"],
            "us_per_powerflow_1thread": us,
            "bound": bound,
            "times_bound": us / bound["us"],
        }
        if "ratio_1thread_vs_pgm_best" in at_50:
            report["ieee69"]["ratio_1thread_vs_pgm_best"] = at_50["ratio_1thread_vs_pgm_best"]
    return report


DESCRIPTION = (
    "Every engine solves the same injections (each row: all loads scaled by a factor from U(0.5, 1.5)). optibench: "
    "`solve_batch`, tolerance 1e-9 p.u. per voltage component, one thread (`numba.set_num_threads(1)`) and all cores; "
    "`solve_trees` (one tree per row, for reconfiguration) on one thread. pandapower: `runpp` Newton-Raphson, one call "
    "per power flow. power-grid-model (PGM): batch calculation, one thread, Newton-Raphson and iterative current, "
    "tolerance 1e-9. The slower engines solve a subset of the rows where the full batch would take minutes; "
    "throughputs are per power flow, so the ratios compare like with like. Feeders of 10,000 buses or more are "
    "solved in batches of at most 1,000 rows. Times are the best of calls repeated for 0.3 s (at least twice; "
    "wall clock), so other work on the machine (see the load average) inflates them all alike."
)
GOALS = {"ieee69_us": 1.0, "ratio_pgm": 25.0, "bus_spread": 1.5}
"""Targets of the kernel: IEEE 69 at batch >= 50 on one thread, its ratio to PGM's fastest method, and the spread of
throughput x buses from 33 to 100,000 buses."""


def goals_table(report: dict) -> list[str]:
    """The kernel's targets beside what this run measured (Markdown lines)."""
    lines = ["| target | measured | met |", "|---|---|---|"]
    if "ieee69" in report:
        r = report["ieee69"]
        us = r["us_per_powerflow_1thread"]
        lines.append(
            f"| IEEE 69, batch {r['batch']}, one thread: <= {GOALS['ieee69_us']:g} us per power flow | {us:.2f} us "
            f"({r['times_bound']:.2f} x the bound of {r['bound']['us']:.2f} us) | {'yes' if us <= GOALS['ieee69_us'] else 'no'} |"
        )
        if "ratio_1thread_vs_pgm_best" in r:
            ratio = r["ratio_1thread_vs_pgm_best"]
            lines.append(
                f"| same, >= {GOALS['ratio_pgm']:g} x PGM's fastest method | {ratio:.1f} x "
                f"| {'yes' if ratio >= GOALS['ratio_pgm'] else 'no'} |"
            )
    if "bus_throughput_spread" in report:
        spread = report["bus_throughput_spread"]
        lines.append(
            f"| throughput x buses within {GOALS['bus_spread']:g} x over the systems (largest batch each, one thread) "
            f"| max / min = {spread:.2f} | {'yes' if spread <= GOALS['bus_spread'] else 'no'} |"
        )
    return lines


def format_report(report: dict, command: str) -> str:
    lines = [
        *report_header("Power-flow kernel throughput", command, report),
        DESCRIPTION,
        "",
        "| system | buses | batch | optibench 1 thread (pf/s) | optibench all cores (pf/s) "
        "| optibench per-row trees 1 thread (pf/s) | bus x pf/s 1 thread (M) | memory per row (B) | kernel block (KiB) "
        "| pandapower runpp (pf/s) | PGM NR (pf/s) | PGM iterative current (pf/s) | x PGM best | x pandapower "
        "| max dV vs pandapower / PGM (p.u.) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in report["rows"]:
        trees = f"{r['optibench_trees_1thread']:,.0f}" if "optibench_trees_1thread" in r else "-"
        line = (
            f"| {r['system']} | {r['buses']} | {r['batch']} | {r['optibench_1thread']:,.0f} | {r['optibench_all_cores']:,.0f} "
            f"| {trees} | {r['optibench_1thread'] * r['buses'] / 1e6:.1f} | {r['bytes_per_row']:,.0f} | {r['block_kib']:,.0f} "
        )
        if "pandapower_runpp" in r:
            dv = r["max_dv_pu"]
            line += (
                f"| {r['pandapower_runpp']:,.1f} | {r['pgm_newton_raphson']:,.0f} | {r['pgm_iterative_current']:,.0f} "
                f"| {r['ratio_1thread_vs_pgm_best']:.1f} | {r['ratio_1thread_vs_pandapower']:,.0f} "
                f"| {dv['pandapower']:.1e} / {np.nanmax([dv['pgm_newton_raphson'], dv['pgm_iterative_current']]):.1e} |"
            )
        else:
            line += "| | | | | | |"
        lines.append(line)
    for r in report["rows"]:
        for failure in r.get("pgm_failures", []):
            lines.append(f"\n{r['system']}, batch {r['batch']}: PGM {failure} (shown as nan).")
    lines += [
        "",
        "memory per row: the peak solve_batch allocates (tracemalloc: its results and the kernel block), "
        "without stored voltages, over the batch size; stored voltages add 16 bytes per bus and row.",
    ]
    if "ieee69" in report:
        r, b = report["ieee69"], report["ieee69"]["bound"]
        text = (
            f"IEEE 69, batch {r['batch']}, one thread: {r['us_per_powerflow_1thread']:.2f} us per power flow, "
            f"{r['times_bound']:.2f} x the floating-point bound of {b['us']:.2f} us computed for this machine "
            f"({b['ns_per_operation']:.3f} ns per operation, {b['ns_per_division']:.3f} ns per division, measured now: "
            f"{b['us_operations']:.2f} us of operations, {b['us_divisions']:.2f} us of divisions)"
        )
        if "ratio_1thread_vs_pgm_best" in r:
            text += f"; {r['ratio_1thread_vs_pgm_best']:.1f} x power-grid-model's fastest method"
        lines += ["", text + "."]
    if "bus_throughput_spread" in report:
        lines.append(
            f"Throughput x buses, largest batch of each system, one thread: max / min over the systems = "
            f"{report['bus_throughput_spread']:.2f}."
        )
    return "\n".join([*lines, "", "Targets:", "", *goals_table(report)])


def add_arguments(parser) -> None:
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems (default: %(default)s)")
    parser.add_argument("--batches", default=",".join(map(str, BATCHES)), help="comma-separated batch sizes")
    parser.add_argument("--no-references", action="store_true", help="time optibench only")
    add_output_arguments(parser)


def run_from_args(args, command: str) -> int:
    before = load_average()
    report = run(
        systems=args.systems.split(","),
        batches=[int(b) for b in args.batches.split(",")],
        references=not args.no_references,
    )
    report["command"] = command
    report["load_average_1min"] = (before, load_average())
    return emit(args, report, format_report(report, command))
