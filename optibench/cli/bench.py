"""``optibench bench NAME``: performance benchmarks (also runnable as benchmarks/perf/NAME.py)."""
from __future__ import annotations

import importlib

BENCHMARKS = {
    "kernel": "power flows per second beside pandapower and power-grid-model",
    "exact": "solve times of the cone programs of the hosting-capacity problem",
}


def add_parser(parser) -> None:
    sub = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for name, help_text in BENCHMARKS.items():
        module = importlib.import_module(f"optibench.benchmarking.{name}")
        module.add_arguments(sub.add_parser(name, help=help_text, description=module.__doc__.splitlines()[0]))


def run(args) -> int:
    return importlib.import_module(f"optibench.benchmarking.{args.benchmark}").run_from_args(args)
