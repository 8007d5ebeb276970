"""Teaching-Learning-Based Optimization (R. V. Rao, V. J. Savsani, D. P.
Vakharia, "Teaching-learning-based optimization: A novel method for
constrained mechanical design optimization problems", Computer-Aided Design
43, 303-315, 2011, doi 10.1016/j.cad.2010.12.015), compared with the
authors' published MATLAB code (R. V. Rao and V. Patel,
https://sites.google.com/site/tlborao; the files ``ETLBO.m``,
``Define_rangeopti_new.m`` and ``remove_duplicate.m``, "Prepared by Dr. R.
Venkata Rao and Dr. Vivek Patel").

State: the learners ``X`` (n, d) with their evaluations. One iteration is
two populations of n evaluations:

1. Teacher phase (the paper's ``Difference_Mean``, code's teacher step). ``M`` is the mean
   learner, ``T`` the best learner (the teacher); per learner a teaching
   factor ``TF = round(1 + u)`` (1 or 2 with equal probability, ``u``
   uniform) and ``r`` uniform in [0, 1) per coordinate::

       X' = X + r (T - TF M)

2. Learner phase (paper's learner phase, code's partner step). Per learner
   a partner ``P`` drawn uniformly among the other learners and ``r``
   uniform per coordinate::

       X' = X + r (X - P)   if X is strictly better than P
       X' = X + r (P - X)   otherwise

Each ``X'`` is clipped to the box (code ``Define_rangeopti_new``; the paper
is silent) and evaluated, and a learner moves to ``X'`` only if it is
strictly better (paper and code). Comparisons use feasibility first
(:mod:`optibench.constraints`); the paper's constrained designs use a
penalty instead. The initial population is uniform in the box. TLBO has no
schedule: the budget only decides how many phases run (the last one is cut
short by :func:`optibench.minimize`).

Where the paper and the code disagree, and which one this follows:

* Order. The paper runs the teacher phase for the whole class, then the
  learner phase for the whole class. The code runs, for each learner in
  turn, its teacher step and then its partner step, recomputing the mean and
  the teacher from the class as already updated. The paper's order is
  followed: it is the algorithm as published, and it evaluates each phase as
  one population.
* ``r``. The paper writes one ``r_i`` per learner; the code draws a fresh
  ``rand`` per coordinate (inside its loop over variables). The code is
  followed.
* Additions in the code: elitism (the worst learners replaced by the
  previous iteration's best), a standard-deviation term in the teacher step,
  a re-evaluation of the whole class every iteration, and the replacement of
  duplicate learners by a random change of one coordinate. These belong to
  the elitist variant (Rao and Patel 2012) and are not part of TLBO as
  published in 2011; they are left out. (Crepinsek, Liu and Mernik,
  Information Sciences 212, 2012, discuss how the duplicate removal and the
  uncounted re-evaluations affect comparisons with TLBO.)

The population size has no published default (the paper sets it per
problem); 30, the size of the usual F1-F13 protocol, is used.
"""

from __future__ import annotations

import numpy as np

from optibench.checks import integer
from optibench.constraints import better, sort_key

from .greedy import GreedyPopulation


class TeachingLearningBasedOptimization(GreedyPopulation):
    """TLBO: a teacher phase and a learner phase per iteration; no algorithm-specific parameter.

    Args:
        pop_size: number of learners n (at least 2: a learner needs a partner).
    """

    param_rules = {"pop_size": integer(2)}

    def __init__(self, pop_size: int = 30):
        self.pop_size = pop_size

    def _setup(self) -> None:
        super()._setup()
        self.teacher_next = True

    def _candidates(self) -> np.ndarray:
        """Alternately the teacher phase's and the learner phase's candidates (n, d), clipped to the box."""
        moved = self._teacher_phase() if self.teacher_next else self._learner_phase()
        return np.clip(moved, self.problem.xl, self.problem.xu)

    def _accepted(self) -> None:
        self.teacher_next = not self.teacher_next

    def _teacher_phase(self) -> np.ndarray:
        """Candidates (n, d) before clipping. Draws, in order: u (n,) for TF, r (n, d)."""
        assert self.f is not None and self.v is not None  # set when the first population was told
        teacher = self.X[sort_key(self.f, self.v)[0]]
        mean = self.X.mean(axis=0)
        tf = np.where(self.rng.random(self.pop_size) >= 0.5, 2.0, 1.0)  # round(1 + u)
        r = self.rng.random(self.X.shape)
        return self.X + r * (teacher - tf[:, None] * mean)

    def _learner_phase(self) -> np.ndarray:
        """Candidates (n, d) before clipping. Draws, in order: partner offset (n,) in [1, n), r (n, d)."""
        assert self.f is not None and self.v is not None  # set when the first population was told
        n = self.pop_size
        partner = (np.arange(n) + self.rng.integers(1, n, n)) % n  # uniform among the other learners
        r = self.rng.random(self.X.shape)
        ahead = better(self.f, self.v, self.f[partner], self.v[partner])
        step = np.where(ahead[:, None], self.X - self.X[partner], self.X[partner] - self.X)
        return self.X + r * step
