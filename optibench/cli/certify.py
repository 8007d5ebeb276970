"""``optibench certify PROBLEM --instance ... [--option ...] [--store [PATH]]``: an instance's known optimum, with its status.

The exact optimum where a method proves it (status ``proven``), else a
``bound`` with its incumbent or the ``best-known`` value with what found it;
see :mod:`optibench.known_optima`. ``--store`` saves it in the user's cache
(``$XDG_CACHE_HOME/optibench/known_optima.json``), ``--store PATH`` in PATH;
nothing is written into the installed package. ``--option`` passes options to
the family's method (``reconfiguration``: ``method=enumeration`` or
``misocp``, ``time_limit_s``).
"""

from __future__ import annotations

import sys

from .output import print_result, solver_output_to_stderr
from .problem_args import add_problem_arguments, build_problem, parse_instance


def add_parser(parser) -> None:
    add_problem_arguments(parser)
    parser.add_argument(
        "--store",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="save it as the instance's known optimum: in the user's cache "
        "($XDG_CACHE_HOME/optibench/known_optima.json), or in PATH when given",
    )
    parser.add_argument(
        "--option",
        default="",
        metavar="KEY=VALUE,...",
        help="options of the family's method, e.g. method=misocp,time_limit_s=600 for reconfiguration",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    from optibench.known_optima import certify, check_storable, store

    try:
        problem = build_problem(args)
        if args.store is not None:
            check_storable(problem.name, problem.instance)
        with solver_output_to_stderr():
            optimum, info = certify(problem, **parse_instance(args.option))
    except (ValueError, RuntimeError) as exc:
        print(f"optibench certify: {exc}", file=sys.stderr)
        return 2
    stored = None
    if args.store is not None:
        stored = str(store(problem.name, problem.instance, optimum, args.store or None))
    out = {"problem": problem.name, "instance": problem.instance, **vars(optimum), **info, "stored": stored}
    print_result(out, args.json, key_width=12)
    return 0
