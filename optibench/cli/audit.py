"""``optibench audit OUTDIR``: re-run stored runs of a results folder and regenerate its report."""

from __future__ import annotations

import sys


def add_parser(parser) -> None:
    parser.add_argument("outdir", nargs="+", help="results folder(s) written by 'optibench run'")
    parser.add_argument("--runs", type=int, default=2, metavar="N", help="stored runs to re-run per folder (default 2)")
    parser.add_argument(
        "--max-ulp",
        type=int,
        default=0,
        metavar="U",
        help="largest difference allowed in units in the last place (default 0: bit-identical)",
    )
    parser.epilog = "Exit status 1 when a re-run or the regenerated report differs from what is stored, 2 on a bad folder."


def run(args) -> int:
    from optibench.audit import audit_folder
    from optibench.experiment import ExperimentError

    if args.runs < 1 or args.max_ulp < 0:
        print("optibench audit: --runs must be >= 1 and --max-ulp >= 0", file=sys.stderr)
        return 2
    failed = False
    for folder in args.outdir:
        try:
            result = audit_folder(folder, args.runs, args.max_ulp)
        except (FileNotFoundError, ExperimentError) as exc:
            print(f"optibench audit: {folder}: {exc}", file=sys.stderr)
            return 2
        runs = ", ".join(f"{label} run {run}" for label, run, _ in result.runs)
        print(f"{folder}: {'ok' if result.ok else 'DIFFERS'} (re-ran {runs}; report regenerated)")
        for line in result.mismatches:
            print(f"  {line}")
        failed |= not result.ok
    return 1 if failed else 0
