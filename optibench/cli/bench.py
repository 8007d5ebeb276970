"""``optibench bench NAME [OPTIONS]``: performance benchmarks (also runnable as benchmarks/perf/NAME.py).

Each benchmark module of :mod:`optibench.benchmarking` declares its own
options (``add_arguments``) and is imported only when it runs, so the heavy
references it compares with never slow down other commands.
"""

from __future__ import annotations

import argparse

BENCHMARKS = {
    "kernel": "power flows per second beside pandapower and power-grid-model",
    "exact": "solve times of the cone programs of the hosting-capacity problem",
    "runner": "runner overhead per run and the speed-up of parallel jobs",
    "sop": "solve times of the SOP siting MILP and its epsilon-constraint front",
    "optimizers": "per-evaluation overhead of the native algorithms beside mealpy, pymoo and nevergrad, "
    "and where each microsecond of an evcs-placement evaluation goes",
    "startup": "wall time of `optibench --help`, `list problems` and `powerflow ieee69`, and their imports",
}


def add_parser(parser) -> None:
    parser.add_argument("benchmark", choices=sorted(BENCHMARKS), help="; ".join(f"{k}: {v}" for k, v in BENCHMARKS.items()))
    parser.add_argument("options", nargs=argparse.REMAINDER, help="the benchmark's own options (NAME --help lists them)")


def run(args) -> int:
    from optibench.benchmarking import run_benchmark

    return run_benchmark(args.benchmark, args.options, f"optibench bench {args.benchmark}")
