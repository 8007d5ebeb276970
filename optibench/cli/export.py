"""``optibench export --format ioh OUTDIR DEST``: a results folder in another tool's format."""

from __future__ import annotations

import sys

EXPORT_FORMATS = ("ioh",)


def add_parser(parser) -> None:
    parser.add_argument(
        "--format", required=True, choices=EXPORT_FORMATS, help="ioh: IOHprofiler's .info/.dat files, for IOHanalyzer"
    )
    parser.add_argument("outdir", help="results folder written by 'optibench run'")
    parser.add_argument("dest", help="folder to write (one sub-folder per algorithm label)")
    parser.epilog = (
        "IOHanalyzer loads DEST (or a zip of it): one function per problem instance (funcName: its name), "
        "best feasible value so far against evaluations, failed runs left out."
    )


def run(args) -> int:
    from optibench.ioh import export_ioh
    from optibench.store import ResultStore, StoreError

    try:
        paths = export_ioh(ResultStore(args.outdir).read(), args.dest, source=args.outdir)
    except (FileNotFoundError, StoreError, ValueError) as exc:
        print(f"optibench export: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0
