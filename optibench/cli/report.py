"""``optibench report OUTDIR``: tables and statistical tests of a results folder."""
from __future__ import annotations

import sys
from pathlib import Path

from optibench.report import DEFAULT_ALPHA, DEFAULT_ATOL, DEFAULT_RTOL, FORMATS, LAYOUTS, report_text
from optibench.store import ResultStore

REPORT_FILE = "report.md"


def add_parser(parser) -> None:
    parser.add_argument("outdir", help="results folder written by 'optibench run'")
    parser.add_argument("--format", choices=FORMATS, default="markdown", help="output format (default markdown; csv holds the table only)")
    parser.add_argument("--layout", choices=LAYOUTS, default="long", help="long: one row per instance and algorithm; paper: rows best/worst/mean/std per algorithm, one column per instance")
    parser.add_argument("--rtol", type=float, default=DEFAULT_RTOL, help=f"success: relative tolerance to the known optimum (default {DEFAULT_RTOL:g})")
    parser.add_argument("--atol", type=float, default=DEFAULT_ATOL, help=f"success: absolute tolerance to the known optimum (default {DEFAULT_ATOL:g})")
    parser.add_argument("--alpha", type=float, default=DEFAULT_ALPHA, help=f"significance level of the rank-sum tests (default {DEFAULT_ALPHA:g})")
    parser.add_argument("-o", "--output", help="write to this file instead of printing")


def run(args) -> int:
    store = ResultStore(args.outdir)
    if not store.files():
        print(f"optibench report: {args.outdir} holds no stored runs", file=sys.stderr)
        return 2
    text = folder_report(store, args.format, args.layout, rtol=args.rtol, atol=args.atol, alpha=args.alpha)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def folder_report(
    store: ResultStore,
    fmt: str = "markdown",
    layout: str = "long",
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    alpha: float = DEFAULT_ALPHA,
) -> str:
    """The report of a results folder, with the commands that made it and regenerate it."""
    meta = store.meta()
    invocations = meta.get("invocations", [])
    notes = [meta.get("description", "")] if meta.get("description") else []
    notes += [
        f"Made by `{i['command']}` (optibench {i['optibench']}, Python {i['python']}, {i['machine']}, {i['started']})."
        for i in invocations
    ]
    notes.append(f"Regenerate this report with `optibench report {store.folder}` and the figures with `optibench plot {store.folder}`.")
    notes.append(f"Success: a feasible run within {atol:g} + {rtol:g} x |optimum| of the known optimum.")
    title = f"Results: {meta.get('experiment', store.folder.name)}"
    return report_text(store.read(), fmt, layout, title=title, notes=tuple(notes), rtol=rtol, atol=atol, alpha=alpha)
