"""``optibench bench NAME [OPTIONS]``: performance benchmarks (also runnable as benchmarks/perf/NAME.py).

Each benchmark module of :mod:`optibench.benchmarking` declares its own
options (``add_arguments``) and is imported only when it runs, so the heavy
references it compares with never slow down other commands.
"""
from __future__ import annotations

import argparse
import importlib

BENCHMARKS = {
    "kernel": "power flows per second beside pandapower and power-grid-model",
    "exact": "solve times of the cone programs of the hosting-capacity problem",
    "runner": "runner overhead per run and the speed-up of parallel jobs",
}


def add_parser(parser) -> None:
    parser.add_argument("benchmark", choices=sorted(BENCHMARKS),
                        help="; ".join(f"{k}: {v}" for k, v in BENCHMARKS.items()))
    parser.add_argument("options", nargs=argparse.REMAINDER, help="the benchmark's own options (NAME --help lists them)")


def run(args) -> int:
    module = importlib.import_module(f"optibench.benchmarking.{args.benchmark}")
    own = argparse.ArgumentParser(prog=f"optibench bench {args.benchmark}", description=module.__doc__.splitlines()[0])
    module.add_arguments(own)
    return module.run_from_args(own.parse_args(args.options))
