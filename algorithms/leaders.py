"""Best-so-far points of the native optimizers: one leader (:func:`best_so_far`), or the leader slots
of the Equilibrium Optimizer and the Grey Wolf Optimizer, filled as their authors' code fills them.

Both codes keep k best-so-far slots (EO's four equilibrium candidates, GWO's
alpha, beta and delta) and visit the evaluated particles one at a time: a
particle takes the first slot it strictly beats, provided it is strictly
worse than every slot before that one, and the value it displaces is dropped,
not moved down. (So a new alpha does not demote the old alpha to beta.)
:func:`cascade` applies that rule to a whole population at once, with
feasibility first (:mod:`optibench.constraints`) as the comparison.
"""

from __future__ import annotations

import numpy as np

from optibench.constraints import better, rank, sort_key

_NEVER = np.iinfo(np.int64).max  # a rank no particle has


def cascade(slot_f: np.ndarray, slot_v: np.ndarray, f: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Which particle holds each slot after the particles are visited in order.

    Args:
        slot_f, slot_v: objective and total violation of the k slots, shape (k,),
            best first; an empty slot has +inf for both.
        f, v: objective and total violation of the n particles, shape (n,).

    Returns:
        Shape (k,) int: for each slot, the index of the particle that holds it
        at the end, or -1 where the slot keeps its value.
    """
    k = len(slot_f)
    r = rank(np.concatenate([slot_f, f]), np.concatenate([slot_v, v]))
    slot_rank, r = r[:k], r[k:]
    holders = np.full(k, -1)
    eligible = np.ones(len(r), dtype=bool)
    for s in range(k):
        if not eligible.any():
            break
        # value of slot s just before each particle is visited: its old value or
        # the best earlier particle that was eligible for it
        earlier = np.minimum.accumulate(np.where(eligible, r, _NEVER))
        before = np.minimum(slot_rank[s], np.concatenate(([_NEVER], earlier[:-1])))
        takes = np.flatnonzero(eligible & (r < before))
        if takes.size:
            holders[s] = takes[-1]
        eligible &= r > before
    return holders


def best_so_far(
    X: np.ndarray, f: np.ndarray, v: np.ndarray, best_x: np.ndarray | None, best_f: float, best_v: float
) -> tuple[np.ndarray, float, float]:
    """The leader after a population: its best point if that strictly beats the leader, else the leader.

    Args:
        X: the evaluated population, shape (n, d); f, v: its objective and total violation, shape (n,).
        best_x, best_f, best_v: the leader's position (d,) (None before the first population),
            objective and violation; comparisons are feasibility first (:mod:`optibench.constraints`).

    Returns:
        ``(x, f, v)`` of the new leader (a copy of the population's row when it changes).
    """
    i = sort_key(f, v)[0]
    if best_x is None or better(f[i], v[i], best_f, best_v):
        return X[i].copy(), f[i], v[i]
    return best_x, best_f, best_v
