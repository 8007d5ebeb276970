"""Jaya (R. V. Rao, "Jaya: A simple and new optimization algorithm for
solving constrained and unconstrained optimization problems", International
Journal of Industrial Engineering Computations 7, 19-34, 2016, doi
10.5267/j.ijiec.2015.8.004), as in the author's published MATLAB code
(https://sites.google.com/site/jayaalgorithm, reproduced in Rao's book
"Jaya: An Advanced Optimization Algorithm and its Engineering Applications",
Springer 2019; its functions ``updatepopulation`` and ``trimr``).

State: the population ``X`` (n, d) with its evaluations. One iteration:

1. ``best`` and ``worst`` are the best and the worst member of the
   population (paper and code: taken once, before any member moves).
2. Every member moves (paper eq. 1, code ``updatepopulation``), with
   ``r1``, ``r2`` uniform in [0, 1), drawn per member and per coordinate::

       X' = X + r1 (best - |X|) - r2 (worst - |X|)

3. ``X'`` is clipped to the box (code ``trimr``; the paper does not say how
   bounds are kept) and the whole population is evaluated.
4. Greedy acceptance: a member moves to ``X'`` only if it is strictly better
   (paper and code).

The initial population is uniform in the box. Jaya has no schedule, so the
budget only decides how many iterations run. Comparisons (best, worst,
acceptance) use feasibility first (:mod:`optibench.constraints`).

Where the paper and the code disagree, or differ from this form:

* The paper writes ``r1,j,i`` and ``r2,j,i`` (per variable j and iteration i)
  and does not say whether members share them; the code draws a fresh pair
  for every member and coordinate (``r=rand(1,2)`` inside both loops). The
  code's reading is the default. (Some circulating copies of the code drop
  ``r2``, moving every member by the full ``worst - |X|``; that is a copying
  error, not the published code.)
* Constraints: the paper handles the constrained benchmarks with a static
  penalty (the code's example objective adds ``10 min(0, g)^2`` per
  constraint); optibench uses feasibility first, the rule shared by its
  single-objective algorithms.
* Budget: the code evaluates the initial population, then ``maxGen =
  floor(maxFes / pop)`` generations, i.e. ``pop`` evaluations more than
  ``maxFes``; here the budget is exact (the last generation is cut short by
  :func:`optibench.minimize`).

The population size has no published default (the paper sets it per
problem); 30, the size of the usual F1-F13 protocol, is used.
"""

from __future__ import annotations

import numpy as np

from optibench.checks import integer
from optibench.constraints import sort_key

from .greedy import GreedyPopulation


class Jaya(GreedyPopulation):
    """Jaya: towards the best member, away from the worst; no algorithm-specific parameter.

    Args:
        pop_size: number of members n.
    """

    param_rules = {"pop_size": integer(1)}

    def __init__(self, pop_size: int = 30):
        self.pop_size = pop_size

    def _candidates(self) -> np.ndarray:
        """Candidates (n, d), clipped to the box. Draws, in order: r1 (n, d), r2 (n, d)."""
        assert self.f is not None and self.v is not None  # set when the first population was told
        order = sort_key(self.f, self.v)
        best, worst = self.X[order[0]], self.X[order[-1]]
        r1 = self.rng.random(self.X.shape)
        r2 = self.rng.random(self.X.shape)
        size = np.abs(self.X)
        moved = self.X + r1 * (best - size) - r2 * (worst - size)
        return np.clip(moved, self.problem.xl, self.problem.xu)
