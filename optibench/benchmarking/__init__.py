"""Performance benchmarks and the reference solvers they compare with.

Each benchmark module declares ``add_arguments(parser)`` and
``run_from_args(args, command)``; :func:`run_benchmark` runs one, both for
``optibench bench NAME`` and for the scripts ``benchmarks/perf/NAME.py``.
"""
from __future__ import annotations

import argparse
import importlib
import shlex


def run_benchmark(name: str, argv: list[str], command: str) -> int:
    """Parse ``argv`` with benchmark ``name``'s options and run it.

    ``command`` is how it was invoked (recorded in reports, e.g.
    ``python benchmarks/perf/kernel.py``); the arguments are appended to it.
    """
    module = importlib.import_module(f"optibench.benchmarking.{name}")
    parser = argparse.ArgumentParser(prog=command, description=module.__doc__.splitlines()[0])
    module.add_arguments(parser)
    return module.run_from_args(parser.parse_args(argv), shlex.join([*shlex.split(command), *argv]))
