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
from numba import njit

from optibench.compiled_constraints import better_one
from optibench.constraints import best_index, rank


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
    holders, compared = _cascade_values(slot_f, slot_v, f, v)
    if compared:
        return holders
    k = len(slot_f)  # a NaN: ``rank``'s order (NaN last) decides, as it always has
    r = rank(np.concatenate([slot_f, f]), np.concatenate([slot_v, v]))
    return _cascade_ranks(r[:k].copy(), r[k:])


@njit(cache=True)
def _cascade_values(slot_f: np.ndarray, slot_v: np.ndarray, f: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, bool]:
    """:func:`cascade` by pairwise comparisons; ``(holders, False)`` when a value is NaN (then ranks must decide).

    Without NaN, feasibility first is a strict weak order, so comparing values
    is comparing their ranks.
    """
    holders = np.full(len(slot_f), -1, dtype=np.int64)
    for arr in (slot_f, slot_v, f, v):
        for x in arr:
            if np.isnan(x):
                return holders, False
    current_f, current_v = slot_f.copy(), slot_v.copy()
    for i in range(len(f)):
        for s in range(len(slot_f)):
            if better_one(f[i], v[i], current_f[s], current_v[s]):
                current_f[s], current_v[s], holders[s] = f[i], v[i], i
                break
            if not better_one(current_f[s], current_v[s], f[i], v[i]):
                break
    return holders, True


@njit(cache=True)
def _cascade_ranks(slot_rank: np.ndarray, r: np.ndarray) -> np.ndarray:
    """:func:`cascade` on ranks: slot ranks (k,) (updated in place), particle ranks (n,) -> holders (k,)."""
    holders = np.full(len(slot_rank), -1, dtype=np.int64)
    for i in range(len(r)):
        for s in range(len(slot_rank)):
            if r[i] < slot_rank[s]:
                slot_rank[s], holders[s] = r[i], i
                break
            if r[i] == slot_rank[s]:
                break
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
    i = best_index(f, v)
    if best_x is None or better_one(f[i], v[i], best_f, best_v):
        return X[i].copy(), f[i], v[i]
    return best_x, best_f, best_v
