"""``optibench run EXPERIMENT.toml``: run an experiment, store every run, write the report and figures."""

from __future__ import annotations

import shlex
import sys
import tempfile
from pathlib import Path

from optibench.experiment import ExperimentError, load_experiment, parse_experiment
from optibench.runner import BACKENDS, SchedulerError, check_n_jobs, experiment_trials, row_key, run_batch

INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT)."""


def add_parser(parser) -> None:
    parser.add_argument("experiment", help="experiment file (TOML), e.g. benchmarks/example.toml")
    parser.add_argument("--runs", type=int, metavar="N", help="runs per problem instance and algorithm (default: the file's)")
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="J",
        help="worker processes, >= 1 (1: runs in this process), or -1 for one per CPU (default); never more than the runs left",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="results folder, anywhere (default: the file's output, which must lie below the current folder)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="keep the runs already stored in the results folder and do the rest"
    )
    parser.add_argument(
        "--retry-failed", action="store_true", help="with --resume: run the failed runs again and replace their rows"
    )
    parser.add_argument(
        "--quarantine",
        action="store_true",
        help="with --resume: move unreadable or foreign files of the results folder into OUTDIR/quarantine/ and go on",
    )
    parser.add_argument("--backend", choices=BACKENDS, help="where runs execute: loky (processes here, default) or dask")
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --backend dask)"
    )
    parser.epilog = (
        "Writes OUTDIR/results.parquet, OUTDIR/report.md and the figures; a folder that already holds the complete "
        "experiment is left as it is. A run that fails is stored with status 'failed' and its error, and the batch goes on. "
        "One 'optibench run' at a time per folder (lock file OUTDIR/.optibench.lock). "
        "Exit status 2 on a bad experiment file, folder or option, 130 after Ctrl-C."
    )


def run(args) -> int:
    from optibench import __version__
    from optibench.results_folder import FolderError, FolderLock, check_folder, output_folder
    from optibench.store import ResultStore, StoreError

    try:
        n_jobs, backend = _options(args)
        experiment = load_experiment(args.experiment)
        folder = output_folder(experiment, args.out, args.experiment)
        check_folder(folder)
        with FolderLock(folder):
            return _run_locked(args, experiment, ResultStore(folder), n_jobs, backend, __version__)
    except (ExperimentError, FolderError, StoreError, SchedulerError) as exc:
        print(f"optibench run: {exc}", file=sys.stderr)
        return 2


def _options(args) -> tuple[int, str]:
    """(n_jobs, backend) from ``--jobs``, ``--backend`` and ``--scheduler``; ExperimentError when they conflict."""
    try:
        n_jobs = check_n_jobs(-1 if args.jobs is None else args.jobs)
    except ValueError:
        raise ExperimentError(f"--jobs must be an integer >= 1, or -1 for one process per CPU; got {args.jobs}") from None
    for flag in ("retry_failed", "quarantine"):
        if getattr(args, flag, False) and not args.resume:
            raise ExperimentError(f"--{flag.replace('_', '-')} applies with --resume only")
    backend = args.backend
    if args.scheduler is not None:
        if backend == "loky":
            raise ExperimentError("--scheduler applies to --backend dask only")
        if backend is None:
            print("optibench run: --scheduler given: using --backend dask", file=sys.stderr)
        backend = "dask"
    return n_jobs, backend or "loky"


def _run_locked(args, experiment, store, n_jobs: int, backend: str, version: str) -> int:
    """The run, once the results folder is locked: the runs left, then the report and figures."""
    _set_aside_problems(args, store)
    trials, n_stored = _trials_to_do(args, experiment, store)
    if trials:
        if backend == "dask":
            _check_scheduler(args.scheduler)
        store.record_invocation(experiment, _command(args), version)
        print(f"{len(trials)} runs to do, {n_stored} already stored, in {store.folder}", file=sys.stderr)
        try:
            run_batch(trials, n_jobs, backend, args.scheduler, on_row=store.write)
        except KeyboardInterrupt:
            return _interrupted(args, experiment, store)
        store.consolidate()
        store.record_end()
    else:
        print(
            f"{store.folder} already holds the complete experiment ({n_stored} runs); nothing to run; "
            f"its table: {store.folder / 'report.md'}",
            file=sys.stderr,
        )
    for path in _write_report_and_figures(store):
        print(path)
    failed = sum(status == "failed" for status in store.stored_status().values())
    if failed:
        print(
            f"optibench run: {failed} runs failed (stored with status 'failed' and their error in {store.folder}); "
            f"run them again with: {_resume_command(args, store.folder, retry=True)}",
            file=sys.stderr,
        )
    return 0


def _set_aside_problems(args, store) -> None:
    """StoreError for a corrupt or foreign file in the folder, or with ``--quarantine`` move such files aside."""
    from optibench.store import StoreError

    for _ in range(2):  # a second pass: runs left without experiment.toml once a corrupt one is moved aside
        problems = store.problems()
        if store.experiment_file.exists() and store.files():
            try:
                parse_experiment(store.experiment_file.read_text(encoding="utf-8"), str(store.experiment_file))
            except (ExperimentError, UnicodeDecodeError) as exc:
                problems.append(StoreError(store.experiment_file, f"not a valid experiment file ({exc})"))
        if not problems:
            return
        if not args.quarantine:
            which = "it" if len(problems) == 1 else f"it and {len(problems) - 1} other files"
            raise StoreError(
                problems[0].path,
                f"{problems[0].reason}; add --resume --quarantine to move {which} into {store.folder / 'quarantine'} and go on",
            )
        for moved in store.quarantine(list(dict.fromkeys(p.path for p in problems if p.path.exists()))):
            print(f"optibench run: moved {moved.name} into {moved.parent}", file=sys.stderr)


def _trials_to_do(args, experiment, store):
    """(trials not stored yet, number stored); ExperimentError when the folder or --runs forbid running.

    A stored failed run counts as done unless ``args.retry_failed``.
    """
    if args.runs is not None and args.runs < 1:
        raise ExperimentError(f"--runs must be at least 1, got {args.runs}")
    status = store.stored_status()
    if status:
        stored = parse_experiment(store.experiment_file.read_text(encoding="utf-8"), str(store.experiment_file))
        if not experiment.defines_same_runs(stored):
            hint = "--resume needs the same experiment" if args.resume else "choose another --out"
            raise ExperimentError(f"{args.experiment} defines other runs than {store.experiment_file}; {hint}")
    retry = getattr(args, "retry_failed", False)
    trials = [
        t
        for t in experiment_trials(experiment, args.runs)
        if status.get(row_key(t.identity)) not in ("ok", None if retry else "failed")
    ]
    if status and trials and not args.resume:
        raise ExperimentError(
            f"{store.folder} already holds {len(status)} runs; add --resume to complete them, or choose another --out"
        )
    return trials, len(status)


def _check_scheduler(address: str | None) -> None:
    """SchedulerError unless the Dask scheduler at ``address`` answers (a local cluster needs no check)."""
    from optibench.runner import dask_client

    if address is not None:
        with dask_client(address):
            pass


def _interrupted(args, experiment, store) -> int:
    """After Ctrl-C: how many runs are stored and the command that continues."""
    planned = {row_key(t.identity) for t in experiment_trials(experiment, args.runs)}
    stored = len(planned & store.stored_keys())
    print(
        f"\noptibench run: interrupted; {stored} of {len(planned)} runs are stored in {store.folder}. "
        f"Continue with:\n  {_resume_command(args, store.folder)}",
        file=sys.stderr,
    )
    return INTERRUPTED


def _write_report_and_figures(store) -> list[Path]:
    """Write ``report.md`` and the figures, each only when its bytes change; the paths."""
    from optibench.cli.report import REPORT_FILE, folder_report, planned_runs, with_labels
    from optibench.plots import plot_results

    paths = [store.folder / REPORT_FILE]
    _replace_if_changed(paths[0], folder_report(store).encode("utf-8"))
    results = store.read()
    results = with_labels(results, planned_runs(store, results)[1])  # instance labels of experiment.toml
    with tempfile.TemporaryDirectory(prefix=".figures-", dir=store.folder) as tmp:
        for made in plot_results(results, tmp):
            paths.append(store.folder / made.name)
            _replace_if_changed(paths[-1], made.read_bytes())
    return paths


def _replace_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically unless the file already holds exactly these bytes."""
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _command(args) -> str:
    """The command line of ``args``, as a user would type it."""
    parts = ["optibench", "run", args.experiment]
    for flag in ("runs", "jobs", "out", "backend", "scheduler"):
        value = getattr(args, flag)
        if value is not None:
            parts += [f"--{flag}", str(value)]
    for flag in ("resume", "retry_failed", "quarantine"):
        if getattr(args, flag, False):
            parts.append(f"--{flag.replace('_', '-')}")
    return shlex.join(parts)


def _resume_command(args, folder: Path, retry: bool = False) -> str:
    """The command that continues this run in ``folder`` (``--retry-failed`` added when ``retry``)."""
    parts = ["optibench", "run", args.experiment, "--out", str(folder)]
    for flag in ("runs", "jobs", "backend", "scheduler"):
        value = getattr(args, flag)
        if value is not None:
            parts += [f"--{flag}", str(value)]
    return shlex.join(parts + ["--resume"] + (["--retry-failed"] if retry else []))
