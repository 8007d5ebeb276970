"""``optibench list problems|algorithms``: what the registry holds, built-in and plugins.

A plug-in that fails to load is left out with a warning; a name declared twice is an error.
A name family (``ng:<name>``: nevergrad's optimizers) is one line at the end, imported by
nothing; ``--all`` lists each of its names, importing the library behind it.
"""

from __future__ import annotations

import importlib
import inspect
import sys

from .output import to_json

KINDS = ("problems", "algorithms")


def add_parser(parser) -> None:
    parser.add_argument("kind", choices=KINDS, help="what to list")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--all", action="store_true", help="also list every name of the name families (ng:<name>: imports nevergrad)"
    )


def describe(kind: str, name: str) -> dict:
    """Name, defining class, first docstring line and constructor parameters of one registry entry.

    An optimizer lists its resolved parameters with their defaults (pymoo's
    wrappers included, whose constructors take ``**options``).
    """
    from optibench.optimizer import Optimizer
    from optibench.registry import registered

    obj = registered(kind, name)
    if isinstance(obj, type) and issubclass(obj, Optimizer):
        parameters = [f"{key}={value!r}" for key, value in obj().params.items()]
    else:
        parameters = [str(p.replace(annotation=p.empty)) for p in inspect.signature(obj).parameters.values()]
    return {
        "name": name,
        "object": f"{obj.__module__}.{obj.__qualname__}",
        "summary": (inspect.getdoc(obj) or "").split("\n")[0],
        "parameters": parameters,
    }


def run(args) -> int:
    """Print the registry's names; exit status 2 (with the reason) when two sources declare one name."""
    from optibench.registry import NameCollision, algorithm_names, family_names, name_families, problem_names

    try:
        names = problem_names() if args.kind == "problems" else algorithm_names()
        if args.all:
            names += [name for prefix in name_families(args.kind) for name in family_names(args.kind, prefix)]
    except (NameCollision, ModuleNotFoundError) as exc:
        print(f"optibench list: error: {exc}", file=sys.stderr)
        return 2
    rows = [describe(args.kind, name) for name in names]
    if args.json:
        print(to_json(rows))
        return 0
    width = max((len(r["name"]) for r in rows), default=4)
    for r in rows:
        print(f"{r['name']:<{width}}  {r['summary']}")
        print(f"{'':<{width}}  {r['object']}({', '.join(r['parameters'])})")
    if not args.all:
        for line in family_notes(args.kind):
            print(line)
    return 0


def family_notes(kind: str) -> list[str]:
    """One indented line per name family of ``kind``: its prefix, what it is and how to list or install it.

    Imports the family's adapter module (its docstring, ``installed()`` and
    ``INSTALL``), not the library behind it.
    """
    from optibench.registry import name_families

    lines = []
    for prefix, module_name in name_families(kind).items():
        module = importlib.import_module(module_name)
        summary = (inspect.getdoc(module) or "").split("\n")[0].rstrip(".")
        how = f"`optibench list {kind} --all` lists them" if module.installed() else f"not installed: {module.INSTALL}"
        lines.append(f"  {prefix}<name>  {summary} ({how})")
    return lines
