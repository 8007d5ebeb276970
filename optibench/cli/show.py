"""``optibench show PROBLEM --instance ...``: variables, objectives, constraints and the known optimum."""

from __future__ import annotations

import sys

from .output import to_json
from .problem_args import add_problem_arguments, build_problem

SHOWN_VALUES = 8
"""Values of a long solution printed in the text output."""


def add_parser(parser) -> None:
    add_problem_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    from optibench.known_optima import find

    try:
        problem = build_problem(args)
    except ValueError as exc:
        print(f"optibench show: {exc}", file=sys.stderr)
        return 2
    description = problem.describe()
    found = find(problem.name, problem.instance)
    description["known_optimum_file"] = None if found is None else str(found[1])
    if args.json:
        print(to_json(description))
        return 0
    for key, value in description.items():
        if key == "variables":
            print("variables:")
            for var in value:
                print(
                    "  "
                    + ", ".join(f"{k}={v}" for k, v in var.items() if k != "choices")
                    + (f", {len(var['choices'])} choices" if "choices" in var else "")
                )
        elif key == "known_optimum":
            _print_optimum(value)
        elif key != "known_optimum_file":
            print(f"{key}: {value}")
    if description["known_optimum_file"] is not None:
        print(f"  stored in: {description['known_optimum_file']}")
    return 0


def _print_optimum(optimum: dict | None) -> None:
    if optimum is None:
        print("known_optimum: none stored")
        return
    print(f"known_optimum: {optimum['value']} ({optimum['status']})")
    for key in ("method", "tolerance", "incumbent", "computed", "solution"):
        value = optimum.get(key)
        values = value.split(",") if key == "solution" and isinstance(value, str) else value
        if isinstance(values, list) and len(values) > SHOWN_VALUES:
            shown = [v.strip() if isinstance(v, str) else f"{v:.6g}" for v in values[:SHOWN_VALUES]]
            value = ", ".join(shown) + f", ... ({len(values)} values; --json for all)"
        if value not in (None, ""):
            print(f"  {key}: {value}")
