"""Grey Wolf Optimizer (Mirjalili, Mirjalili, Lewis, "Grey Wolf Optimizer",
Advances in Engineering Software 69, 46-61, 2014, doi
10.1016/j.advengsoft.2013.12.007), as in the authors' MATLAB code ``GWO.m``
("Grey Wolf Optimizer (GWO) source codes version 1.0", in
https://github.com/alimirjalili/GWO, also MathWorks File Exchange 44974).

One iteration, for the wolves ``X`` (n, d):

1. ``X`` is evaluated (points are kept inside the box by clipping, as the
   code does before each evaluation).
2. The leaders alpha, beta and delta (best-so-far slots) are updated by the
   code's rule, wolf by wolf: a wolf strictly better than alpha replaces
   alpha; otherwise, if strictly better than beta, it replaces beta;
   otherwise, if strictly better than delta (and strictly worse than beta),
   delta (:func:`~optibench.algorithms.leaders.cascade`).
3. ``a = 2 - 2 it / T`` (paper: "a is linearly decreased from 2 to 0 over
   the course of iterations"; code: ``a=2-l*((2)/Max_iter)``). For each
   leader ``p`` in (alpha, beta, delta), with ``r1``, ``r2`` uniform in
   [0, 1)^(n, d): ``A = 2 a r1 - a`` (paper eq. 3.3), ``C = 2 r2`` (eq. 3.4),
   ``D_p = |C X_p - X|`` (eq. 3.5), ``X_p' = X_p - A D_p`` (eq. 3.6), and
   ``X = (X_alpha' + X_beta' + X_delta') / 3`` (eq. 3.7).

``T`` is the number of populations the budget allows,
``ceil(max_evals / pop_size)``, the code's ``Max_iter``; ``it`` counts from 0,
so the evaluated moves use ``a`` from 2 down to ``4 / T`` (the move made after
the last evaluation, with ``a = 2 / T``, is never evaluated, in the code
either). Comparisons use feasibility first (:mod:`optibench.constraints`).

Where the paper and the code differ, the default follows the code, whose
output is what the paper's tables report:

* Leaders: the paper keeps "the first three best solutions obtained so
  far". The code's rule does not demote: a wolf that beats alpha takes
  alpha's place and the old alpha is dropped instead of becoming beta, so
  beta and delta are often worse than the true second and third best.
* ``A`` and ``C``: the paper writes them as vectors; the code draws ``r1``
  and ``r2`` afresh per wolf, coordinate and leader, as here.
* Bounds: the paper says nothing; the code clips to the box before each
  evaluation, as here.

Where this batched form differs from the code, and why: the code starts beta
and delta at the origin with objective +inf, so a slot left empty after the
first population (when every wolf is a new alpha or a new beta in turn, rare
for 30 wolves) pulls the pack towards 0, the optimum of most test functions;
here an empty slot stands in for alpha. The code draws ``r1``, ``r2`` per
coordinate in the order alpha, beta, delta; here the draws are whole arrays
(same distribution).
"""

from __future__ import annotations

import numpy as np

from optibench.checks import integer
from optibench.constraints import violation
from optibench.optimizer import Optimizer

from .leaders import cascade

N_LEADERS = 3  # alpha, beta, delta


class GreyWolfOptimizer(Optimizer):
    """Grey Wolf Optimizer (the paper has no tuning constant: ``a`` goes from 2 to 0 over the budget).

    Args:
        pop_size: number of wolves n (the paper uses 30).
    """

    param_rules = {"pop_size": integer(1)}

    def __init__(self, pop_size: int = 30):
        self.pop_size = pop_size

    def _setup(self) -> None:
        p = self.problem
        n, d = self.pop_size, p.n_var
        self.max_iter = -(-self._budget() // n)
        self.iteration = 0
        self.X = self._uniform(n)
        self.leader_x = np.zeros((N_LEADERS, d))
        self.leader_f = np.full(N_LEADERS, np.inf)
        self.leader_v = np.full(N_LEADERS, np.inf)
        self.leader_filled = np.zeros(N_LEADERS, dtype=bool)

    def ask(self) -> np.ndarray:
        self.X = np.clip(self.X, self.problem.xl, self.problem.xu)
        return self.X

    def tell(self, F: np.ndarray, G: np.ndarray) -> None:
        if len(F) < self.pop_size:
            return  # the budget ended inside this population: no further ask follows
        f, v = F[:, 0], violation(G)
        for k, i in enumerate(cascade(self.leader_f, self.leader_v, f, v)):
            if i >= 0:
                self.leader_x[k], self.leader_f[k], self.leader_v[k] = self.X[i], f[i], v[i]
                self.leader_filled[k] = True
        self.X = self._move(self.a())
        self.iteration += 1

    def a(self) -> float:
        """The control parameter of the next move, ``2 - 2 it / T``."""
        return 2.0 - 2.0 * self.iteration / self.max_iter

    def _move(self, a: float) -> np.ndarray:
        """New positions (n, d). Draws, in order: r1 (3, n, d), r2 (3, n, d), leader axis alpha, beta, delta."""
        n, d = self.X.shape
        leaders = np.where(self.leader_filled[:, None], self.leader_x, self.leader_x[0])[:, None, :]
        r1 = self.rng.random((N_LEADERS, n, d))
        r2 = self.rng.random((N_LEADERS, n, d))
        A = 2.0 * a * r1 - a
        C = 2.0 * r2
        return (leaders - A * np.abs(C * leaders - self.X)).sum(axis=0) / 3.0
