"""The ``optibench`` command line.

Each sub-command lives in its own module of this package with two functions,
``add_parser(subparsers)`` and ``run(args) -> int``; ``COMMANDS`` lists them.
Modules are imported only when their command runs, so start-up stays fast.
When the reader of the output goes away (``optibench list problems | head -1``)
the command stops quietly, as other command-line tools do.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = {
    "powerflow": "Solve a power flow of a network and print a table or JSON.",
    "networks": "List the shipped test systems.",
    "list": "List the registered problems or algorithms, built-in and from plugins.",
    "bench": "Run a performance benchmark.",
    "show": "Describe a problem instance: variables, objectives, constraints, known optimum.",
    "evaluate": "Evaluate one solution of a problem instance, given in the problem's own terms.",
    "certify": "Exact optimum of a problem instance where a method proves it (status proven / bound / best-known).",
    "exact": "Solve a problem instance's exact baseline (cone program, MILP, front) and re-check it by AC power flow.",
    "run": "Run an experiment file: every run stored, then the report and figures.",
    "report": "Tables and statistical tests of a results folder.",
    "plot": "Figures of a results folder: convergence, final values, ECDF, critical-difference diagram.",
    "merge": "Join results folders (a new algorithm's runs with a stored comparison); refuse runs that disagree.",
    "export": "Export a results folder in another tool's format (IOHprofiler, for IOHanalyzer).",
    "audit": "Re-run stored runs of results folders from their seeds and regenerate their reports; compare.",
    "stability": "Voltage stability reserve K_U and power reserve K_P of a network by load continuation.",
}


EXIT_BROKEN_PIPE = 141
"""Exit status when the output pipe closed early: 128 + SIGPIPE, what a shell reports for other tools."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="optibench", description="Metaheuristic benchmarks on power distribution networks.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"optibench.cli.{name}")
        module.add_parser(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module = importlib.import_module(f"optibench.cli.{args.command}")
    try:
        status = module.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader closed the pipe: send what is still buffered nowhere, so the final flush at exit cannot fail
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status
