"""``optibench merge A B ... --out C``: join results folders, then write the merged report and figures."""

from __future__ import annotations

import sys


def add_parser(parser) -> None:
    parser.add_argument("folders", nargs="+", help="results folders written by 'optibench run' (at least two)")
    parser.add_argument("--out", required=True, help="merged folder: a new one, or one of FOLDERS to merge into it")
    parser.epilog = (
        "A run stored in two folders must have the same seed and outcome there, and a label must name the same "
        "algorithm and parameters; otherwise nothing is written and the conflict is named. "
        "This adds a new algorithm's runs to a stored comparison without re-running the others."
    )


def run(args) -> int:
    from optibench.cli.run import _write_report_and_figures
    from optibench.merge import merge_folders
    from optibench.store import ResultStore, StoreError

    try:
        merged = merge_folders(args.folders, args.out)
    except (FileNotFoundError, StoreError, ValueError) as exc:
        print(f"optibench merge: {exc}", file=sys.stderr)
        return 2
    labels = ", ".join(merged["label"].unique())
    print(f"{len(merged)} runs ({labels}) in {args.out}")
    for path in _write_report_and_figures(ResultStore(args.out)):
        print(path)
    return 0
