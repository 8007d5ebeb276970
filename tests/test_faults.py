"""Fault injection: a run that raises, returns a malformed population, evaluates to NaN or kills
its worker is stored as a failed run (or, for NaN values, as an infeasible point), and every
other run of the batch equals the same run of a clean batch."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from frames import assert_same_runs
from optibench import get_algorithm, get_problem, minimize
from optibench.algorithms.random_search import RandomSearch
from optibench.minimize import PopulationError
from optibench.problems.sanity import Sphere
from optibench.report import report_text, summary
from optibench.runner import make_trials, run_batch

RUNS, POP, MAX_EVALS, SEED = 5, 10, 60, 11
DOOMED = 2
"""The run index whose seed triggers the fault."""


class FaultyRandomSearch(RandomSearch):
    """Random search (same name and parameters, so the same run identities and seeds) that
    misbehaves in the run whose seed is ``doomed_seed``, as ``fault`` says."""

    def __init__(self, pop_size: int = 50):
        super().__init__(pop_size)
        self.fault, self.doomed_seed, self.n_asks = None, None, 0

    def _doomed(self) -> bool:
        return self.rng.bit_generator.seed_seq.entropy == self.doomed_seed

    def ask(self):
        self.n_asks += 1
        X = super().ask()
        if not self._doomed():
            return X
        if self.fault == "ask":
            raise RuntimeError("ask failed on purpose")
        if self.fault == "nan" and self.n_asks == 2:
            X[3, 1] = np.nan
        if self.fault == "shape":
            return X[:, :1]
        if self.fault == "empty":
            return X[:0]
        if self.fault == "exit":
            os._exit(3)
        if self.fault == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        return X

    def tell(self, F, G):
        if self.fault == "tell" and self._doomed():
            raise ZeroDivisionError("tell failed on purpose")


def _batch(optimizer, n_jobs: int, problem=None) -> pd.DataFrame:
    problem = problem or get_problem("sphere", dim=3)
    return pd.DataFrame(run_batch(make_trials(problem, optimizer, "RS", RUNS, MAX_EVALS, SEED), n_jobs))


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return _batch(get_algorithm("random-search", pop_size=POP), 1)


def _faulty(fault: str, clean: pd.DataFrame) -> FaultyRandomSearch:
    optimizer = FaultyRandomSearch(pop_size=POP)
    optimizer.fault, optimizer.doomed_seed = fault, int(clean["seed"][DOOMED])
    return optimizer


def _assert_only_the_doomed_run_failed(rows: pd.DataFrame, clean: pd.DataFrame, error: str) -> pd.Series:
    assert list(rows["run"]) == list(range(RUNS))
    others = rows["run"] != DOOMED
    assert_same_runs(rows[others], clean[others])
    failed = rows.loc[DOOMED]
    assert failed["status"] == "failed" and failed["seed"] == clean["seed"][DOOMED]
    assert failed["error"].startswith(error), failed["error"]
    assert np.isnan(failed["best_f"]) and np.isnan(failed["violation"])
    assert failed["best_x"] is None and failed["history"].shape == (0, 3)
    return failed


@pytest.mark.parametrize(
    "fault, n_jobs, error, n_evals",
    [
        ("ask", 1, "RuntimeError: ask failed on purpose", 0),
        ("ask", 2, "RuntimeError: ask failed on purpose", 0),
        ("tell", 1, "ZeroDivisionError: tell failed on purpose", POP),
        (
            "nan",
            1,
            "PopulationError: optimizer 'random-search' asked for a non-finite point: population row 3, variable 1 is nan",
            POP,
        ),
        (
            "shape",
            1,
            "PopulationError: optimizer 'random-search' asked for a population of shape (10, 1); expected (pop >= 1, 3)",
            0,
        ),
        ("empty", 1, "PopulationError: optimizer 'random-search' asked for a population of shape (0, 3)", 0),
    ],
)
def test_a_run_that_raises_is_a_failed_row(clean, fault, n_jobs, error, n_evals):
    rows = _batch(_faulty(fault, clean), n_jobs)
    failed = _assert_only_the_doomed_run_failed(rows, clean, error)
    assert failed["n_evals"] == n_evals
    table = summary(rows)
    assert table[["done", "failed", "planned"]].values.tolist() == [[RUNS - 1, 1, RUNS]]
    assert table["best"][0] == clean["best_f"].drop(DOOMED).min()
    assert f"| {RUNS - 1}/1/{RUNS} |" in report_text(rows)
    assert "Traceback (most recent call last)" in failed["traceback"] and error.split(":")[0] in failed["traceback"]


@pytest.mark.parametrize("fault, code", [("exit", "EXIT(3)"), ("sigkill", "SIGKILL(-9)")])
def test_a_run_that_kills_its_worker_is_a_failed_row(clean, fault, code):
    rows = _batch(_faulty(fault, clean), 2)
    message = f"WorkerDied: the worker process running this run died, exit code {{{code}}}"
    failed = _assert_only_the_doomed_run_failed(rows, clean, message)
    assert failed["n_evals"] == 0 and "TerminatedWorkerError" in failed["traceback"]
    # the batch after it runs normally in fresh workers
    assert_same_runs(_batch(get_algorithm("random-search", pop_size=POP), 2), clean)


def test_minimize_names_the_optimizer_of_a_bad_population(clean):
    optimizer = _faulty("shape", clean)
    with pytest.raises(PopulationError, match=r"optimizer 'random-search' asked for a population of shape \(10, 1\)"):
        minimize(get_problem("sphere", dim=3), optimizer, MAX_EVALS, seed=int(clean["seed"][DOOMED]))


class NaNSphere(Sphere):
    """Sphere whose objective is NaN on the whole first population, then NaN (or +inf on every
    third population) where x1 > 0; it records each population's points, true values and bad rows."""

    def __init__(self, dim: int = 3):
        super().__init__(dim)
        self.true, self.bad = [], []

    def f(self, Z):
        F = super().f(Z)
        bad = Z[:, 0] > 0 if self.true else np.ones(len(Z), dtype=bool)
        self.true.append(F.copy())
        self.bad.append(bad)
        F[bad] = np.inf if len(self.true) % 3 == 0 else np.nan
        return F


def test_nan_objectives_never_stick_and_are_counted():
    problem = NaNSphere()
    result = minimize(problem, get_algorithm("random-search", pop_size=POP), MAX_EVALS, seed=4)
    true, bad = np.concatenate(problem.true), np.concatenate(problem.bad)
    assert true.shape == (MAX_EVALS,) and POP < bad.sum() < MAX_EVALS
    assert result.f == true[~bad].min() and result.violation == 0.0
    assert result.n_nonfinite == bad.sum()
    assert np.isnan(result.history[0, 1]) and result.history[0, 2] == np.inf  # first population: nothing valid yet
    assert np.isfinite(result.history[1:, 1]).all() and result.history[-1, 1] == result.f


def test_nan_rows_in_a_batch_are_counted_and_runs_stay_ok():
    rows = _batch(get_algorithm("random-search", pop_size=POP), 1, problem=NaNSphere())
    assert set(rows["status"]) == {"ok"} and (rows["n_nonfinite"] >= POP).all()
    assert np.isfinite(rows["best_f"]).all() and (rows["violation"] == 0).all()


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    """(state letter, parent PID) of a process from /proc, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state, ppid = f.read().rsplit(")", 1)[1].split()[:2]
    except (OSError, ValueError):
        return None
    return state, int(ppid)


def _running(pid: int) -> bool:
    """Does process ``pid`` still run (exists and is not a zombie waiting to be reaped)?"""
    found = _state_and_parent(pid)
    return found is not None and found[0] != "Z"


def _workers(pid: int) -> set[int]:
    """PIDs of the loky worker processes whose parent is ``pid``."""
    found = set()
    for entry in filter(str.isdigit, os.listdir("/proc")):
        info = _state_and_parent(int(entry))
        if info is not None and info[1] == pid:
            try:
                with open(f"/proc/{entry}/cmdline") as f:
                    if "LokyProcess" in f.read():
                        found.add(int(entry))
            except OSError:
                pass
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_workers_exit_when_the_parent_is_killed():
    code = (
        "from optibench import get_algorithm, get_problem\n"
        "from optibench.runner import make_trials, run_batch\n"
        "trials = make_trials(get_problem('sphere', dim=500), get_algorithm('random-search', pop_size=50), 'rs', 40, 10**7, 0)\n"
        "run_batch(trials, 2)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    workers = set()
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        workers = _workers(parent.pid)
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [p for p in workers if _running(p)]
    for p in alive:
        os.kill(p, signal.SIGKILL)
    assert not alive, "workers outlived their parent"
