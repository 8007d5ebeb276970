"""``optibench plot OUTDIR``: figures of a results folder (convergence, final values, ECDF, critical difference)."""

from __future__ import annotations

import sys


def add_parser(parser) -> None:
    parser.add_argument("outdir", help="results folder written by 'optibench run'")
    parser.add_argument("--to", help="folder for the figures (default: OUTDIR)")
    parser.add_argument(
        "--figures",
        help="comma-separated figures to draw: convergence, final_values, ecdf, cd_diagram "
        "(default: all; cd_diagram needs two instances and two algorithms)",
    )
    parser.add_argument("--formats", help="comma-separated file formats: png, svg, pdf (default: png,svg)")
    parser.epilog = (
        "Figures are byte-stable: a file whose bytes would not change is not rewritten, "
        "so re-plotting unchanged results leaves a committed folder as it was."
    )


def run(args) -> int:
    from optibench.cli.report import planned_runs, with_labels
    from optibench.plots import FIGURES, FORMATS, plot_results
    from optibench.store import ResultStore

    figures = _names(args.figures) or FIGURES
    formats = _names(args.formats) or FORMATS
    try:
        store = ResultStore(args.outdir)
        results = store.read()
        results = with_labels(results, planned_runs(store, results)[1])  # instance labels of experiment.toml
        paths = plot_results(results, args.to or args.outdir, figures, formats)
    except (FileNotFoundError, ValueError) as exc:
        print(f"optibench plot: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


def _names(option: str | None) -> list[str]:
    """The comma-separated names of an option (empty when not given)."""
    return [name.strip() for name in (option or "").split(",") if name.strip()]
