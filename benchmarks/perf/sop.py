"""SOP siting MILP benchmark: ``python benchmarks/perf/sop.py [--system quad] [--points N] [--json]``.

Times one eq. 21 MILP (HiGHS, 0.1 % gap, with its AC re-check) and an
``N``-point epsilon-constraint front (eq. 23-24, the largest-capacity MILP
included) of paper 001's siting problem. Targets on the 2-core reference
machine: one four-feeder MILP < 60 s; a 20-point front < 10 min. With
``N`` < 20 the 20-point time is also given, extrapolated linearly from the
measured time per front point (labelled as such).
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from optibench.benchmarking.kernel import machine
from optibench.problems.sop_siting import SitingCase, pareto_front, solve_plan

ONE_MILP_TARGET_S = 60.0
FRONT_TARGET_S = 600.0
TARGET_POINTS = 20


def run(system: str, points: int) -> dict:
    """Wall times (s) of one MILP and of a ``points``-point front on ``system``, with their outcome."""
    start = time.perf_counter()
    plan = solve_plan(SitingCase(system))
    one = time.perf_counter() - start
    start = time.perf_counter()
    front = pareto_front(SitingCase(system), points=points)
    wall = time.perf_counter() - start
    report = {
        "machine": machine(), "system": system,
        "one_milp": {"wall_s": one, "solver_s": plan["solve_time_s"], "status": plan["status"],
                     "capacity_kw": plan.get("total_capacity_kw")},
        "front": {"points": points, "wall_s": wall, "optimal": sum(p["status"] == "optimal" for p in front)},
    }
    if points < TARGET_POINTS:
        report["front"]["extrapolated_20_point_s"] = wall / points * TARGET_POINTS
    return report


def format_report(report: dict) -> str:
    one, front = report["one_milp"], report["front"]
    lines = [
        "machine: " + ", ".join(f"{k} {v}" for k, v in report["machine"].items()), "",
        "| measurement | time (s) | target (s) | notes |", "|---|---:|---:|---|",
        f"| one eq. 21 MILP on {report['system']} (build + solve + AC re-check) | {one['wall_s']:.1f} | {ONE_MILP_TARGET_S:.0f} "
        f"| HiGHS {one['solver_s']:.1f} s, {one['status']}, capacity {one['capacity_kw']:.0f} kW |",
        f"| {front['points']}-point front on {report['system']} (measured) | {front['wall_s']:.1f} | | {front['optimal']} optimal |",
    ]
    if "extrapolated_20_point_s" in front:
        lines.append(f"| 20-point front, EXTRAPOLATED from the {front['points']}-point time | {front['extrapolated_20_point_s']:.0f} "
                     f"| {FRONT_TARGET_S:.0f} | linear in the number of points; not measured |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", default="quad", help="dual or quad (default: %(default)s)")
    parser.add_argument("--points", type=int, default=TARGET_POINTS, help="front points (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    report = run(args.system, args.points)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
