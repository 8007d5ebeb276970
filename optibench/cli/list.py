"""``optibench list problems|algorithms``: what the registry holds, built-in and plugins."""
from __future__ import annotations

import inspect
import json

KINDS = ("problems", "algorithms")


def add_parser(parser) -> None:
    parser.add_argument("kind", choices=KINDS, help="what to list")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def describe(kind: str, name: str) -> dict:
    """Name, defining class, first docstring line and constructor parameters of one registry entry."""
    from optibench.registry import registered

    obj = registered(kind, name)
    return {
        "name": name,
        "object": f"{obj.__module__}.{obj.__qualname__}",
        "summary": (inspect.getdoc(obj) or "").split("\n")[0],
        "parameters": [str(p.replace(annotation=p.empty)) for p in inspect.signature(obj).parameters.values()],
    }


def run(args) -> int:
    from optibench.registry import algorithm_names, problem_names

    names = problem_names() if args.kind == "problems" else algorithm_names()
    rows = [describe(args.kind, name) for name in names]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max((len(r["name"]) for r in rows), default=4)
    for r in rows:
        print(f"{r['name']:<{width}}  {r['summary']}")
        print(f"{'':<{width}}  {r['object']}({', '.join(r['parameters'])})")
    return 0
