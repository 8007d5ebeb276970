"""Constraint handling shared by every single-objective algorithm.

The default rule is feasibility first (Deb, "An efficient constraint handling
method for genetic algorithms", CMAME 186, 2000): a feasible solution beats
an infeasible one, two feasible ones compare by objective, two infeasible
ones by total violation. Algorithms compare solutions only through
:func:`better`, :func:`sort_key` and :func:`rank` (or, for algorithms that
only rank one population's objective values, :func:`deb_fitness`), so the
rule lives here alone.
"""

from __future__ import annotations

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
    order = sort_key(f, v)
    steps = better(f[order[:-1]], v[order[:-1]], f[order[1:]], v[order[1:]])
    ranks = np.empty(len(f), dtype=np.int64)
    ranks[order] = np.concatenate(([0], np.cumsum(steps)))
    return ranks


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
