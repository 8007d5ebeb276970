"""``optibench evaluate PROBLEM --instance ... --x "..."``: check one solution by hand."""

from __future__ import annotations

import sys

from .output import print_result
from .problem_args import add_problem_arguments, build_problem


def add_parser(parser) -> None:
    add_problem_arguments(parser)
    parser.add_argument(
        "--x", required=True, help='the solution in the problem\'s own terms, e.g. "12,27,61" or "13:846,30:1159"'
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    try:
        problem = build_problem(args)
        report = problem.report(problem.parse_solution(args.x))
    except ValueError as exc:
        print(f"optibench evaluate: {exc}", file=sys.stderr)
        return 2
    report = {"problem": problem.name, "instance": problem.instance, **report}
    print_result(report, args.json, key_width=22)
    return 0
