"""The feasibility-first rule of :mod:`optibench.constraints`, compiled with Numba for loops over solutions.

:func:`better_one` is :func:`optibench.constraints.better_one` compiled (one
pair of solutions), for algorithms' compiled loops; :func:`dense_rank` and
:func:`first_in_order` are the loops of :func:`optibench.constraints.rank`
and :func:`optibench.constraints.best_index`. Every result equals the NumPy
form's, NaN included.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import constraints

better_one = njit(cache=True)(constraints.better_one)
"""``better_one(f_a, v_a, f_b, v_b) -> bool``: is solution a strictly better than b (feasibility first)?"""


@njit(cache=True)
def dense_rank(f: np.ndarray, v: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Ranks (n,) int64 of solutions f, v (n,) visited in ``order`` (n,) (:func:`~optibench.constraints.sort_key`'s):
    0 for the first, up by one at each strict improvement."""
    ranks = np.empty(len(order), dtype=np.int64)
    current = 0
    for j in range(len(order)):
        b = order[j]
        if j > 0:
            a = order[j - 1]
            if better_one(f[a], v[a], f[b], v[b]):
                current += 1
        ranks[b] = current
    return ranks


@njit(cache=True)
def first_in_order(f: np.ndarray, v: np.ndarray) -> int:
    """The first index in :func:`~optibench.constraints.sort_key`'s order of f, v (n,), n >= 1:
    feasible ones by objective, then infeasible ones by violation, NaN last, the first of equals."""
    best = 0
    for i in range(1, len(f)):
        feasible, best_feasible = v[i] <= 0, v[best] <= 0
        if feasible != best_feasible:
            ahead = feasible
        else:
            key, best_key = (f[i], f[best]) if feasible else (v[i], v[best])
            ahead = key < best_key or (np.isnan(best_key) and not np.isnan(key))
        if ahead:
            best = i
    return best
