"""Anytime performance from the stored convergence histories (the fixed-target view).

A run's ``history`` (results column, shape (n_tells, 3)) holds, after each
``tell``, the evaluations spent, the best objective so far and its constraint
violation. Its best feasible value so far is what counts here: a run has not
started until its best point is feasible.

Targets are objective values spread between the worst start and the reference
of a problem instance (:func:`case_targets`); a run reaches a target at the
first evaluation count where its best feasible value is at or below it
(:func:`hitting_times`). From these:

* :func:`ecdf`: the fraction of (run, target) pairs reached against the
  evaluations spent, per algorithm, averaged over instances (Hansen et al.,
  COCO: "Anytime performance assessment in blackbox optimization
  benchmarking", IEEE TEVC 2022).
* :func:`ert_table`: the expected running time to each of a few targets,
  ERT = (evaluations of all runs until they reach the target, or until their
  budget when they never do) / (number of runs that reach it); infinite when
  none does (Hansen, Auger, Finck, Ros, COCO experimental setup, 2009).

Only complete runs (status ``"ok"``) enter; failed ones are counted in the report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .cases import upgrade_columns, with_case
from .report import SUCCESS_STATUSES

N_TARGETS = 20
"""Targets per problem instance of the ECDF."""
ERT_TARGETS = 5
"""Targets per problem instance of the ERT table."""
GRID_POINTS = 200
"""Evaluation counts, log-spaced, at which an ECDF is given."""


def best_so_far(history: np.ndarray, evals: np.ndarray) -> np.ndarray:
    """Best feasible value after each evaluation count of ``evals`` (+inf before the first feasible point).

    Args:
        history: rows (n_evals, best_f, best_violation), shape (n_tells, 3).
        evals: evaluation counts, shape (k,).

    Returns:
        shape (k,), objective units.
    """
    if not len(history):
        return np.full(len(evals), np.inf)
    value = np.minimum.accumulate(np.where(history[:, 2] <= 0, history[:, 1], np.inf))
    index = np.searchsorted(history[:, 0], evals, side="right") - 1
    return np.where(index >= 0, value[np.maximum(index, 0)], np.inf)


def hitting_times(history: np.ndarray, targets: ArrayLike) -> np.ndarray:
    """Evaluations a run spent until its best feasible value first reached each target (+inf: never).

    Args:
        history: rows (n_evals, best_f, best_violation), shape (n_tells, 3).
        targets: objective values, shape (n_targets,).

    Returns:
        shape (n_targets,), evaluations.
    """
    targets = np.asarray(targets, dtype=np.float64)
    if not len(history):
        return np.full(len(targets), np.inf)
    value = np.minimum.accumulate(np.where(history[:, 2] <= 0, history[:, 1], np.inf))
    reached = value[:, None] <= targets[None, :]  # (n_tells, n_targets)
    first = np.argmax(reached, axis=0)
    return np.where(reached.any(axis=0), history[first, 0], np.inf)


def case_targets(runs: pd.DataFrame, n_targets: int = N_TARGETS) -> np.ndarray:
    """Targets of one problem instance: ``reference + precision``, ascending.

    The reference is the instance's optimum or best-known value
    (``optimum_status`` proven or best-known), else (a bound, or none) the
    best feasible final value of any run. The precisions are ``n_targets``
    values log-spaced from the worst start (the largest first feasible
    value of any run, minus the reference) down to the instance's success
    tolerance (``success_atol``); a single target at the tolerance when
    every run starts within it.

    Args:
        runs: the complete runs of one instance (results rows), all algorithms.

    Returns:
        shape (n_targets,) or fewer (1 when every run starts within the tolerance; targets
        that coincide in floating point are kept once), ascending, objective units;
        empty when no run has a feasible point.
    """
    runs = upgrade_columns(runs)
    starts = np.array([_first_feasible(h) for h in runs["history"]])
    starts = starts[np.isfinite(starts)]
    if not len(starts):
        return np.empty(0)
    first = runs.iloc[0]
    if first["optimum_status"] in SUCCESS_STATUSES:
        reference = float(first["optimum"])
    else:
        reference = float(runs.loc[runs["violation"] <= 0, "best_f"].min())
    tolerance = float(first["success_atol"])
    spread = starts.max() - reference
    if spread <= tolerance:
        return np.array([reference + tolerance])
    return np.unique(reference + np.geomspace(tolerance, spread, n_targets))  # unique: precisions below one ULP merge


def _first_feasible(history: np.ndarray | None) -> float:
    """The first feasible best value of a run's history (+inf when it has none)."""
    if history is None or not len(history):
        return np.inf
    feasible = history[history[:, 2] <= 0, 1]
    return float(feasible[0]) if len(feasible) else np.inf


def _cases(results: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(case name, its complete runs) per problem instance, in order of appearance (names: :func:`optibench.cases.with_case`)."""
    df = with_case(results)
    df = df[df["complete"]]
    return [(sub["case"].iloc[0], sub) for _, sub in df.groupby(["problem", "instance"], sort=False)]


def ecdf(results: pd.DataFrame, n_targets: int = N_TARGETS, evals: np.ndarray | None = None) -> pd.DataFrame:
    """Fraction of (run, target) pairs reached against evaluations, per algorithm label.

    Each instance's targets come from :func:`case_targets`; an algorithm's
    fraction is the mean over the instances where it has complete runs of the
    fraction of its (run, target) pairs reached (so each instance weighs the
    same). Instances without targets (no feasible point in any run, or a
    multi-objective problem) are left out.

    Args:
        results: results rows (any store version).
        n_targets: targets per instance.
        evals: evaluation counts, shape (k,); default :data:`GRID_POINTS` values
            log-spaced from the smallest first entry of a history to the largest budget.

    Returns:
        index ``evals`` (the evaluation counts), one column per label, values in 0..1;
        empty when no instance has targets.
    """
    cases = [(sub, targets) for _, sub in _cases(results) if len(targets := case_targets(sub, n_targets))]
    if not cases:
        return pd.DataFrame(index=pd.Index([], name="evals", dtype=np.float64))
    if evals is None:
        histories = [h for sub, _ in cases for h in sub["history"] if len(h)]
        low = min(h[0, 0] for h in histories)
        high = max(h[-1, 0] for h in histories)
        evals = np.unique(np.geomspace(low, high, GRID_POINTS).round())
    evals = np.asarray(evals, dtype=np.float64)
    sums: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for sub, targets in cases:
        for label, runs in sub.groupby("label", sort=False):
            times = np.array([hitting_times(h, targets) for h in runs["history"]]).ravel()
            fraction = (times[None, :] <= evals[:, None]).mean(axis=1)
            sums[label] = sums.get(label, 0) + fraction
            counts[label] = counts.get(label, 0) + 1
    return pd.DataFrame({label: sums[label] / counts[label] for label in sums}, index=pd.Index(evals, name="evals"))


def ert_table(results: pd.DataFrame, n_targets: int = ERT_TARGETS) -> pd.DataFrame:
    """Expected running time (evaluations) of each algorithm to each of ``n_targets`` targets per instance.

    ERT = sum over runs of (evaluations until the run reached the target, or
    the run's ``n_evals`` when it never did) / number of runs that reached it;
    +inf when none did.

    Returns:
        one row per (case, target, algorithm), targets ascending: columns
        case, target (objective value), algorithm, runs, successes, ert.
    """
    rows = []
    for case, sub in _cases(results):
        targets = case_targets(sub, n_targets)
        for target in targets:
            for label, runs in sub.groupby("label", sort=False):
                times = np.array([hitting_times(h, [target])[0] for h in runs["history"]])
                hit = np.isfinite(times)
                spent = np.where(hit, times, runs["n_evals"].to_numpy(dtype=np.float64)).sum()
                ert = spent / hit.sum() if hit.any() else np.inf
                rows.append([case, float(target), label, len(runs), int(hit.sum()), float(ert)])
    return pd.DataFrame(rows, columns=["case", "target", "algorithm", "runs", "successes", "ert"])
