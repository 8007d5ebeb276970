"""Solve times of paper 001's SOP siting MILP: one eq. 21 plan and an N-point epsilon-constraint front.

Times one eq. 21 MILP (HiGHS, 0.1 % gap, with its AC re-check) and an
``--points``-point epsilon-constraint front (eq. 23-24, the largest-capacity
MILP included) on ``--system``, both through the registry
(``get_problem("sop-siting", ...).exact()``), so the times include building
the problem (and its inner LP). Targets on the 2-core reference machine: one
four-feeder MILP < 60 s; a 20-point front < 10 min (measured, the default).
"""

from __future__ import annotations

import time
from typing import Any

from optibench.benchmarking import add_output_arguments, emit, load_average, report_header
from optibench.benchmarking.kernel import machine
from optibench.exact.sweep import exact_summary

ONE_MILP_TARGET_S = 60.0
FRONT_TARGET_S = 600.0
TARGET_POINTS = 20


def run(system: str, points: int) -> dict:
    """Wall times (s) of one MILP and of a ``points``-point front on ``system``, with their outcome."""
    load_before = load_average()
    start = time.perf_counter()
    plan = exact_summary("sop-siting", {"system": system}, {})
    one = time.perf_counter() - start
    start = time.perf_counter()
    front = exact_summary("sop-siting", {"system": system, "objectives": 2}, {"points": points})["front"]
    wall = time.perf_counter() - start
    report: dict[str, Any] = {
        "machine": machine(),
        "system": system,
        "one_milp": {
            "wall_s": one,
            "solver_s": plan["solve_time_s"],
            "status": plan["status"],
            "mip_gap": plan.get("mip_gap"),
            "capacity_kw": plan.get("total_capacity_kw"),
        },
        "front": {"points": points, "wall_s": wall, "optimal": sum(p["status"] == "optimal" for p in front)},
        "load_average_1min": [load_before, load_average()],
    }
    return report


def format_report(report: dict, command: str) -> str:
    """The Markdown report of :func:`run`, headed by ``command``."""
    one, front = report["one_milp"], report["front"]
    gap = "" if one["mip_gap"] is None else f" at MIP gap {100 * one['mip_gap']:.2g} %"
    lines = [
        *report_header("SOP siting (paper 001) MILP: solve times", command, report),
        "| measurement | time (s) | target (s) | notes |",
        "|---|---:|---:|---|",
        f"| one eq. 21 MILP on {report['system']} (build + solve + AC re-check) | {one['wall_s']:.1f} | {ONE_MILP_TARGET_S:.0f} "
        f"| HiGHS {one['solver_s']:.1f} s, {one['status']}{gap}, capacity {one['capacity_kw']:.0f} kW |",
        f"| {front['points']}-point front on {report['system']} (measured) | {front['wall_s']:.1f} "
        f"| {FRONT_TARGET_S if front['points'] == TARGET_POINTS else ''} | {front['optimal']} optimal |",
    ]
    return "\n".join(lines)


def add_arguments(parser) -> None:
    parser.add_argument("--system", default="quad", help="dual or quad (default: %(default)s)")
    parser.add_argument("--points", type=int, default=TARGET_POINTS, help="front points (default: %(default)s)")
    add_output_arguments(parser)


def run_from_args(args, command: str) -> int:
    report = run(args.system, args.points)
    report["command"] = command
    return emit(args, report, format_report(report, command))
