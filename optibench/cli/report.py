"""``optibench report OUTDIR``: tables and statistical tests of a results folder."""
from __future__ import annotations

import sys
from pathlib import Path

REPORT_FILE = "report.md"
_TOLERANCES = ("rtol", "atol", "alpha")


def add_parser(parser) -> None:
    parser.add_argument("outdir", help="results folder written by 'optibench run'")
    parser.add_argument("--format", default="markdown", help="markdown (default), csv (the summary table only) or latex (booktabs)")
    parser.add_argument("--layout", default="long", help="long (default): a row per instance and algorithm; paper: rows best/worst/mean/std per algorithm, a column per instance")
    parser.add_argument("--rtol", type=float, help="success: relative tolerance to the known optimum (default: optibench.report.DEFAULT_RTOL)")
    parser.add_argument("--atol", type=float, help="success: absolute tolerance to the known optimum (default: optibench.report.DEFAULT_ATOL)")
    parser.add_argument("--alpha", type=float, help="significance level of the rank-sum tests (default: optibench.report.DEFAULT_ALPHA)")
    parser.add_argument("-o", "--output", help="write to this file instead of printing")
    parser.epilog = "The report states the tolerances and significance level it used."


def run(args) -> int:
    from optibench.store import ResultStore

    options = {k: getattr(args, k) for k in _TOLERANCES if getattr(args, k) is not None}
    try:
        text = folder_report(ResultStore(args.outdir), args.format, args.layout, **options)
    except (FileNotFoundError, ValueError) as exc:
        print(f"optibench report: {exc}", file=sys.stderr)
        return 2
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def folder_report(store, fmt: str = "markdown", layout: str = "long", **options) -> str:
    """The report of a results folder (a ResultStore), with the commands that made it and regenerate it.

    ``options``: ``rtol``, ``atol``, ``alpha`` of :func:`optibench.report.report_text`.
    """
    from optibench.report import DEFAULT_ATOL, DEFAULT_RTOL, report_text

    meta = store.meta()
    notes = [meta["description"]] if meta.get("description") else []
    notes += [
        f"Made by `{i['command']}` (optibench {i['optibench']}, Python {i['python']}, {i['machine']}, {i['started']})."
        for i in meta.get("invocations", [])
    ]
    notes.append(f"Regenerate this report with `optibench report {store.folder}` and the figures with `optibench plot {store.folder}`.")
    rtol, atol = options.get("rtol", DEFAULT_RTOL), options.get("atol", DEFAULT_ATOL)
    notes.append(f"Success: a feasible run within {atol:g} + {rtol:g} x |optimum| of the known optimum.")
    title = f"Results: {meta.get('experiment', store.folder.name)}"
    return report_text(store.read(), fmt, layout, title=title, notes=tuple(notes), **options)
