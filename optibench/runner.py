"""Trial runner: seeded runs of (problem, algorithm) pairs, in parallel.

Each run's seed comes from one ``numpy.random.SeedSequence`` whose entropy is
the master seed and whose spawn key is (problem, instance, algorithm,
parameters, run index), so a run's result depends on nothing else: not on
``n_jobs``, the backend, the order in which runs execute, or which other runs
are in the batch. The ``seed`` column reproduces a run on its own::

    minimize(problem, algorithm, max_evals, seed=row.seed)

Runs are joblib tasks: processes on this machine (``backend="loky"``) or a
``dask.distributed`` cluster (``backend="dask"``, through joblib's Dask
backend; the workers need optibench installed). Finished runs come back to
the calling process, which hands each to ``on_row`` at once (the CLI stores
it), so an interrupted batch loses only the runs in flight.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
from joblib import Parallel, delayed, parallel_config
from tqdm import tqdm

from .experiment import DEFAULT_RUNS, Experiment
from .minimize import minimize
from .registry import get_algorithm, get_problem

if TYPE_CHECKING:
    import pandas

BACKENDS = ("loky", "dask")

KEY_COLUMNS = ("problem", "instance", "algorithm", "params", "run")
"""The columns of a results row that identify its run."""


def row_key(row) -> tuple:
    """The identity of a run: its :data:`KEY_COLUMNS` values, from a dict or a DataFrame row."""
    return tuple(row[c] for c in KEY_COLUMNS)


class Trial:
    """One run to do: the problem, the optimizer (copied before use), the budget and the seed.

    ``identity`` holds the row's identity columns (problem, instance,
    algorithm, params, label, run), instance and params as canonical JSON.
    ``optimum`` is the problem's known optimum, read here, in the main
    process, so that an optimum computed on demand (a cone program) is
    computed once per problem, not once per run.
    """

    def __init__(self, problem, optimizer, label: str, run: int, max_evals: int, master_seed: int):
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
        self.optimum = problem.known_optimum


def canonical_json(params: dict) -> str:
    """``params`` as JSON with sorted keys (NumPy scalars and arrays as plain numbers and lists)."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=lambda v: np.asarray(v).tolist())


def run_seed(master_seed: int, *names_and_run) -> int:
    """The seed (0 <= seed < 2**63) of a run: ``SeedSequence(master_seed, spawn_key=...)``.

    ``names_and_run`` are strings (each hashed to a stable 64-bit integer) and
    the run index, in that order.
    """
    *names, run = names_and_run
    key = tuple(int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "little") for n in names)
    state = np.random.SeedSequence(master_seed, spawn_key=key + (int(run),)).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def make_trials(problem, optimizer, label: str, runs: int, max_evals: int, seed: int) -> list[Trial]:
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
    """Run one trial; the results row (see :data:`optibench.store.SCHEMA`)."""
    result = minimize(trial.problem, copy.deepcopy(trial.optimizer), trial.max_evals, seed=trial.seed)
    optimum = trial.optimum
    return {
        **trial.identity,
        "seed": trial.seed,
        "best_f": math.nan if result.f is None else result.f,
        "violation": result.violation,
        "n_evals": result.n_evals,
        "time_s": result.time_s,
        "best_x": result.x,
        "history": result.history,
        "front_f": result.front_F,
        "optimum": math.nan if optimum is None else float(optimum.value),
        "optimum_is_bound": optimum is not None and optimum.is_bound,
    }


def run_batch(trials: list[Trial], n_jobs: int = 1, backend: str = "loky", scheduler: str | None = None, on_row=None) -> list[dict]:
    """Run ``trials``; rows in the order of ``trials``.

    Args:
        trials: the runs to do.
        n_jobs: parallel processes for ``loky`` (-1: one per CPU); ignored by
            ``dask``, which uses every worker of the cluster.
        backend: ``"loky"`` or ``"dask"``.
        scheduler: address of the Dask scheduler (``tcp://host:8786``); none
            starts a local cluster.
        on_row: called in this process with each row as soon as its run finishes.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    done = {}
    with _parallel(backend, n_jobs, scheduler) as parallel, _Progress(len(trials)) as progress:
        for row in parallel(delayed(run_one)(t) for t in trials):
            if on_row is not None:
                on_row(row)
            progress.update(row)
            done[row_key(row)] = row
    return [done[row_key(t.identity)] for t in trials]


def run_trials(
    problem,
    algorithm,
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
) -> "pandas.DataFrame":
    """Run ``algorithm`` on ``problem`` ``runs`` times; one DataFrame row per run.

    Args:
        problem: a registered problem name (built with ``instance``) or a Problem.
        algorithm: a registered algorithm name (built with ``params``) or an
            Optimizer (copied for every run).
        runs: number of runs.
        max_evals: evaluation budget of each run.
        seed: master seed.
        n_jobs, backend, scheduler: see :func:`run_batch`.
        label: name of the algorithm configuration in tables (default: its name).

    Returns:
        The rows of :data:`optibench.store.SCHEMA`: ``run``, ``seed``,
        ``best_f``, ``violation``, ``n_evals``, ``time_s``, ``best_x``,
        ``history`` (n_tells, 3), ... in run order.
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


@contextmanager
def _parallel(backend: str, n_jobs: int, scheduler: str | None):
    """A joblib ``Parallel`` that yields results as they finish, on the chosen backend."""
    if backend == "loky":
        yield Parallel(n_jobs=n_jobs, return_as="generator_unordered")
        return
    from distributed import Client

    with Client(scheduler), parallel_config(backend="dask"):
        yield Parallel(n_jobs=-1, return_as="generator_unordered")


class _Progress:
    """Progress bar on a terminal (runs done, best feasible value so far, time left); silent otherwise."""

    def __init__(self, total: int):
        self.best = math.inf
        self.bar = tqdm(total=total, unit="run", file=sys.stderr, disable=not sys.stderr.isatty(), dynamic_ncols=True)

    def update(self, row: dict) -> None:
        if row["violation"] <= 0 and row["best_f"] < self.best:
            self.best = row["best_f"]
            self.bar.set_postfix(best=f"{self.best:.6g}", refresh=False)
        self.bar.update(1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.bar.close()
