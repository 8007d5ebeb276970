"""Port of the author's Sine Cosine Algorithm, ``SCA.m`` ("Sine Cosine Algorithm (SCA) source codes demo
version 1.0", S. Mirjalili, MATLAB R2011b; MathWorks File Exchange 54948,
https://www.mathworks.com/matlabcentral/fileexchange/54948-sca-a-sine-cosine-algorithm, read in the copy with
the author's header in https://github.com/DayoSun/The-Hiking-Optimization-Algorithm), for the faithfulness check
only.

The MATLAB control flow is kept: the initial solutions are evaluated one by one and the destination is the
best of them (iteration 1); then for ``t = 2 .. Max_iteration``: ``r1 = a - t * a / Max_iteration`` with
``a = 2``, every solution is moved (per solution, per coordinate: ``r2 = 2 pi rand``, ``r3 = 2 rand``,
``r4 = rand``, sine if ``r4 < 0.5`` else cosine), and then, solution by solution, clipped to the box,
evaluated and compared with the destination (strict ``<``). The loop over coordinates is vectorised: r2, r3,
r4 are drawn as (dim,) arrays, the same distribution as the code's per-coordinate calls. The code leaves
``Convergence_curve(1)`` at 0; here it holds the best initial value.
"""

from __future__ import annotations

import numpy as np

A = 2.0


def run(objective, lb: float, ub: float, dim: int, pop_size: int, max_iter: int, rng: np.random.Generator) -> np.ndarray:
    """One run; returns the best-so-far value (the destination's fitness) after each iteration, shape (max_iter,)."""
    X = rng.random((pop_size, dim)) * (ub - lb) + lb
    dest_pos, dest_fit = X[0].copy(), objective(X[0])
    for i in range(1, pop_size):
        value = objective(X[i])
        if value < dest_fit:
            dest_pos, dest_fit = X[i].copy(), value
    curve = np.empty(max_iter)
    curve[0] = dest_fit
    for t in range(2, max_iter + 1):
        r1 = A - t * (A / max_iter)
        for i in range(pop_size):
            r2 = 2.0 * np.pi * rng.random(dim)
            r3 = 2.0 * rng.random(dim)
            r4 = rng.random(dim)
            wave = np.where(r4 < 0.5, np.sin(r2), np.cos(r2))
            X[i] = X[i] + r1 * wave * np.abs(r3 * dest_pos - X[i])
        for i in range(pop_size):
            X[i] = np.clip(X[i], lb, ub)
            value = objective(X[i])
            if value < dest_fit:
                dest_pos, dest_fit = X[i].copy(), value
        curve[t - 1] = dest_fit
    return curve
