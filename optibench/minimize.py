"""The optimisation loop: the budget, the clock and the best-so-far belong here.

``minimize(problem, optimizer, max_evals, seed)`` never evaluates more than
``max_evals`` points (the last population is truncated to fit) and spends
the budget exactly unless the optimizer stops asking.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .constraints import better, sort_key, violation


@dataclass
class Result:
    """Outcome of one run.

    Attributes:
        x: best solution in the problem's own terms (decoded), shape (n_var,).
        x_box: the search-box point that decodes to ``x``, shape (n_var,).
        f: best objective value (single objective), or None (multi-objective).
        violation: total constraint violation of ``x`` (0 = feasible).
        n_evals: evaluations spent.
        time_s: wall time of the run (s).
        history: best-so-far after each population, rows
            ``(n_evals, best_f, best_violation)``, shape (n_tells, 3).
        front_F, front_X: multi-objective only: the non-dominated points
            found, objectives (p, n_obj) and box points (p, n_var).
    """

    x: np.ndarray
    x_box: np.ndarray
    f: float | None
    violation: float
    n_evals: int
    time_s: float
    history: np.ndarray
    front_F: np.ndarray | None = field(default=None, repr=False)
    front_X: np.ndarray | None = field(default=None, repr=False)


def minimize(problem, optimizer, max_evals: int, seed=None) -> Result:
    """Run ``optimizer`` on ``problem`` for exactly ``max_evals`` evaluations.

    Args:
        problem: a :class:`~optibench.problem.Problem`.
        optimizer: an unset-up :class:`~optibench.optimizer.Optimizer`.
        max_evals: evaluation budget (points evaluated, not generations).
        seed: an int, a ``numpy.random.SeedSequence`` or a ``Generator``;
            every random draw of the run comes from it.
    """
    if int(max_evals) < 1:
        raise ValueError(f"max_evals must be a positive integer, got {max_evals!r}")
    max_evals = int(max_evals)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    start = time.perf_counter()
    optimizer.setup(problem, rng, max_evals)
    tracker = _BestTracker(problem.n_obj)
    n_evals = 0
    while n_evals < max_evals:
        X = np.asarray(optimizer.ask(), dtype=np.float64)
        if X.ndim != 2 or X.shape[0] == 0:
            break
        X = X[: max_evals - n_evals]
        ev = problem.evaluate(X)
        n_evals += len(X)
        optimizer.tell(ev.F, ev.G)
        tracker.update(X, ev.F, violation(ev.G), n_evals)
    elapsed = time.perf_counter() - start
    x_box = tracker.x_box
    x = problem.space.decode(x_box[None, :])[0]
    return Result(
        x=x,
        x_box=x_box,
        f=tracker.f if problem.n_obj == 1 else None,
        violation=tracker.v,
        n_evals=n_evals,
        time_s=elapsed,
        history=np.asarray(tracker.history, dtype=np.float64).reshape(-1, 3),
        front_F=tracker.front_F,
        front_X=tracker.front_X,
    )


class _BestTracker:
    """Best point under feasibility first (single objective), or non-dominated archive."""

    def __init__(self, n_obj: int):
        self.n_obj = n_obj
        self.f = np.inf
        self.v = np.inf
        self.x_box = None
        self.history: list[tuple[float, float, float]] = []
        self.front_F = None
        self.front_X = None
        self.front_v = None

    def update(self, X, F, v, n_evals):
        if self.n_obj == 1:
            i = sort_key(F[:, 0], v)[0]
            if self.x_box is None or better(F[i, 0], v[i], self.f, self.v):
                self.f, self.v, self.x_box = float(F[i, 0]), float(v[i]), X[i].copy()
            self.history.append((n_evals, self.f, self.v))
            return
        self._update_front(X, F, v)
        self.history.append((n_evals, np.nan, self.v))

    def _update_front(self, X, F, v):
        if self.front_F is None:
            allF, allX, allv = F, X, v
        else:
            allF = np.vstack([self.front_F, F])
            allX = np.vstack([self.front_X, X])
            allv = np.concatenate([self.front_v, v])
        feasible = allv <= 0
        if feasible.any():
            allF, allX, allv = allF[feasible], allX[feasible], allv[feasible]
        else:
            keep = allv == allv.min()
            allF, allX, allv = allF[keep], allX[keep], allv[keep]
        mask = nondominated(allF)
        self.front_F, self.front_X, self.front_v = allF[mask], allX[mask], allv[mask]
        self.v = float(self.front_v.min())
        self.x_box = self.front_X[0].copy()


def nondominated(F: np.ndarray) -> np.ndarray:
    """Mask of the points of F (p, n_obj) that no other point dominates (duplicates kept once)."""
    F = np.asarray(F, dtype=np.float64)
    p = len(F)
    keep = np.ones(p, dtype=bool)
    for i in range(p):
        if not keep[i]:
            continue
        dominated_by_i = np.all(F[i] <= F, axis=1) & np.any(F[i] < F, axis=1)
        keep &= ~dominated_by_i
        duplicate = np.all(F == F[i], axis=1)
        duplicate[: i + 1] = False
        keep &= ~duplicate
    return keep
