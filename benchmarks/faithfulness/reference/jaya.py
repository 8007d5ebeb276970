"""Port of R. V. Rao's published Jaya code (the MATLAB functions ``Jaya``, ``updatepopulation`` and ``trimr``
of https://sites.google.com/site/jayaalgorithm, reproduced in Rao's book "Jaya: An Advanced Optimization
Algorithm and its Engineering Applications", Springer 2019), for the faithfulness check only.

The code's control flow is kept: evaluate the initial population; per generation, take the best and the worst
member (``min(f)``, ``max(f)``), move every member with ``r = rand(1, 2)`` drawn per member and variable
(``x + r(1) (Best - |x|) - r(2) (worst - |x|)``), clip (``trimr``), evaluate the whole new population and accept
each strictly better member. The code runs ``maxGen = floor(maxFes / pop)`` generations after the initial
population; here ``max_iter - 1`` generations follow it, so a run makes ``pop_size * max_iter`` evaluations,
optibench's budget at the same protocol. MATLAB's ``rand`` is ``rng.random``.
"""

from __future__ import annotations

import numpy as np


def run(objective, lb: float, ub: float, dim: int, pop_size: int, max_iter: int, rng: np.random.Generator) -> np.ndarray:
    """One run; returns the best value after the initial population and after each generation, shape (max_iter,)."""
    x = lb + (ub - lb) * rng.random((pop_size, dim))
    f = np.array([objective(xi) for xi in x])
    curve = np.empty(max_iter)
    curve[0] = f.min()
    for gen in range(1, max_iter):
        best, worst = x[np.argmin(f)], x[np.argmax(f)]
        xnew = np.empty_like(x)
        for i in range(pop_size):
            r = rng.random((dim, 2))  # rand(1, 2) per variable, in the code's loop order
            xnew[i] = x[i] + r[:, 0] * (best - np.abs(x[i])) - r[:, 1] * (worst - np.abs(x[i]))
        xnew = np.clip(xnew, lb, ub)
        fnew = np.array([objective(xi) for xi in xnew])
        for i in range(pop_size):
            if fnew[i] < f[i]:
                x[i], f[i] = xnew[i], fnew[i]
        curve[gen] = f.min()
    return curve
