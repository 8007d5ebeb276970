"""Port of the authors' Harris Hawks Optimization, ``HHO.m`` of
https://github.com/aliasgharheidaricom/Harris-Hawks-Optimization-Algorithm-and-Applications (A. A. Heidari; commit
e5d854f64e0af5207e33c25dc196629b00d00d25, whose main.m runs N = 30 hawks for T = 500 iterations), for the faithfulness
check only.

The MATLAB control flow is kept: per iteration, per hawk, clip to the box, evaluate and update the rabbit;
then ``E1 = 2 (1 - t/T)`` and, per hawk in turn, updating ``X`` in place (so ``mean(X)`` and the random hawk
see the hawks already moved in this iteration): ``E0 = 2 rand - 1``; exploration (``q``, the random hawk
``floor(N rand + 1)``, then two ``rand``) or exploitation (``r``, then ``Jump_strength = 2 (1 - rand)`` where
the branch draws it); the rapid dives evaluate ``X1`` and, if it does not beat the hawk, ``X2 = X1 + rand(1,
dim) .* Levy(dim)``, both unclipped, each compared with a fresh evaluation of the hawk's position, as the code
does. ``Levy`` is Mantegna's step with beta = 1.5 and no 0.01 factor, as in the code. MATLAB's ``rand`` is
``rng.random`` and ``randn`` is ``rng.standard_normal``. The code runs ``T = max_iter`` iterations whatever the
number of evaluations: about 1.5 to 2 times ``pop_size * max_iter`` objective calls, counting the repeated ones.
"""

from __future__ import annotations

import math

import numpy as np

BETA = 1.5
SIGMA = (math.gamma(1 + BETA) * math.sin(math.pi * BETA / 2) / (math.gamma((1 + BETA) / 2) * BETA * 2 ** ((BETA - 1) / 2))) ** (
    1 / BETA
)


def levy(dim: int, rng: np.random.Generator) -> np.ndarray:
    u = rng.standard_normal(dim) * SIGMA
    v = rng.standard_normal(dim)
    return u / np.abs(v) ** (1 / BETA)


def run(objective, lb: float, ub: float, dim: int, pop_size: int, max_iter: int, rng: np.random.Generator) -> np.ndarray:
    """One run; returns the rabbit's energy after each iteration, shape (max_iter,)."""
    rabbit = np.zeros(dim)
    rabbit_energy = np.inf
    X = rng.random((pop_size, dim)) * (ub - lb) + lb
    curve = np.empty(max_iter)
    for t in range(max_iter):
        for i in range(pop_size):
            X[i] = np.clip(X[i], lb, ub)
            fitness = objective(X[i])
            if fitness < rabbit_energy:
                rabbit_energy, rabbit = fitness, X[i].copy()
        E1 = 2 * (1 - t / max_iter)
        for i in range(pop_size):
            E = E1 * (2 * rng.random() - 1)
            if abs(E) >= 1:
                q = rng.random()
                x_rand = X[int(math.floor(pop_size * rng.random()))].copy()
                if q < 0.5:
                    X[i] = x_rand - rng.random() * np.abs(x_rand - 2 * rng.random() * X[i])
                else:
                    X[i] = (rabbit - X.mean(axis=0)) - rng.random() * ((ub - lb) * rng.random() + lb)
                continue
            r = rng.random()
            if r >= 0.5 and abs(E) < 0.5:
                X[i] = rabbit - E * np.abs(rabbit - X[i])
            if r >= 0.5 and abs(E) >= 0.5:
                J = 2 * (1 - rng.random())
                X[i] = (rabbit - X[i]) - E * np.abs(J * rabbit - X[i])
            if r < 0.5:
                J = 2 * (1 - rng.random())
                target = X[i] if abs(E) >= 0.5 else X.mean(axis=0)
                X1 = rabbit - E * np.abs(J * rabbit - target)
                if objective(X1) < objective(X[i]):
                    X[i] = X1
                else:
                    X2 = rabbit - E * np.abs(J * rabbit - target) + rng.random(dim) * levy(dim, rng)
                    if objective(X2) < objective(X[i]):
                        X[i] = X2
        curve[t] = rabbit_energy
    return curve
