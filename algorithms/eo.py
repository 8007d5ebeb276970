"""Equilibrium Optimizer (Faramarzi, Heidarinejad, Stephens, Mirjalili,
"Equilibrium optimizer: A novel optimization algorithm", Knowledge-Based
Systems 191, 105190, 2020), as in the authors' published code.

One iteration, for the population ``C`` (n, d) of particle concentrations:

1. ``C`` is evaluated (points are kept inside the box by clipping, as the
   authors' code does before each evaluation).
2. Equilibrium archive, cascade rule: each particle in turn takes the first
   of the four slots it strictly beats, provided it is strictly worse than
   every slot before that one; a displaced slot value is dropped, not moved
   down.
3. Memory saving: a particle whose previous position was strictly better
   returns to it (with its previous evaluation).
4. Pool = the four slots plus their mean (the mean is not evaluated).
   ``t = (1 - it/T)^(a2 it/T)``, and per particle, with ``lambda`` and ``r``
   uniform in [0, 1)^d, ``Ceq`` drawn from the pool, ``r1``, ``r2`` uniform:
   ``F = a1 sign(r - 0.5) (exp(-lambda t) - 1)``,
   ``GCP = 0.5 r1`` if ``r2 >= GP`` else 0,
   ``G = GCP (Ceq - lambda C) F``,
   ``C = Ceq + (C - Ceq) F + G / (lambda V) (1 - F)``.

Comparisons (archive and memory saving) use feasibility first
(:mod:`optibench.constraints`). ``T`` is the number of populations the budget
allows, ``ceil(max_evals / pop_size)``; ``it`` counts from 0.

Two choices where the code and this batched form differ: the authors' code
starts the three lower slots at the origin with objective +inf, so a slot
never filled (rare after the first population) would pull particles to 0;
here an unfilled slot stands in for the best slot in the pool. The code's
``G./lambda*V`` and the paper's ``G/(lambda V)`` agree for the default V = 1;
the paper's form is used.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from optibench.checks import integer, real
from optibench.compiled_constraints import better_one
from optibench.constraints import violation
from optibench.optimizer import Optimizer

from .leaders import cascade

N_SLOTS = 4


class EquilibriumOptimizer(Optimizer):
    """Equilibrium Optimizer with the published defaults.

    Args:
        pop_size: number of particles n.
        a1: exploration constant (default 2).
        a2: exploitation constant (default 1).
        GP: generation probability (default 0.5).
        V: control volume (default 1).
    """

    param_rules = {"pop_size": integer(1), "a1": real(above=0), "a2": real(0), "GP": real(0, 1), "V": real(above=0)}

    def __init__(self, pop_size: int = 30, a1: float = 2.0, a2: float = 1.0, GP: float = 0.5, V: float = 1.0):
        self.pop_size = pop_size
        self.a1 = a1
        self.a2 = a2
        self.GP = GP
        self.V = V

    def _setup(self) -> None:
        p = self.problem
        n, d = self.pop_size, p.n_var
        self.max_iter = -(-self._budget() // n)
        self.iteration = 0
        self.C = self._uniform(n)
        self.slot_x = np.zeros((N_SLOTS, d))
        self.slot_f = np.full(N_SLOTS, np.inf)
        self.slot_v = np.full(N_SLOTS, np.inf)
        self.slot_filled = np.zeros(N_SLOTS, dtype=bool)
        # the previous positions (n, d), objective values and violations (n,); None before the first tell
        self.old_C: np.ndarray | None = None
        self.old_f: np.ndarray | None = None
        self.old_v: np.ndarray | None = None
        self.pool: np.ndarray | None = None  # :meth:`_pool` of the current slots, (5, d); None until the first tell

    def ask(self) -> np.ndarray:
        self.C = np.clip(self.C, self.problem.xl, self.problem.xu)
        return self.C

    def tell(self, F: np.ndarray, G: np.ndarray) -> None:
        if len(F) < self.pop_size:
            return  # the budget ended inside this population: no further ask follows
        f, v = F[:, 0].copy(), violation(G)
        if self._update_archive(f, v) or self.pool is None:
            self.pool = self._pool()
        self._save_memory(f, v)
        self.C = self._move(self.pool)
        self.iteration += 1

    def _update_archive(self, f: np.ndarray, v: np.ndarray) -> bool:
        """The cascade rule of the authors' code, in particle order (:func:`~optibench.algorithms.leaders.cascade`).

        Returns whether any slot changed.
        """
        changed = False
        for k, i in enumerate(cascade(self.slot_f, self.slot_v, f, v).tolist()):
            if i >= 0:
                self.slot_x[k], self.slot_f[k], self.slot_v[k] = self.C[i], f[i], v[i]
                self.slot_filled[k] = changed = True
        return changed

    def _save_memory(self, f: np.ndarray, v: np.ndarray) -> None:
        """A particle returns to its previous position when that was strictly better."""
        if self.old_C is not None and self.old_f is not None and self.old_v is not None:  # set together
            _return_where_better(self.C, f, v, self.old_C, self.old_f, self.old_v)
        self.old_C, self.old_f, self.old_v = self.C.copy(), f.copy(), v.copy()

    def _pool(self) -> np.ndarray:
        """The four slots and their mean, shape (5, d); an unfilled slot repeats the best one."""
        slots = np.where(self.slot_filled[:, None], self.slot_x, self.slot_x[0])
        return np.vstack([slots, slots.mean(axis=0)])

    def _move(self, pool: np.ndarray) -> np.ndarray:
        """New concentrations (n, d). Draws, in order: lambda (n, d), r (n, d), pool index (n,), r1 (n,), r2 (n,)."""
        n, d = self.C.shape
        it, T = self.iteration, self.max_iter
        t = (1.0 - it / T) ** (self.a2 * it / T)
        lam = self.rng.random((n, d))
        r = self.rng.random((n, d))
        ceq = pool[self.rng.integers(0, len(pool), n)]
        r1 = self.rng.random((n,))
        r2 = self.rng.random((n,))
        decay = np.exp(-lam * t)  # NumPy's exp, whose last bit a compiled one need not match
        return _concentrations(self.C, lam, r, decay, ceq, r1, r2, float(self.a1), float(self.GP), float(self.V))


@njit(cache=True, error_model="numpy")
def _concentrations(
    C: np.ndarray,
    lam: np.ndarray,
    r: np.ndarray,
    decay: np.ndarray,
    ceq: np.ndarray,
    r1: np.ndarray,
    r2: np.ndarray,
    a1: float,
    GP: float,
    V: float,
) -> np.ndarray:
    """The EO update of the module docstring for C, lam, r, decay = exp(-lam t), ceq (n, d) and r1, r2 (n,) -> (n, d).

    Each operation in the order of ``F = a1 sign(r - 0.5) (decay - 1)``, ``G = GCP (Ceq - lam C) F``,
    ``C' = Ceq + (C - Ceq) F + G / (lam V) (1 - F)``, so the values are NumPy's to the last bit.
    """
    n, d = C.shape
    out = np.empty((n, d))
    for i in range(n):
        gcp = 0.5 * r1[i] if r2[i] >= GP else 0.0
        for j in range(d):
            F = a1 * np.sign(r[i, j] - 0.5) * (decay[i, j] - 1.0)
            G = gcp * (ceq[i, j] - lam[i, j] * C[i, j]) * F
            out[i, j] = ceq[i, j] + (C[i, j] - ceq[i, j]) * F + G / (lam[i, j] * V) * (1.0 - F)
    return out


@njit(cache=True)
def _return_where_better(
    C: np.ndarray, f: np.ndarray, v: np.ndarray, old_C: np.ndarray, old_f: np.ndarray, old_v: np.ndarray
) -> None:
    """In place: particle i of C (n, d), f, v (n,) takes its previous state where that was strictly better."""
    for i in range(len(f)):
        if better_one(old_f[i], old_v[i], f[i], v[i]):
            C[i] = old_C[i]
            f[i], v[i] = old_f[i], old_v[i]
