"""``optibench exact PROBLEM --instance KEY=VALUE,...``: the exact convex baseline of one instance.

``SOLVERS`` maps a problem name to the function (``module:function``) that
solves an instance given as keyword arguments and returns a JSON-ready dict
with at least ``status``; a new exact baseline is one line there.
"""
from __future__ import annotations

import importlib
import json
import sys

from .problem_args import parse_instance

SOLVERS = {
    "hosting-capacity": "optibench.problems.hosting_capacity:solve_exact",
    "sop-operation": "optibench.problems.sop_operation:solve_exact",
    "sop-siting": "optibench.problems.sop_siting:solve_exact",
}


def add_parser(parser) -> None:
    parser.add_argument("problem", choices=sorted(SOLVERS), help="problem with an exact baseline")
    parser.add_argument("--instance", default="", metavar="KEY=VALUE,...", help="instance parameters, e.g. scenario=1,ev=1,bus=18")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.epilog = "Exit status 1 when the solver returns no solution (the output says why), 2 on a bad instance."


def solver(name: str):
    """The solve function registered for problem ``name``."""
    module, _, function = SOLVERS[name].partition(":")
    return getattr(importlib.import_module(module), function)


def run(args) -> int:
    try:
        summary = solver(args.problem)(**parse_instance(args.instance))
    except (TypeError, ValueError) as exc:
        print(f"optibench exact: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_table(summary)
    return 0 if summary["status"] in ("optimal", "optimal_inaccurate") else 1


def _print_table(summary: dict, indent: str = "") -> None:
    for key, value in summary.items():
        if isinstance(value, dict):
            print(f"{indent}{key}:")
            _print_table(value, indent + "  ")
        else:
            print(f"{indent}{key:<34} {value}")
