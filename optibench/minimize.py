"""The optimisation loop: the budget, the clock and the best-so-far belong here.

``minimize(problem, optimizer, max_evals, seed)`` never evaluates more than
``max_evals`` points (the last population is truncated to fit) and spends
the budget exactly unless the optimizer stops asking (``ask()`` returns None).

A point whose objective or constraint values are not finite (NaN, inf) counts
as infeasible with an infinite violation, so it never becomes the best point;
such points are counted in :attr:`Result.n_nonfinite`. A population that is
not a non-empty finite (pop, n_var) array is a :class:`PopulationError`
naming the optimizer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .constraints import best_index, better_one, violation

if TYPE_CHECKING:
    from .optimizer import Optimizer
    from .problem import Problem

Seed = int | np.random.SeedSequence | np.random.Generator | None
"""What a run is seeded with: an int, a ``SeedSequence`` or a ``Generator`` (None: fresh entropy)."""


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
        n_nonfinite: evaluated points whose objective or constraint values
            held NaN or inf (counted infeasible).
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
    n_nonfinite: int = 0
    front_F: np.ndarray | None = field(default=None, repr=False)
    front_X: np.ndarray | None = field(default=None, repr=False)


class PopulationError(ValueError):
    """An optimizer asked for a population that cannot be evaluated (wrong shape, empty, NaN or inf)."""


def minimize(problem: Problem, optimizer: Optimizer, max_evals: int, seed: Seed = None) -> Result:
    """Run ``optimizer`` on ``problem`` for exactly ``max_evals`` evaluations.

    Args:
        problem: a :class:`~optibench.problem.Problem`.
        optimizer: an unset-up :class:`~optibench.optimizer.Optimizer`.
        max_evals: evaluation budget (points evaluated, not generations).
        seed: an int, a ``numpy.random.SeedSequence`` or a ``Generator``;
            every random draw of the run comes from it.

    Raises:
        PopulationError: the optimizer asked for a malformed population.
    """
    return Run(problem, optimizer, max_evals, seed).execute()


class Run:
    """One optimisation; :meth:`execute` does it. What :func:`minimize` does, with the
    evaluations spent readable after a failure (``n_evals``, ``n_nonfinite``)."""

    def __init__(self, problem: Problem, optimizer: Optimizer, max_evals: int, seed: Seed = None) -> None:
        if int(max_evals) < 1:
            raise ValueError(f"max_evals must be a positive integer, got {max_evals!r}")
        self.problem, self.optimizer, self.max_evals, self.seed = problem, optimizer, int(max_evals), seed
        self.n_evals = 0
        self.tracker = _BestTracker(problem.n_obj)

    @property
    def n_nonfinite(self) -> int:
        """Points evaluated so far with NaN or inf objective or constraint values."""
        return self.tracker.n_nonfinite

    def execute(self) -> Result:
        """Set the optimizer up, spend the budget, and return the best point found."""
        problem, optimizer, max_evals, tracker = self.problem, self.optimizer, self.max_evals, self.tracker
        rng = self.seed if isinstance(self.seed, np.random.Generator) else np.random.default_rng(self.seed)
        start = time.perf_counter()
        optimizer.setup(problem, rng, max_evals)
        n_var = problem.n_var
        while self.n_evals < max_evals:
            X = optimizer.ask()
            if X is None:
                break
            X = _checked_population(X, n_var, optimizer)[: max_evals - self.n_evals]
            ev = problem.evaluate(X)
            self.n_evals += len(X)
            tracker.update(X, ev.F, ev.G, self.n_evals)  # before tell, which may reuse X's buffer
            optimizer.tell(ev.F, ev.G)
        elapsed = time.perf_counter() - start
        if tracker.x_box is None:
            raise PopulationError(f"optimizer {optimizer.name!r} stopped (ask() returned None) before asking for any point")
        x_box = tracker.x_box
        x = problem.space.decode(x_box[None, :])[0]
        return Result(
            x=x,
            x_box=x_box,
            f=tracker.f if problem.n_obj == 1 else None,
            violation=tracker.v,
            n_evals=self.n_evals,
            time_s=elapsed,
            history=np.asarray(tracker.history, dtype=np.float64).reshape(-1, 3),
            n_nonfinite=tracker.n_nonfinite,
            front_F=tracker.front_F,
            front_X=tracker.front_X,
        )


def _checked_population(X: ArrayLike, n_var: int, optimizer: Optimizer) -> np.ndarray:
    """``X`` as a float (pop, n_var) array with pop >= 1 and finite values, else PopulationError."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PopulationError(f"optimizer {optimizer.name!r} asked for a population that is not a numeric array: {exc}") from None
    if X.ndim != 2 or X.shape[1] != n_var or X.shape[0] == 0:
        raise PopulationError(
            f"optimizer {optimizer.name!r} asked for a population of shape {X.shape}; expected (pop >= 1, {n_var})"
        )
    if not np.isfinite(X).all():
        row, col = np.argwhere(~np.isfinite(X))[0]
        raise PopulationError(
            f"optimizer {optimizer.name!r} asked for a non-finite point: population row {row}, variable {col} is {X[row, col]}"
        )
    return X


class _BestTracker:
    """Best point under feasibility first (single objective), or non-dominated archive."""

    def __init__(self, n_obj: int) -> None:
        self.n_obj = n_obj
        self.f = np.inf
        self.v = np.inf
        self.x_box: np.ndarray | None = None
        self.history: list[tuple[float, float, float]] = []
        self.front_F: np.ndarray | None = None
        self.front_X: np.ndarray | None = None
        self.front_v: np.ndarray | None = None
        self.n_nonfinite = 0

    def update(self, X: np.ndarray, F: np.ndarray, G: np.ndarray, n_evals: int) -> None:
        """Take a population: box points X (pop, n_var), objectives F (pop, n_obj), constraints G (pop, n_con)."""
        v = violation(G)
        if not (np.isfinite(F).all() and np.isfinite(G).all()):
            finite = np.isfinite(F).all(axis=1) & np.isfinite(G).all(axis=1)
            self.n_nonfinite += int(len(finite) - finite.sum())
            v = np.where(finite, v, np.inf)
        if self.n_obj == 1:
            i = best_index(F[:, 0], v)
            if self.x_box is None or better_one(F[i, 0], v[i], self.f, self.v):
                self.f, self.v, self.x_box = float(F[i, 0]), float(v[i]), X[i].copy()
            self.history.append((n_evals, self.f, self.v))
            return
        self._update_front(X, F, v)
        self.history.append((n_evals, np.nan, self.v))

    def _update_front(self, X: np.ndarray, F: np.ndarray, v: np.ndarray) -> None:
        if self.front_F is None or self.front_X is None or self.front_v is None:  # the three are set together
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
