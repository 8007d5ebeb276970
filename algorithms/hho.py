"""Harris Hawks Optimization (A. A. Heidari, S. Mirjalili, H. Faris, I.
Aljarah, M. Mafarja, H. Chen, "Harris hawks optimization: Algorithm and
applications", Future Generation Computer Systems 97, 849-872, 2019, doi
10.1016/j.future.2019.02.028), compared with the authors' published MATLAB
code ``HHO.m``
(https://github.com/aliasgharheidaricom/Harris-Hawks-Optimization-Algorithm-and-Applications,
commit e5d854f64e0af5207e33c25dc196629b00d00d25; also Code Ocean
10.24433/CO.1455672.v1; the paper names http://www.alimirjalili.com/HHO.html
and http://www.evo-ml.com/2019/03/02/hho).

State: the hawks ``X`` (n, d) with their evaluations and the rabbit ``R``,
the best point evaluated so far. Per iteration, with ``Xm`` the mean hawk,
and per hawk ``E0`` uniform in (-1, 1) and ``E = E1 E0``, where
``E1 = 2 (1 - t/T)`` (paper eq. 3; ``t/T`` is the fraction of the budget
spent, see below):

* ``|E| >= 1``, exploration (eq. 1), with ``q, r1, r2, r3, r4`` uniform
  scalars and ``Xr`` a random hawk:
  ``q < 0.5``: ``X' = Xr - r1 |Xr - 2 r2 X|``;
  ``q >= 0.5``: ``X' = (R - Xm) - r3 (lb + r4 (ub - lb))``.
* ``|E| < 1``, exploitation, with ``r`` uniform and the jump strength
  ``J = 2 (1 - r5)``:
  soft besiege (``r >= 0.5``, ``|E| >= 0.5``, eq. 4): ``X' = (R - X) - E |J R - X|``;
  hard besiege (``r >= 0.5``, ``|E| < 0.5``, eq. 6): ``X' = R - E |R - X|``;
  soft besiege with rapid dives (``r < 0.5``, ``|E| >= 0.5``, eqs. 7-10):
  ``Y = R - E |J R - X|``;
  hard besiege with rapid dives (``r < 0.5``, ``|E| < 0.5``, eqs. 11-13):
  ``Y = R - E |J R - Xm|``.
  A diving hawk moves to ``Y`` if ``Y`` is strictly better than its
  position; otherwise ``Z = Y + S * LF`` is evaluated (``S`` uniform per
  coordinate, ``LF`` a Levy step per coordinate, Mantegna's method with
  beta = 1.5: ``LF = u sigma / |v|^(1/beta)``, ``u``, ``v`` standard
  normal) and taken if strictly better; otherwise the hawk stays.

The non-diving hawks always move (paper and code). So an iteration asks two
populations: first every hawk's ``X'`` or ``Y`` (n points), then ``Z`` for
the diving hawks whose ``Y`` failed (none: the second is skipped). Every
asked point is clipped to the box first. Comparisons use feasibility first
(:mod:`optibench.constraints`). The initial hawks are uniform in the box.

Where the paper and the code disagree, or differ from this form, and why:

* Levy step: the paper's eq. 9 scales it by 0.01; the code's ``Levy``
  returns the step unscaled. The published results come from the code, so
  the code is followed (no 0.01).
* Exploration: eq. 1 takes the random-hawk form for ``q >= 0.5``; the
  paper's text and the code take it for ``q < 0.5``. With ``q`` uniform both
  choose each form with probability 1/2; the code's assignment is used.
* Sequential updates: the code moves hawk after hawk in place, so ``Xm``
  and the random hawk ``Xr`` may already have moved in this iteration; here
  the whole population moves from the positions at the start of the
  iteration (the paper's equations are written that way).
* Bounds: the code clips every hawk before evaluating it, but evaluates
  ``Y`` and ``Z`` unclipped (a dive accepted outside the box is clipped at
  the next iteration, after it won on its unclipped value). Here ``Y`` and
  ``Z`` are clipped before they are evaluated, as every point optibench asks
  must lie in the box (``Z`` is built from the clipped ``Y``).
* Evaluations and the schedule: the code counts iterations, not
  evaluations. Each iteration it evaluates every hawk, the dives, and the
  hawk's position again for every dive comparison (about 2 n calls per
  iteration in all, for T iterations). Here each point is evaluated once and
  every evaluation counts against the budget, so the energy schedule runs on
  the budget: ``t/T`` is the number of evaluations told so far over
  ``max_evals``. A budget of n T evaluations is about half the code's calls
  in T iterations (``benchmarks/faithfulness/published/hho.toml``).

The only parameter is the number of hawks (the paper uses 30).
"""

from __future__ import annotations

import math

import numpy as np

from optibench.checks import integer
from optibench.constraints import better, violation
from optibench.optimizer import Optimizer

from .leaders import best_so_far

BETA = 1.5
"""Levy exponent of the paper and the code."""
SIGMA = (math.gamma(1 + BETA) * math.sin(math.pi * BETA / 2) / (math.gamma((1 + BETA) / 2) * BETA * 2 ** ((BETA - 1) / 2))) ** (
    1 / BETA
)
"""Mantegna's scale of the Levy step for BETA (about 0.6966)."""


class HarrisHawksOptimization(Optimizer):
    """Harris Hawks Optimization: perching while the escaping energy is high, four besiege moves as it falls.

    Args:
        pop_size: number of hawks n.
    """

    param_rules = {"pop_size": integer(1)}

    def __init__(self, pop_size: int = 30):
        self.pop_size = pop_size

    def _setup(self) -> None:
        self.budget = self._budget()
        self.X = self._uniform(self.pop_size)
        # objective value and violation of each hawk, shape (n,); None until the first population is told
        self.f: np.ndarray | None = None
        self.v: np.ndarray | None = None
        self.rabbit_x: np.ndarray | None = None  # the best point so far (d,), None before the first population
        self.rabbit_f, self.rabbit_v = np.inf, np.inf
        self.spent = 0  # evaluations told so far
        self.diving: np.ndarray | None = None  # which hawks' last move was a dive Y
        # hawks whose dive Y failed, and their Y, between the two populations
        self.divers: np.ndarray | None = None
        self.Y: np.ndarray | None = None
        self.pending = self.X

    def ask(self) -> np.ndarray:
        """The initial hawks, then each iteration's moves (n, d) and, when a dive failed, the Levy dives (m, d)."""
        if self.f is None:
            self.pending = self.X
        elif self.divers is None:
            self.pending = self._moves()
        else:
            self.pending = self._levy_dives()
        return self.pending

    def tell(self, F: np.ndarray, G: np.ndarray) -> None:
        if len(F) < len(self.pending):
            return  # the budget ended inside this population: no further ask follows
        f, v = F[:, 0].copy(), violation(G)
        self.spent += len(f)
        self.rabbit_x, self.rabbit_f, self.rabbit_v = best_so_far(self.pending, f, v, self.rabbit_x, self.rabbit_f, self.rabbit_v)
        if self.f is None or self.v is None:  # the first population
            self.f, self.v = f, v
        elif self.divers is None:
            self._after_moves(f, v)
        else:
            self._after_levy_dives(f, v)

    def energy_factor(self) -> float:
        """E1 = 2 (1 - t/T), t/T the fraction of the budget told so far: from 2 down to 0 over the run."""
        return 2.0 * (1.0 - self.spent / self.budget)

    def _moves(self) -> np.ndarray:
        """Every hawk's new position or dive Y (n, d), clipped.

        Draws: one array u (n, 9), uniform; its columns, in order: E0 = 2 u - 1, q, the random hawk
        ``floor(n u)`` (as the code's ``floor(N*rand()+1)``), r1, r2, r3, r4, r, r5.
        """
        n = self.pop_size
        X, R, lb, ub = self.X, self.rabbit_x, self.problem.xl, self.problem.xu
        mean = X.mean(axis=0)
        u = self.rng.random((n, 9))
        E = self.energy_factor() * (2.0 * u[:, 0] - 1.0)
        a, r = np.abs(E), u[:, 7]
        # exploitation, one form R - c X - E |J R - B|: soft besiege c = 1; hard besiege J = 1,
        # B = X; dives c = 0 and B = X (soft) or the mean hawk (hard)
        besiege = r >= 0.5
        c = (besiege & (a >= 0.5)).astype(float)
        J = np.where(besiege & (a < 0.5), 1.0, 2.0 * (1.0 - u[:, 8]))
        B = np.where((~besiege & (a < 0.5))[:, None], mean, X)
        moved = R - c[:, None] * X - E[:, None] * np.abs(J[:, None] * R - B)
        perch = np.flatnonzero(a >= 1.0)
        if perch.size:
            q, r1, r2, r3, r4 = u[perch, 1], u[perch, 3], u[perch, 4], u[perch, 5], u[perch, 6]
            other = X[(n * u[perch, 2]).astype(np.int64)]
            family = other - r1[:, None] * np.abs(other - 2.0 * r2[:, None] * X[perch])
            tree = (R - mean) - r3[:, None] * (lb + r4[:, None] * (ub - lb))
            moved[perch] = np.where((q < 0.5)[:, None], family, tree)
        self.diving = (a < 1.0) & ~besiege
        return np.clip(moved, lb, ub)

    def _after_moves(self, f: np.ndarray, v: np.ndarray) -> None:
        """Non-diving hawks take their move; a diving hawk takes Y if better, else waits for its Levy dive."""
        assert self.f is not None and self.v is not None and self.diving is not None  # set by the first tell and _moves
        won = ~self.diving | better(f, v, self.f, self.v)
        self.X[won], self.f[won], self.v[won] = self.pending[won], f[won], v[won]
        failed = np.flatnonzero(~won)
        if failed.size:
            self.divers, self.Y = failed, self.pending[failed]

    def _levy_dives(self) -> np.ndarray:
        """Z = Y + S * LF for the hawks whose Y failed (m, d), clipped. Draws, in order: S, u, v, each (m, d)."""
        assert self.Y is not None  # set by _after_moves when a dive failed
        shape = self.Y.shape
        S = self.rng.random(shape)
        u = self.rng.standard_normal(shape) * SIGMA
        w = self.rng.standard_normal(shape)
        return np.clip(self.Y + S * (u / np.abs(w) ** (1.0 / BETA)), self.problem.xl, self.problem.xu)

    def _after_levy_dives(self, f: np.ndarray, v: np.ndarray) -> None:
        """A hawk takes its Levy dive Z only if it is strictly better than its position."""
        assert self.f is not None and self.v is not None and self.divers is not None  # set by the earlier tells
        hawks = self.divers
        won = better(f, v, self.f[hawks], self.v[hawks])
        moved = hawks[won]
        self.X[moved], self.f[moved], self.v[moved] = self.pending[won], f[won], v[won]
        self.divers = self.Y = None
