"""``optibench exact PROBLEM --instance KEY=VALUE,... [--options KEY=VALUE,...]``: an instance's exact baseline.

The problem family offers it as ``exact(**options)`` beside its problem
(see :class:`optibench.problem.Problem`): a cone program, a MILP or a
Pareto front, re-checked by the AC power flow, returned as a JSON-ready
summary with the solver's ``status``.
"""

from __future__ import annotations

import sys

from .output import solver_output_to_stderr, to_json
from .problem_args import add_problem_arguments, build_problem, parse_instance


def add_parser(parser) -> None:
    add_problem_arguments(parser)
    parser.add_argument(
        "--options",
        default="",
        metavar="KEY=VALUE,...",
        help="options of the exact method, e.g. relaxation=linear,binary=true (hosting-capacity), "
        "points=10 (sop-siting with objectives=2)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.epilog = (
        "Exit status 1 when the solver returns no solution (the output says why), "
        "2 on a bad instance or a problem without an exact baseline."
    )


def run(args) -> int:
    try:
        options = parse_instance(args.options)
        problem = build_problem(args)
        if not hasattr(problem, "exact"):
            raise ValueError(f"{problem.name} offers no exact baseline")
        with solver_output_to_stderr():
            summary = problem.exact(**options)
    except (TypeError, ValueError) as exc:
        print(f"optibench exact: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(to_json(summary))
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
