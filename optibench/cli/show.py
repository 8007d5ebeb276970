"""``optibench show PROBLEM --instance ...``: variables, objectives, constraints and the known optimum."""
from __future__ import annotations

import json
import sys

from .problem_args import add_problem_arguments, build_problem


def add_parser(parser) -> None:
    add_problem_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    try:
        description = build_problem(args).describe()
    except ValueError as exc:
        print(f"optibench show: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(description, indent=2))
        return 0
    for key, value in description.items():
        if key == "variables":
            print("variables:")
            for var in value:
                print("  " + ", ".join(f"{k}={v}" for k, v in var.items() if k != "choices")
                      + (f", {len(var['choices'])} choices" if "choices" in var else ""))
        else:
            print(f"{key}: {value}")
    return 0
