"""``optibench plot OUTDIR``: convergence and final-value figures of a results folder."""

from __future__ import annotations

import sys


def add_parser(parser) -> None:
    parser.add_argument("outdir", help="results folder written by 'optibench run'")
    parser.add_argument("--to", help="folder for the figures (default: OUTDIR)")
    parser.epilog = (
        "Figures are byte-stable: a file whose bytes would not change is not rewritten, "
        "so re-plotting unchanged results leaves a committed folder as it was."
    )


def run(args) -> int:
    from optibench.plots import plot_results
    from optibench.store import ResultStore

    try:
        results = ResultStore(args.outdir).read()
    except FileNotFoundError as exc:
        print(f"optibench plot: {exc}", file=sys.stderr)
        return 2
    for path in plot_results(results, args.to or args.outdir):
        print(path)
    return 0
