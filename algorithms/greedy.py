"""Populations whose members move to their candidate only when it is strictly better (Jaya, TLBO)."""

from __future__ import annotations

import numpy as np

from optibench.constraints import better, violation
from optibench.optimizer import Optimizer


class GreedyPopulation(Optimizer):
    """The state, ask and tell shared by the algorithms with greedy acceptance.

    State: the members ``X`` (n, d), uniform in the box at the start; their
    objective values ``f`` and violations ``v`` (n,), None until the first
    population is told; ``pending`` (n, d), the points last asked. The first
    ask returns the members themselves; every later one returns
    :meth:`_candidates`, and a member moves to its candidate when the
    candidate is strictly better (feasibility first, :func:`optibench.constraints.better`).
    A subclass gives ``pop_size``, :meth:`_candidates` and, if it keeps more
    state, :meth:`_accepted`.
    """

    pop_size: int

    def _setup(self) -> None:
        self.X = self._uniform(self.pop_size)
        self.f: np.ndarray | None = None
        self.v: np.ndarray | None = None
        self.pending = self.X

    def ask(self) -> np.ndarray:
        """The initial members, then each iteration's candidates (n, d)."""
        self.pending = self.X if self.f is None else self._candidates()
        return self.pending

    def tell(self, F: np.ndarray, G: np.ndarray) -> None:
        if len(F) < len(self.pending):
            return  # the budget ended inside this population: no further ask follows
        f, v = F[:, 0].copy(), violation(G)
        if self.f is None or self.v is None:  # the first population
            self.f, self.v = f, v
            return
        won = better(f, v, self.f, self.v)
        self.X[won], self.f[won], self.v[won] = self.pending[won], f[won], v[won]
        self._accepted()

    def _candidates(self) -> np.ndarray:
        """This iteration's candidates (n, d), inside the box."""
        raise NotImplementedError

    def _accepted(self) -> None:
        """Called after each iteration's acceptance (not after the first population); nothing by default."""
