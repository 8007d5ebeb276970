"""Trial runner: seeded runs of (problem, algorithm) pairs, in parallel.

Each run's seed comes from one ``numpy.random.SeedSequence`` whose entropy is
the master seed and whose spawn key is the run's identity (problem, instance,
algorithm, parameters, label, run index), so a run's result depends on
nothing else: not on ``n_jobs``, the backend, the order in which runs
execute, or which other runs are in the batch. The ``seed`` column
reproduces a run on its own::

    minimize(problem, algorithm, max_evals, seed=row.seed)

A run that fails is a row too, with ``status = "failed"``, the error and its
traceback; the batch goes on. A run fails when it raises (in ``ask``,
``tell``, the problem's evaluation, or a malformed population) or when the
worker process running it dies (``os._exit``, a crash, SIGKILL).

Where runs execute:

* ``n_jobs=1``: in this process, one after the other (a run that ends the
  process ends the batch; the runs stored so far are kept).
* ``backend="loky"``, other ``n_jobs``: worker processes on this machine,
  at most one per run left. When a worker dies, loky stops every worker; the
  runs that were not finished are started again, and those that were in
  flight are re-run one at a time, each alone in a fresh worker, so exactly
  the runs that end their worker are recorded as failed, whatever the
  scheduling. Workers exit when this process dies.
* ``backend="dask"``: a ``dask.distributed`` cluster (the workers need
  optibench installed); Dask itself re-runs tasks whose worker died and
  reports a run that keeps killing workers as ``KilledWorker``.

Finished runs come back to the calling process, which hands each to
``on_row`` at once (the CLI stores it), so an interrupted batch loses only
the runs in flight.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from .experiment import DEFAULT_RUNS, Experiment
from .minimize import Result, Run
from .progress import Progress
from .registry import get_algorithm, get_problem

if TYPE_CHECKING:
    import pandas
    from distributed import Client

    from .optimizer import Optimizer
    from .problem import Problem


Row = dict[str, Any]
"""One results row: column name -> value (see :data:`optibench.store.SCHEMA`)."""
Emit = Callable[[int, Row], None]
"""Hands over the row of trial ``i`` as soon as its run finishes."""

BACKENDS = ("loky", "dask")

KEY_COLUMNS = ("problem", "instance", "algorithm", "params", "label", "run")
"""The columns of a results row that identify its run."""

SCHEDULER_TIMEOUT_S = 10.0
"""Seconds to wait for a Dask scheduler before giving up."""
WORKER_IDLE_TIMEOUT_S = 300
"""Seconds an idle loky worker waits for the next run before it exits."""
PARENT_POLL_S = 1.0
"""How often a worker checks that the process that started it is alive (s)."""


class SchedulerError(ConnectionError):
    """The Dask scheduler cannot be reached."""


def row_key(row: Mapping[str, Any] | pandas.Series) -> tuple[Any, ...]:
    """The identity of a run: its :data:`KEY_COLUMNS` values, from a dict or a DataFrame row."""
    return tuple(row[c] for c in KEY_COLUMNS)


class Trial:
    """One run to do: the problem, the optimizer (copied before use), the budget and the seed.

    ``identity`` holds the row's identity columns (:data:`KEY_COLUMNS`),
    instance and params (the optimizer's full resolved parameters) as
    canonical JSON. ``context`` holds the columns every row of this trial
    shares beyond its identity and seed: the problem's known optimum (its
    value, status and method, read here once per problem) and success
    tolerance, and the optibench version.
    """

    def __init__(self, problem: Problem, optimizer: Optimizer, label: str, run: int, max_evals: int, master_seed: int) -> None:
        self.problem = problem
        self.optimizer = optimizer
        self.max_evals = int(max_evals)
        self.identity = {
            "problem": problem.name,
            "instance": canonical_json(problem.instance),
            "algorithm": optimizer.name,
            "params": canonical_json(optimizer.params),
            "label": label,
            "run": int(run),
        }
        self.seed = run_seed(master_seed, *row_key(self.identity))
        from . import __version__  # defined after the package imports this module

        optimum = problem.known_optimum
        self.context = {
            "optimum": math.nan if optimum is None else float(optimum.value),
            "optimum_status": None if optimum is None else optimum.status,
            "optimum_method": None if optimum is None else (optimum.method or None),
            "success_atol": float(problem.success_atol),
            "optibench_version": __version__,
        }

    def row(self, result: Result) -> Row:
        """The results row of a finished run (a :class:`~optibench.minimize.Result`)."""
        return {
            **self.identity,
            "seed": self.seed,
            "status": "ok",
            "error": None,
            "traceback": None,
            "best_f": math.nan if result.f is None else result.f,
            "violation": result.violation,
            "n_evals": result.n_evals,
            "n_nonfinite": result.n_nonfinite,
            "time_s": result.time_s,
            "best_x": result.x,
            "history": result.history,
            "front_f": result.front_F,
            **self.context,
        }

    def failed_row(self, exc: BaseException, n_evals: int = 0, n_nonfinite: int = 0, time_s: float = math.nan) -> dict:
        """The results row of a run that raised ``exc`` after ``n_evals`` evaluations."""
        return {
            **self.identity,
            "seed": self.seed,
            "status": "failed",
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": "".join(traceback.format_exception(exc)),
            "best_f": math.nan,
            "violation": math.nan,
            "n_evals": n_evals,
            "n_nonfinite": n_nonfinite,
            "time_s": time_s,
            "best_x": None,
            "history": np.empty((0, 3)),
            "front_f": None,
            **self.context,
        }


def canonical_json(params: dict) -> str:
    """``params`` as JSON with sorted keys (NumPy scalars and arrays as plain numbers and lists)."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=lambda v: np.asarray(v).tolist())


def run_seed(master_seed: int, *names_and_run: Any) -> int:
    """The seed (0 <= seed < 2**63) of a run: ``SeedSequence(master_seed, spawn_key=...)``.

    ``names_and_run`` are strings (each hashed to a stable 64-bit integer) and
    the run index, in that order.
    """
    *names, run = names_and_run
    key = tuple(int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "little") for n in names)
    state = np.random.SeedSequence(master_seed, spawn_key=key + (int(run),)).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def make_trials(problem: Problem, optimizer: Optimizer, label: str, runs: int, max_evals: int, seed: int) -> list[Trial]:
    """The ``runs`` trials of one (problem, optimizer) pair."""
    return [Trial(problem, optimizer, label, run, max_evals, seed) for run in range(runs)]


def experiment_trials(experiment: Experiment, runs: int | None = None) -> list[Trial]:
    """Every trial of ``experiment`` (``runs`` overrides its number of runs)."""
    trials = []
    for name, instance in experiment.problems:
        problem = get_problem(name, **instance)
        for spec in experiment.algorithms:
            optimizer = get_algorithm(spec.name, **spec.params)
            trials += make_trials(problem, optimizer, spec.label, runs or experiment.runs, experiment.max_evals, experiment.seed)
    return trials


def run_one(trial: Trial) -> dict:
    """Run one trial; its results row (see :data:`optibench.store.SCHEMA`), status "failed" when the run raised."""
    start = time.perf_counter()
    run = None
    try:
        run = Run(trial.problem, copy.deepcopy(trial.optimizer), trial.max_evals, seed=trial.seed)
        return trial.row(run.execute())
    except (Exception, SystemExit) as exc:
        spent = (0, 0) if run is None else (run.n_evals, run.n_nonfinite)
        return trial.failed_row(exc, *spent, time.perf_counter() - start)


def check_n_jobs(n_jobs: object) -> int:
    """``n_jobs`` if it is an integer >= 1 or -1 (one per CPU), else ValueError."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or not (n_jobs >= 1 or n_jobs == -1):
        raise ValueError(f"n_jobs must be an integer >= 1, or -1 for one process per CPU; got {n_jobs!r}")
    return int(n_jobs)


def run_batch(
    trials: list[Trial],
    n_jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    on_row: Callable[[Row], object] | None = None,
) -> list[Row]:
    """Run ``trials``; rows in the order of ``trials``, failed runs included.

    Args:
        trials: the runs to do.
        n_jobs: 1 (runs in this process), -1 (one process per CPU) or a number
            of processes, for ``loky``; never more processes than runs. Ignored
            by ``dask``, which uses every worker of the cluster.
        backend: ``"loky"`` or ``"dask"``.
        scheduler: address of the Dask scheduler (``tcp://host:8786``); none
            starts a local cluster whose dashboard listens on 127.0.0.1 only.
        on_row: called in this process with each row as soon as its run finishes.

    Raises:
        ValueError: a bad ``n_jobs`` or ``backend``.
        SchedulerError: the Dask scheduler cannot be reached.
    """
    n_jobs = check_n_jobs(n_jobs)
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    rows: dict[int, Row] = {}
    with Progress(len(trials)) as progress:

        def emit(i: int, row: Row) -> None:
            rows[i] = row
            if on_row is not None:
                on_row(row)
            progress.update(row)

        if backend == "dask":
            _run_on_dask(trials, scheduler, emit)
        elif n_jobs == 1:
            for i, trial in enumerate(trials):
                emit(i, run_one(trial))
        elif trials:
            from joblib import cpu_count

            _run_in_processes(trials, min(cpu_count() if n_jobs == -1 else n_jobs, len(trials)), emit)
    return [rows[i] for i in range(len(trials))]


def get_reusable_executor(**options: Any) -> Any:
    """loky's reusable process pool (``joblib.externals.loky.get_reusable_executor``); joblib is imported here, when used."""
    from joblib.externals import loky

    return loky.get_reusable_executor(**options)


def _run_in_processes(trials: list[Trial], n_workers: int, emit: Emit) -> None:
    """Run ``trials`` in ``n_workers`` loky processes; runs in flight when a worker died are re-run alone."""
    parent = os.getpid()
    pending: list[int] = list(range(len(trials)))
    suspects: list[tuple[int, BaseException]] = []
    while pending:
        pending, lost = _process_round(trials, pending, n_workers, parent, emit)
        suspects += lost
    for i, _ in sorted(suspects, key=lambda lost: lost[0]):
        _, lost = _process_round(trials, [i], 1, parent, emit)
        if lost:
            emit(i, trials[i].failed_row(_worker_died(lost[0][1])))


class WorkerDied(RuntimeError):
    """The worker process running a run died (a crash, ``os._exit``, a kill signal)."""


def _worker_died(exc: BaseException) -> WorkerDied:
    """A short :class:`WorkerDied` (with the worker's exit code) caused by loky's ``exc``."""
    codes = str(exc).partition("exit codes of the workers are ")[2].splitlines()
    died = WorkerDied("the worker process running this run died" + (f", exit code {codes[0]}" if codes else ""))
    died.__cause__ = exc
    return died


def _process_round(
    trials: list[Trial], order: list[int], n_workers: int, parent: int, emit: Emit
) -> tuple[list[int], list[tuple[int, BaseException]]]:
    """Run the trials ``order`` until all are done or a worker dies.

    Returns (indices never submitted, [(index, error) of the runs lost with the workers]).
    """
    from joblib.externals.loky.process_executor import BrokenProcessPool

    executor = get_reusable_executor(
        max_workers=n_workers, timeout=WORKER_IDLE_TIMEOUT_S, initializer=_watch_parent, initargs=(parent,)
    )
    queue = deque(order)
    in_flight: dict[Future[Row], int] = {}
    try:
        while queue or in_flight:
            while queue and len(in_flight) < 2 * n_workers:
                i = queue.popleft()
                in_flight[executor.submit(run_one, trials[i])] = i
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            lost: list[tuple[int, BaseException]] = []
            for future in done:
                i, exc = in_flight.pop(future), future.exception()
                if isinstance(exc, BrokenProcessPool):
                    lost.append((i, exc))
                else:
                    emit(i, future.result() if exc is None else trials[i].failed_row(exc))
            if lost:
                wait(in_flight)  # loky ends every run in flight when a worker dies
                for future, i in in_flight.items():
                    exc = future.exception()
                    if exc is None:
                        emit(i, future.result())
                    else:
                        lost.append((i, exc))
                return list(queue), lost
    except BaseException:
        executor.shutdown(wait=False, kill_workers=True)
        raise
    return [], []


def _watch_parent(parent: int) -> None:
    """Worker initializer: a daemon thread that ends this worker process when ``parent`` is no
    longer its parent (it died, and the worker was adopted by another process)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="optibench-parent-watchdog", daemon=True).start()


def _run_on_dask(trials: list[Trial], scheduler: str | None, emit: Emit) -> None:
    """Run ``trials`` on a Dask cluster; a run whose worker died (``KilledWorker``) is a failed row."""
    from distributed import as_completed

    with dask_client(scheduler) as client:
        futures = {client.submit(run_one, trial, pure=False): i for i, trial in enumerate(trials)}
        for future in as_completed(futures):
            i = futures[future]
            emit(i, trials[i].failed_row(future.exception()) if future.status == "error" else future.result())


@contextmanager
def dask_client(scheduler: str | None) -> Iterator[Client]:
    """A ``distributed.Client`` of the scheduler at ``scheduler``, or of a new local cluster
    whose dashboard listens on 127.0.0.1 only; SchedulerError when the scheduler cannot be
    reached within :data:`SCHEDULER_TIMEOUT_S`."""
    from distributed import Client, LocalCluster

    if scheduler is None:
        with LocalCluster(dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler} within {SCHEDULER_TIMEOUT_S:g} s ({exc})") from None
    with client:
        yield client


def run_trials(
    problem: str | Problem,
    algorithm: str | Optimizer,
    runs: int = DEFAULT_RUNS,
    *,
    max_evals: int,
    seed: int = 0,
    n_jobs: int = 1,
    instance: dict | None = None,
    params: dict | None = None,
    label: str | None = None,
    backend: str = "loky",
    scheduler: str | None = None,
) -> pandas.DataFrame:
    """Run ``algorithm`` on ``problem`` ``runs`` times; one DataFrame row per run.

    Args:
        problem: a registered problem name (built with ``instance``) or a Problem.
        algorithm: a registered algorithm name (built with ``params``) or an
            Optimizer (copied for every run).
        runs: number of runs.
        max_evals: evaluation budget of each run.
        seed: master seed.
        n_jobs: worker processes; see :func:`run_batch`.
        backend: ``"loky"`` or ``"dask"``; see :func:`run_batch`.
        scheduler: address of an existing Dask scheduler, or None; see :func:`run_batch`.
        label: name of the algorithm configuration in tables (default: its name).

    Returns:
        The rows of :data:`optibench.store.SCHEMA`: ``run``, ``seed``,
        ``status``, ``best_f``, ``violation``, ``n_evals``, ``time_s``,
        ``best_x``, ``history`` (n_tells, 3), ... in run order.
    """
    if isinstance(problem, str):
        problem = get_problem(problem, **(instance or {}))
    elif instance is not None:
        raise ValueError("instance applies to a problem given by name; this problem is already built")
    if isinstance(algorithm, str):
        algorithm = get_algorithm(algorithm, **(params or {}))
    elif params is not None:
        raise ValueError("params apply to an algorithm given by name; this algorithm is already built")
    import pandas  # imported on use: worker processes never need it

    trials = make_trials(problem, algorithm, label or algorithm.name, runs, max_evals, seed)
    return pandas.DataFrame(run_batch(trials, n_jobs, backend, scheduler))
