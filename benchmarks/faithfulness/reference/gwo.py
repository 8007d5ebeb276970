"""Port of the authors' Grey Wolf Optimizer, ``GWO.m`` of https://github.com/alimirjalili/GWO ("Grey Wolf
Optimizer (GWO) source codes version 1.0", S. Mirjalili, MATLAB R2011b; also MathWorks File Exchange 44974),
for the faithfulness check only.

The MATLAB control flow is kept: alpha, beta and delta start at the origin with score +inf; per iteration,
per wolf: clip to the box, evaluate, and update the leaders by the code's three ``if`` tests (strict
comparisons; a new alpha does not demote the old one); then ``a = 2 - l * 2 / Max_iter`` and, per wolf, the
draws ``r1``, ``r2`` for alpha, beta and delta and the update of eqs. 3.3-3.7. The code's inner loop over
coordinates is vectorised: per wolf, ``r1`` and ``r2`` are drawn as (3, dim) arrays (rows alpha, beta, delta),
the same distribution as the code's per-coordinate ``rand()`` calls. The initial wolves are ``rand(N, dim) .* (ub - lb) + lb``
(``initialization.m``).
"""

from __future__ import annotations

import numpy as np


def run(objective, lb: float, ub: float, dim: int, pop_size: int, max_iter: int, rng: np.random.Generator) -> np.ndarray:
    """One run; returns the best-so-far value (alpha's score) after each iteration, shape (max_iter,)."""
    alpha_pos, beta_pos, delta_pos = np.zeros(dim), np.zeros(dim), np.zeros(dim)
    alpha_score = beta_score = delta_score = np.inf
    positions = rng.random((pop_size, dim)) * (ub - lb) + lb
    curve = np.empty(max_iter)
    for l in range(max_iter):  # noqa: E741 (the code's loop counter)
        for i in range(pop_size):
            positions[i] = np.clip(positions[i], lb, ub)
            fitness = objective(positions[i])
            if fitness < alpha_score:
                alpha_score, alpha_pos = fitness, positions[i].copy()
            if fitness > alpha_score and fitness < beta_score:
                beta_score, beta_pos = fitness, positions[i].copy()
            if fitness > alpha_score and fitness > beta_score and fitness < delta_score:
                delta_score, delta_pos = fitness, positions[i].copy()
        a = 2.0 - l * (2.0 / max_iter)
        leaders = np.vstack([alpha_pos, beta_pos, delta_pos])
        for i in range(pop_size):
            r1, r2 = rng.random((3, dim)), rng.random((3, dim))  # rows: alpha, beta, delta
            A, C = 2.0 * a * r1 - a, 2.0 * r2
            positions[i] = (leaders - A * np.abs(C * leaders - positions[i])).sum(axis=0) / 3.0
        curve[l] = alpha_score
    return curve
