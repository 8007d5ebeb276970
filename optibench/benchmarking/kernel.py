"""Power-flow throughput of the sweep kernel beside pandapower and power-grid-model.

For each system and batch size the same random injections (every load scaled
by a factor drawn from U(0.5, 1.5) per row) are solved by

* optibench's ``solve_batch`` on one thread and on all cores;
* optibench's ``solve_trees`` (the changing-topology kernel of
  reconfiguration: every row its own tree, swept one row at a time) on one
  thread, given the network's own tree in every row, since its cost per
  power flow does not depend on which radial configuration a row holds;
* pandapower ``runpp`` (Newton-Raphson), one call per power flow;
* power-grid-model's batch calculation, Newton-Raphson and iterative current,
  one thread;

and the report gives power flows per second, the ratios to the alternatives
and the largest voltage difference between the engines (p.u.). The slower
engines solve a subset of the rows when the full batch would take minutes;
their throughput is per power flow, so the ratios stay comparable.
"""

from __future__ import annotations

import os
import platform
import time

import numba
import numpy as np

from optibench.cli.output import to_json
from optibench.network import load_network
from optibench.powerflow import solve_batch, solve_trees
from optibench.provenance import cpu_model
from optibench.synthetic import synthetic_feeder

FLOOR_US_IEEE69 = 0.7
"""Estimated floating-point bound of one IEEE 69 power flow on the reference machine (microseconds)."""

SYSTEMS = ("ieee33", "ieee69", "synthetic1000", "synthetic10000")
BATCHES = (1, 50, 10_000)


def _network(name: str):
    if name.startswith("synthetic"):
        return synthetic_feeder(int(name.removeprefix("synthetic")), seed=1)
    return load_network(name)


def _timed(fn, min_time: float = 0.3, max_repeats: int = 20) -> float:
    """Best wall time (s) of ``fn()`` over repeats lasting about ``min_time`` in total."""
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


def measure(system: str, batch: int, references: bool = True) -> dict:
    """Throughputs (power flows per second) and voltage differences for one system and batch size."""
    net = _network(system)
    p, q = _injections(net, batch)
    store = batch * net.n_bus <= 2_000_000
    row = {"system": system, "buses": net.n_bus, "batch": batch}
    cores = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]  # numba sets its config attributes at import
    for label, threads in (("optibench_1thread", 1), ("optibench_all_cores", cores)):
        numba.set_num_threads(threads)
        solve_batch(net, p[:1], q[:1])  # compiled before timing
        seconds = _timed(lambda: solve_batch(net, p, q, store_voltages=store))
        row[label] = batch / seconds
    numba.set_num_threads(1)
    order, parent, r, x = (np.broadcast_to(a, (batch, net.n_bus)) for a in (net.order, net.parent, net.r_pu, net.x_pu))
    solve_trees(net, order[:1], parent[:1], r[:1], x[:1], p[:1], q[:1])  # compiled before timing
    row["optibench_trees_1thread"] = batch / _timed(lambda: solve_trees(net, order, parent, r, x, p, q, store_voltages=store))
    numba.set_num_threads(cores)
    ours = solve_batch(net, p, q, store_voltages=store)
    row["iterations_mean"] = float(ours.iterations.mean())
    row["converged"] = bool(ours.converged.all())
    if not references:
        return row

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
        pgm.solve_batch(p[:1], q[:1], method)
        seconds = _timed(lambda method=method: pgm.solve_batch(p[:pgm_rows], q[:pgm_rows], method), max_repeats=3)
        row[f"pgm_{method}"] = pgm_rows / seconds
        v_pgm = pgm.solve_batch(p[:check_rows], q[:check_rows], method)
        diffs[f"pgm_{method}"] = float(np.abs(v_pgm - v_ours).max())
    row["max_dv_pu"] = diffs
    pgm_best = max(row["pgm_newton_raphson"], row["pgm_iterative_current"])
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


def run(systems=SYSTEMS, batches=BATCHES, references: bool = True) -> dict:
    rows = [measure(s, b, references) for s in systems for b in batches]
    report = {"machine": machine(), "rows": rows}
    by_key = {(r["system"], r["batch"]): r for r in rows}
    big = [r for r in rows if r["batch"] == max(batches)]
    if len(big) > 1:
        per_bus = [r["optibench_1thread"] * r["buses"] for r in big]
        report["bus_throughput_spread"] = max(per_bus) / min(per_bus)
    ieee69 = by_key.get(("ieee69", max(batches)))
    if ieee69:
        us = 1e6 / ieee69["optibench_1thread"]
        report["ieee69_us_per_powerflow_1thread"] = us
        report["ieee69_times_floor"] = us / FLOOR_US_IEEE69
    return report


def format_report(report: dict) -> str:
    lines = [
        "machine: " + ", ".join(f"{k} {v}" for k, v in report["machine"].items()),
        "",
        "| system | buses | batch | optibench 1 thread (pf/s) | optibench all cores (pf/s) "
        "| optibench per-row trees 1 thread (pf/s) | pandapower runpp (pf/s) "
        "| PGM NR (pf/s) | PGM iterative current (pf/s) | x PGM best | x pandapower | max dV vs pandapower / PGM (p.u.) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in report["rows"]:
        if "pandapower_runpp" in r:
            dv = r["max_dv_pu"]
            lines.append(
                f"| {r['system']} | {r['buses']} | {r['batch']} | {r['optibench_1thread']:,.0f} | "
                f"{r['optibench_all_cores']:,.0f} | {r['optibench_trees_1thread']:,.0f} "
                f"| {r['pandapower_runpp']:,.1f} | {r['pgm_newton_raphson']:,.0f} | {r['pgm_iterative_current']:,.0f} "
                f"| {r['ratio_1thread_vs_pgm_best']:.1f} | {r['ratio_1thread_vs_pandapower']:,.0f} "
                f"| {dv['pandapower']:.1e} / {max(dv['pgm_newton_raphson'], dv['pgm_iterative_current']):.1e} |"
            )
        else:
            lines.append(
                f"| {r['system']} | {r['buses']} | {r['batch']} | {r['optibench_1thread']:,.0f} | "
                f"{r['optibench_all_cores']:,.0f} | {r['optibench_trees_1thread']:,.0f} | | | | | | |"
            )
    if "ieee69_us_per_powerflow_1thread" in report:
        lines += [
            "",
            f"IEEE 69, largest batch, one thread: {report['ieee69_us_per_powerflow_1thread']:.2f} us per power flow, "
            f"{report['ieee69_times_floor']:.1f} x the estimated floating-point bound of {FLOOR_US_IEEE69} us.",
        ]
    if "bus_throughput_spread" in report:
        lines.append(
            f"Throughput x buses, largest batch, one thread: max / min over the systems = {report['bus_throughput_spread']:.2f}."
        )
    return "\n".join(lines)


def add_arguments(parser) -> None:
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems (default: %(default)s)")
    parser.add_argument("--batches", default=",".join(map(str, BATCHES)), help="comma-separated batch sizes")
    parser.add_argument("--no-references", action="store_true", help="time optibench only")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run_from_args(args, command: str) -> int:
    report = run(
        systems=args.systems.split(","),
        batches=[int(b) for b in args.batches.split(",")],
        references=not args.no_references,
    )
    report["command"] = command
    print(to_json(report) if args.json else f"command: {command}\n" + format_report(report))
    return 0
