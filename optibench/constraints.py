"""Constraint handling shared by every single-objective algorithm.

The default rule is feasibility first (Deb, "An efficient constraint handling
method for genetic algorithms", CMAME 186, 2000): a feasible solution beats
an infeasible one, two feasible ones compare by objective, two infeasible
ones by total violation. Algorithms compare solutions only through
:func:`better`, :func:`sort_key`, :func:`best_index` and :func:`rank` (or,
for algorithms that only rank one population's objective values,
:func:`deb_fitness`; one pair at a time, :func:`better_one`), so the rule
lives here alone. :mod:`optibench.compiled_constraints` compiles
:func:`better_one` for Numba loops and does the loops of :func:`rank` and
:func:`best_index`; it is imported on their first call, so importing this
module does not import Numba.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
from numpy.typing import ArrayLike


def violation(G: ArrayLike) -> np.ndarray:
    """Total constraint violation per point: sum of positive parts of G (pop, n_con) -> (pop,)."""
    G = np.asarray(G, dtype=np.float64)
    if G.ndim == 1:
        G = G[:, None]
    if G.shape[1] == 0:
        return np.zeros(G.shape[0])
    return np.maximum(G, 0.0).sum(axis=1)


def better(f_a: ArrayLike, v_a: ArrayLike, f_b: ArrayLike, v_b: ArrayLike) -> np.ndarray:
    """Element-wise: is solution a strictly better than b under feasibility first?

    ``f_*`` objective values, ``v_*`` total violations (0 = feasible); arrays
    of the same shape, or scalars.
    """
    f_a, v_a, f_b, v_b = map(np.asarray, (f_a, v_a, f_b, v_b))
    both_feasible = (v_a <= 0) & (v_b <= 0)
    return np.where(both_feasible, f_a < f_b, v_a < v_b)


def better_one(f_a: float, v_a: float, f_b: float, v_b: float) -> bool:
    """:func:`better` of one pair of solutions (objective, total violation), as Python scalars."""
    if v_a <= 0 and v_b <= 0:
        return f_a < f_b
    return v_a < v_b


def sort_key(f: ArrayLike, v: ArrayLike) -> np.ndarray:
    """Indices that order solutions best first under feasibility first (stable)."""
    f, v = np.asarray(f, dtype=np.float64), np.asarray(v, dtype=np.float64)
    feasible = v <= 0
    # feasible: by objective; infeasible: after all feasible, by violation
    primary = np.where(feasible, 0, 1)
    secondary = np.where(feasible, f, v)
    return np.lexsort((secondary, primary))


def rank(f: ArrayLike, v: ArrayLike) -> np.ndarray:
    """Dense rank of each solution under feasibility first, shape (n,) int64.

    0 is the best; solutions that neither beats the other share a rank, so
    ``rank[a] < rank[b]`` exactly when ``better(f[a], v[a], f[b], v[b])``.
    """
    f, v = np.asarray(f, dtype=np.float64), np.asarray(v, dtype=np.float64)
    return _compiled().dense_rank(f, v, sort_key(f, v))


def best_index(f: ArrayLike, v: ArrayLike) -> int:
    """Index of the best solution under feasibility first, the first of equals: ``sort_key(f, v)[0]``.

    ``f``, ``v``: objective values and total violations, shape (n,), n >= 1.
    """
    f, v = np.asarray(f, dtype=np.float64), np.asarray(v, dtype=np.float64)
    if len(f) == 0:
        raise ValueError("best_index needs at least one solution")
    return int(_compiled().first_in_order(f, v))


_COMPILED: ModuleType | None = None


def _compiled() -> ModuleType:
    """:mod:`optibench.compiled_constraints`, imported on the first call (so ``import optibench`` does not import Numba)."""
    global _COMPILED
    if _COMPILED is None:
        from . import compiled_constraints

        _COMPILED = compiled_constraints
    return _COMPILED


def deb_fitness(f: ArrayLike, v: ArrayLike) -> np.ndarray:
    """Deb's (2000) fitness of a population, shape (pop,): one objective ordered by feasibility first.

    A feasible point keeps its objective; an infeasible one gets the worst
    feasible objective of the population (0 when none is feasible) plus its
    violation. For algorithms that only rank the objective values of one
    population (CMA-ES), this applies the same rule as :func:`better`.
    """
    f, v = np.asarray(f, dtype=np.float64), np.asarray(v, dtype=np.float64)
    feasible = v <= 0
    worst_feasible = f[feasible].max() if feasible.any() else 0.0
    return np.where(feasible, f, worst_feasible + v)
