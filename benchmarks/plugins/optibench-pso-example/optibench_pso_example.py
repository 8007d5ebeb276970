"""A plain global-best particle swarm optimizer, packaged as an optibench plugin.

Kennedy and Eberhart, "Particle swarm optimization", Proc. ICNN 1995, with
the inertia weight of Shi and Eberhart (1998) and the constants of Clerc and
Kennedy (IEEE Trans. Evol. Comput. 6(1), 2002): w = 0.7298,
c1 = c2 = 1.49618. Per particle and coordinate, with r1, r2 uniform in [0, 1):

    v = w v + c1 r1 (pbest - x) + c2 r2 (gbest - x),   x = x + v

Velocities start at zero. A coordinate that leaves the box is drawn again
uniformly inside it and its velocity set to zero (the "random" bound
handling of Helwig, Branke and Mostaghim, IEEE Trans. Evol. Comput. 17(2),
2013); clipping instead lets the swarm collapse onto a box edge. Personal and
global bests are compared with optibench's feasibility-first rule
(``optibench.constraints``).
"""

from __future__ import annotations

import numpy as np

from optibench.checks import integer, real
from optibench.constraints import better, sort_key, violation
from optibench.optimizer import Optimizer


class PlainPSO(Optimizer):
    """Global-best PSO with inertia weight.

    Args:
        pop_size: number of particles.
        w: inertia weight.
        c1: cognitive (personal best) coefficient.
        c2: social (global best) coefficient.
    """

    param_rules = {"pop_size": integer(1), "w": real(0), "c1": real(0), "c2": real(0)}

    def __init__(self, pop_size: int = 40, w: float = 0.7298, c1: float = 1.49618, c2: float = 1.49618):
        self.pop_size = pop_size
        self.w = w
        self.c1 = c1
        self.c2 = c2

    def _setup(self) -> None:
        shape = (self.pop_size, self.problem.n_var)
        self.x = self._uniform(shape)
        self.v = np.zeros(shape)
        self.best_x = None  # personal bests (n, d), with objectives and violations (n,)

    def _uniform(self, shape) -> np.ndarray:
        p = self.problem
        return p.xl + (p.xu - p.xl) * self.rng.random(shape)

    def ask(self) -> np.ndarray:
        return self.x

    def tell(self, F, G) -> None:
        if len(F) < self.pop_size:
            return  # the budget ended inside this swarm: no further ask follows
        f, g = F[:, 0], violation(G)
        if self.best_x is None:
            self.best_x, self.best_f, self.best_v = self.x.copy(), f.copy(), g.copy()
        else:
            won = better(f, g, self.best_f, self.best_v)
            self.best_x[won], self.best_f[won], self.best_v[won] = self.x[won], f[won], g[won]
        leader = self.best_x[sort_key(self.best_f, self.best_v)[0]]
        r1 = self.rng.random(self.x.shape)
        r2 = self.rng.random(self.x.shape)
        self.v = self.w * self.v + self.c1 * r1 * (self.best_x - self.x) + self.c2 * r2 * (leader - self.x)
        x = self.x + self.v
        out = (x < self.problem.xl) | (x > self.problem.xu)
        self.x = np.where(out, self._uniform(x.shape), x)
        self.v[out] = 0.0
