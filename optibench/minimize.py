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
        tracker.update(X, ev.F, violation(ev.G), n_evals)  # before tell, which may reuse X's buffer
        optimizer.tell(ev.F, ev.G)
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
            allF, allX, allv, n_known = F, X, v, 0
        else:
            allF = np.vstack([self.front_F, F])
            allX = np.vstack([self.front_X, X])
            allv = np.concatenate([self.front_v, v])
            n_known = len(self.front_F)
        feasible = allv <= 0
        keep = feasible if feasible.any() else allv == allv.min()
        n_known = int(keep[:n_known].sum())  # the surviving old front rows come first and remain a front
        allF, allX, allv = allF[keep], allX[keep], allv[keep]
        mask = nondominated(allF, n_known)
        self.front_F, self.front_X, self.front_v = allF[mask], allX[mask], allv[mask]
        self.v = float(self.front_v.min())
        self.x_box = self.front_X[0].copy()


_BLOCK = 256  # candidate rows compared at once in nondominated


def nondominated(F: np.ndarray, n_known: int = 0) -> np.ndarray:
    """Mask of the points of F (p, n_obj) that no other point dominates (duplicates kept once, the first).

    The first ``n_known`` rows are known to be a front already (none
    dominates or repeats another), so only pairs with a later row are
    compared: cost O(p (p - n_known) n_obj), in blocks of bounded memory.
    """
    F = np.asarray(F, dtype=np.float64)
    p = len(F)
    keep = np.ones(p, dtype=bool)
    for start in range(n_known, p, _BLOCK):
        stop = min(start + _BLOCK, p)
        new = F[start:stop]
        keep[:start] &= ~_dominates(new, F[:start]).any(axis=0)
        repeats = np.all(F[:stop, None, :] == new[None, :, :], axis=2)
        repeats &= np.arange(stop)[:, None] < np.arange(start, stop)[None, :]
        keep[start:stop] = ~(_dominates(F, new).any(axis=0) | repeats.any(axis=0))
    return keep


def _dominates(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """(len(A), len(B)) mask: does A[a] dominate B[b] (no worse in every objective, better in one)?"""
    no_worse = np.all(A[:, None, :] <= B[None, :, :], axis=2)
    better = np.any(A[:, None, :] < B[None, :, :], axis=2)
    return no_worse & better
