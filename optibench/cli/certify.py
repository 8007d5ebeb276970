"""``optibench certify PROBLEM --instance ... [--store]``: exact optimum by enumeration."""
from __future__ import annotations

import datetime
import sys
import time

from .output import print_result
from .problem_args import add_problem_arguments, build_problem


def add_parser(parser) -> None:
    add_problem_arguments(parser)
    parser.add_argument("--store", action="store_true", help="save it as the instance's known optimum")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    from optibench.known_optima import store
    from optibench.problem import KnownOptimum

    try:
        problem = build_problem(args)
        if not hasattr(problem, "certify"):
            raise ValueError(f"{problem.name} offers no exact method")
        start = time.perf_counter()
        fields, flows = problem.certify()
    except ValueError as exc:
        print(f"optibench certify: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    optimum = KnownOptimum(**fields, computed=datetime.date.today().isoformat())
    if args.store:
        store(problem.name, problem.instance, optimum)
    out = {"problem": problem.name, "instance": problem.instance, **vars(optimum),
           "power_flows": flows, "time_s": seconds, "stored": args.store}
    print_result(out, args.json, key_width=12)
    return 0
