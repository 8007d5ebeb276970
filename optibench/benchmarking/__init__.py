"""Performance benchmarks and the reference solvers they compare with.

Each benchmark module declares ``add_arguments(parser)`` and
``run_from_args(args, command)``; :func:`run_benchmark` runs one, both for
``optibench bench NAME`` and for the scripts ``benchmarks/perf/NAME.py``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
from datetime import date
from pathlib import Path


def run_benchmark(name: str, argv: list[str], command: str) -> int:
    """Parse ``argv`` with benchmark ``name``'s options and run it.

    ``command`` is how it was invoked (recorded in reports, e.g.
    ``python benchmarks/perf/kernel.py``); the arguments are appended to it.
    """
    module = importlib.import_module(f"optibench.benchmarking.{name}")
    parser = argparse.ArgumentParser(prog=command, description=(module.__doc__ or name).splitlines()[0])
    module.add_arguments(parser)
    return module.run_from_args(parser.parse_args(argv), shlex.join([*shlex.split(command), *argv]))


def add_output_arguments(parser) -> None:
    """The options every benchmark shares: ``--json`` and ``-o/--output``."""
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("-o", "--output", help="also write the Markdown report to this file (e.g. results/perf/NAME.md)")


def load_average() -> float:
    """The 1-minute load average, recorded before and after a measurement (others' work skews times)."""
    return os.getloadavg()[0]


def report_header(title: str, command: str, report: dict) -> list[str]:
    """The first lines of a benchmark's Markdown report: title, command and date, machine and load average.

    ``report`` holds ``machine`` (a dict) and ``load_average_1min`` (before, after).
    """
    machine = ", ".join(f"{k} {v}" for k, v in report["machine"].items())
    load = " / ".join(f"{x:.2f}" for x in report["load_average_1min"])
    return [
        f"# {title}",
        "",
        f"Command: `{command}`, run {date.today().isoformat()}.",
        "",
        f"Machine: {machine}, 1-minute load average before / after: {load}",
        "",
    ]


def emit(args, report: dict, text: str) -> int:
    """Print ``report`` as JSON (``--json``) or ``text``, and write ``text`` to ``--output`` when given; returns 0."""
    from optibench.cli.output import to_json

    print(to_json(report) if args.json else text)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0
