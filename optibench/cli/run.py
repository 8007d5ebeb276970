"""``optibench run EXPERIMENT.toml``: run an experiment, store every run, write the report and figures."""
from __future__ import annotations

import shlex
import sys

from optibench.experiment import ExperimentError, load_experiment, parse_experiment
from optibench.runner import BACKENDS, experiment_trials, row_key, run_batch


def add_parser(parser) -> None:
    parser.add_argument("experiment", help="experiment file (TOML), e.g. benchmarks/example.toml")
    parser.add_argument("--runs", type=int, metavar="N", help="runs per problem instance and algorithm (default: the file's)")
    parser.add_argument("--jobs", type=int, metavar="J", help="parallel processes (default -1: one per CPU)")
    parser.add_argument("--out", metavar="DIR", help="results folder (default: the file's output)")
    parser.add_argument("--resume", action="store_true", help="keep the runs already stored in the results folder and do the rest")
    parser.add_argument("--backend", choices=BACKENDS, help="where runs execute: loky (processes here, default) or dask")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --backend dask)")
    parser.epilog = "Writes OUTDIR/results.parquet, OUTDIR/report.md and the figures. Exit status 2 on a bad experiment file or folder."


def run(args) -> int:
    from optibench import __version__
    from optibench.cli.report import REPORT_FILE, folder_report
    from optibench.plots import plot_results
    from optibench.store import ResultStore

    try:
        experiment = load_experiment(args.experiment)
        store = ResultStore(args.out or experiment.output)
        trials, n_stored = _trials_to_do(args, experiment, store)
    except ExperimentError as exc:
        print(f"optibench run: {exc}", file=sys.stderr)
        return 2
    store.record_invocation(experiment, _command(args), __version__)
    print(f"{len(trials)} runs to do, {n_stored} already stored, in {store.folder}", file=sys.stderr)
    run_batch(trials, -1 if args.jobs is None else args.jobs, args.backend or "loky", args.scheduler, on_row=store.write)
    store.consolidate()
    (store.folder / REPORT_FILE).write_text(folder_report(store), encoding="utf-8")
    for path in [store.folder / REPORT_FILE, *plot_results(store.read(), store.folder)]:
        print(path)
    return 0


def _trials_to_do(args, experiment, store):
    """(trials not stored yet, number stored); ExperimentError when the folder or --runs forbid running."""
    if args.runs is not None and args.runs < 1:
        raise ExperimentError(f"--runs must be at least 1, got {args.runs}")
    stored = store.stored_keys()
    if stored and not args.resume:
        raise ExperimentError(f"{store.folder} already holds {len(stored)} runs; add --resume to complete them, or choose another --out")
    if stored and not experiment.defines_same_runs(parse_experiment(store.experiment_file.read_text(), str(store.experiment_file))):
        raise ExperimentError(f"{args.experiment} defines other runs than {store.experiment_file}; --resume needs the same experiment")
    return [t for t in experiment_trials(experiment, args.runs) if row_key(t.identity) not in stored], len(stored)


def _command(args) -> str:
    """The command line of ``args``, as a user would type it."""
    parts = ["optibench", "run", args.experiment]
    for flag in ("runs", "jobs", "out", "backend", "scheduler"):
        value = getattr(args, flag)
        if value is not None:
            parts += [f"--{flag}", str(value)]
    if args.resume:
        parts.append("--resume")
    return shlex.join(parts)
