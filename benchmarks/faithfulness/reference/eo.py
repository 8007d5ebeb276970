"""Port of the authors' Equilibrium Optimizer, ``EO.m`` and ``initialization.m`` of
https://github.com/afshinfaramarzi/Equilibrium-Optimizer (A. Faramarzi, S. Mirjalili, MATLAB R2015a; commit
9e9990a3ec209a6a47b7aa3a7088e7aa1b623046), for the faithfulness check only.

The MATLAB control flow is kept: per particle, clip to the box, evaluate, and update the four equilibrium
candidates by the code's if/elseif chain (strict comparisons, a displaced candidate is dropped); then memory
saving; then, per particle, the draws ``lambda`` (1, dim), ``r`` (1, dim), the pool index, ``r1``, ``r2`` in
that order and the update of Eq. (16). MATLAB's ``rand`` is ``rng.random`` and ``randi(5)`` is
``rng.integers(5)``; V = 1, a1 = 2, a2 = 1, GP = 0.5 as in the code.
"""

from __future__ import annotations

import numpy as np

A1, A2, GP, V = 2.0, 1.0, 0.5, 1.0


def run(objective, lb: float, ub: float, dim: int, pop_size: int, max_iter: int, rng: np.random.Generator) -> np.ndarray:
    """One run; returns the best-so-far value after each iteration, shape (max_iter,)."""
    ceq = np.zeros((4, dim))
    ceq_fit = np.full(4, np.inf)
    C = rng.random((pop_size, dim)) * (ub - lb) + lb
    fitness = np.empty(pop_size)
    curve = np.empty(max_iter)
    for it in range(max_iter):
        for i in range(pop_size):
            C[i] = np.clip(C[i], lb, ub)
            fitness[i] = objective(C[i])
            f = fitness[i]
            if f < ceq_fit[0]:
                ceq_fit[0], ceq[0] = f, C[i]
            elif f > ceq_fit[0] and f < ceq_fit[1]:
                ceq_fit[1], ceq[1] = f, C[i]
            elif f > ceq_fit[0] and f > ceq_fit[1] and f < ceq_fit[2]:
                ceq_fit[2], ceq[2] = f, C[i]
            elif f > ceq_fit[0] and f > ceq_fit[1] and f > ceq_fit[2] and f < ceq_fit[3]:
                ceq_fit[3], ceq[3] = f, C[i]
        if it == 0:
            fit_old, C_old = fitness.copy(), C.copy()
        back = fit_old < fitness
        fitness[back], C[back] = fit_old[back], C_old[back]
        C_old, fit_old = C.copy(), fitness.copy()

        pool = np.vstack([ceq, ceq.mean(axis=0)])
        t = (1.0 - it / max_iter) ** (A2 * it / max_iter)
        for i in range(pop_size):
            lam = rng.random(dim)
            r = rng.random(dim)
            c_eq = pool[rng.integers(len(pool))]
            F = A1 * np.sign(r - 0.5) * (np.exp(-lam * t) - 1.0)
            r1, r2 = rng.random(), rng.random()
            gcp = 0.5 * r1 * (r2 >= GP)
            G = gcp * (c_eq - lam * C[i]) * F
            C[i] = c_eq + (C[i] - c_eq) * F + (G / lam * V) * (1.0 - F)
        curve[it] = ceq_fit[0]
    return curve
