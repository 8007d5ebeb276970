"""``optibench plot OUTDIR``: convergence and final-value figures of a results folder."""
from __future__ import annotations

import sys


def add_parser(parser) -> None:
    parser.add_argument("outdir", help="results folder written by 'optibench run'")
    parser.add_argument("--to", help="folder for the figures (default: OUTDIR)")


def run(args) -> int:
    from optibench.plots import plot_results
    from optibench.store import ResultStore

    store = ResultStore(args.outdir)
    if not store.files():
        print(f"optibench plot: {args.outdir} holds no stored runs", file=sys.stderr)
        return 2
    for path in plot_results(store.read(), args.to or store.folder):
        print(path)
    return 0
