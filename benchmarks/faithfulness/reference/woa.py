"""Port of the authors' Whale Optimization Algorithm, ``WOA.m`` of https://github.com/alimirjalili/WOA ("Whale
Optimization Algorithm (WOA) source codes demo 1.0", S. Mirjalili, MATLAB R2011b; also MathWorks File
Exchange 55667), for the faithfulness check only.

The MATLAB control flow is kept: the leader starts at the origin with score +inf; per iteration, per whale:
clip to the box, evaluate, update the leader (strict ``<``); then ``a = 2 - t * 2 / Max_iter``,
``a2 = -1 - t / Max_iter`` and, per whale in turn, the draws ``r1``, ``r2``, ``l = (a2 - 1) rand + 1``, ``p``
and the move of every coordinate, written into the positions in place (a later whale's random partner may
already have moved). The code's loop over coordinates is vectorised: where ``p < 0.5`` and ``|A| >= 1`` the
random whale of each coordinate is drawn as one (dim,) array of ``floor(N rand) + 1`` indices, read from the
positions as they stand when the whale moves, which is what the coordinate loop reads. ``b = 1``. The
initial whales are ``rand(N, dim) .* (ub - lb) + lb`` (``initialization.m``).
"""

from __future__ import annotations

import numpy as np

B = 1.0


def run(objective, lb: float, ub: float, dim: int, pop_size: int, max_iter: int, rng: np.random.Generator) -> np.ndarray:
    """One run; returns the best-so-far value (the leader's score) after each iteration, shape (max_iter,)."""
    leader_pos = np.zeros(dim)
    leader_score = np.inf
    positions = rng.random((pop_size, dim)) * (ub - lb) + lb
    columns = np.arange(dim)
    curve = np.empty(max_iter)
    for t in range(max_iter):
        for i in range(pop_size):
            positions[i] = np.clip(positions[i], lb, ub)
            fitness = objective(positions[i])
            if fitness < leader_score:
                leader_score, leader_pos = fitness, positions[i].copy()
        a = 2.0 - t * (2.0 / max_iter)
        a2 = -1.0 + t * (-1.0 / max_iter)
        for i in range(pop_size):
            r1, r2 = rng.random(), rng.random()
            A, C = 2.0 * a * r1 - a, 2.0 * r2
            l = (a2 - 1.0) * rng.random() + 1.0  # noqa: E741 (the paper's name)
            p = rng.random()
            x = positions[i]
            if p < 0.5:
                if abs(A) >= 1:
                    x_rand = positions[rng.integers(0, pop_size, dim), columns]
                    positions[i] = x_rand - A * np.abs(C * x_rand - x)
                else:
                    positions[i] = leader_pos - A * np.abs(C * leader_pos - x)
            else:
                positions[i] = np.abs(leader_pos - x) * np.exp(B * l) * np.cos(2.0 * np.pi * l) + leader_pos
        curve[t] = leader_score
    return curve
