"""pymoo's algorithms under optibench's ask / tell, budget and seeding.

Each registered class wraps one pymoo algorithm and drives it through
pymoo's own ask / tell interface: ``algorithm.setup(view)``, ``pop =
algorithm.ask()``, and once :func:`optibench.minimize` has evaluated
``pop.get("X")`` with the problem's batched ``evaluate``, ``pop.set(F=...,
G=...)`` and ``algorithm.tell(infills=pop)``. ``view`` is a pymoo
``Problem`` that only describes the box and the numbers of objectives and
constraints; its evaluation raises, so pymoo cannot spend evaluations outside
the budget.

* Budget: pymoo runs without a termination of its own. When the budget ends
  inside a population, the truncated population is not told to pymoo (no
  further ask follows). When pymoo stops by itself (CMA-ES's tolerances) or
  has nothing to ask, it is restarted with a fresh seed.
* Seeding: pymoo's seed is drawn from the run's Generator. pymoo's CMA-ES
  samples from NumPy's global legacy random state, so every call into pymoo
  runs with the run's private copy of that state swapped in: a run neither
  depends on nor changes the global state. The calls hold a lock, so runs in
  threads of one process do not interfere either.
* Constraints: pymoo is given one constraint per point, the total violation
  of :func:`optibench.constraints.violation`, so its feasibility-first
  comparisons (Deb 2000, pymoo's default) order solutions as optibench does.
  pymoo's CMA-ES would set every infeasible objective to +inf; it is given
  :func:`optibench.constraints.deb_fitness` as its objective instead, which
  ranks a population by the same rule.

Parameters are pymoo's own keyword arguments (``pop_size``, ``sigma``...)
with pymoo's defaults. pymoo is imported when a run is set up, not when the
registry loads.
"""
from __future__ import annotations

import importlib
import threading
from contextlib import contextmanager

import numpy as np

from optibench.constraints import deb_fitness, violation
from optibench.optimizer import Optimizer
from optibench.registry import register_algorithm

SEED_BOUND = 2**31 - 1  # pymoo's CMA-ES hands the seed to numpy.random.seed
_GLOBAL_STATE = threading.Lock()  # held while a run's copy of NumPy's global random state is swapped in


def _box_view(problem, n_con: int):
    """What pymoo sees of an optibench problem: bounds, objectives, ``n_con`` constraints, no evaluation."""
    from pymoo.core.problem import Problem as PymooProblem

    class BoxView(PymooProblem):
        def _evaluate(self, X, out, *args, **kwargs):
            raise RuntimeError("optibench evaluates through optibench.minimize; pymoo may not evaluate on its own")

    return BoxView(n_var=problem.n_var, n_obj=problem.n_obj, n_ieq_constr=n_con, xl=problem.xl, xu=problem.xu)


class PymooAlgorithm(Optimizer):
    """Base of the pymoo wrappers; a subclass names its pymoo class as ``"module:Class"`` in ``pymoo_class``.

    Args:
        **options: keyword arguments of the pymoo algorithm (pymoo's defaults apply).
    """

    pymoo_class: str
    deb_objective: bool = False  # tell pymoo deb_fitness(F, violation) instead of F and the violation

    def __init__(self, **options):
        self.options = options

    @property
    def params(self) -> dict:
        return dict(self.options)

    def _setup(self) -> None:
        module, name = self.pymoo_class.split(":")
        self._pymoo_class = getattr(importlib.import_module(module), name)
        self._constrained = self.problem.n_con > 0 and not self.deb_objective
        self._view = _box_view(self.problem, n_con=int(self._constrained))
        self._start()

    def _start(self) -> None:
        """A fresh pymoo algorithm, seeded from the run's Generator."""
        from pymoo.core.termination import NoTermination

        seed = int(self.rng.integers(SEED_BOUND))
        self._global_state = np.random.RandomState(seed).get_state()
        self._algorithm = self._pymoo_class(seed=seed, **self.options)
        self._algorithm.termination = NoTermination()
        with self._private_global_state():
            self._algorithm.setup(self._view)

    @contextmanager
    def _private_global_state(self):
        """Run pymoo with this run's copy of NumPy's global random state, then put the caller's back."""
        with _GLOBAL_STATE:
            outer = np.random.get_state()
            np.random.set_state(self._global_state)
            try:
                yield
            finally:
                self._global_state = np.random.get_state()
                np.random.set_state(outer)

    def ask(self) -> np.ndarray:
        while True:
            with self._private_global_state():
                pop = self._algorithm.ask() if self._algorithm.has_next() else None
            if pop is not None and len(pop) > 0:
                self._pop = pop
                return pop.get("X")
            self._start()

    def tell(self, F, G) -> None:
        if len(F) < len(self._pop):
            return  # the budget ended inside this population: no further ask follows
        v = violation(G)
        if self.deb_objective:
            self._pop.set(F=deb_fitness(F[:, 0], v)[:, None])
        elif self._constrained:
            self._pop.set(F=F, G=v[:, None])
        else:
            self._pop.set(F=F)
        with self._private_global_state():
            self._algorithm.tell(infills=self._pop)


@register_algorithm("ga")
class PymooGA(PymooAlgorithm):
    """pymoo's genetic algorithm (``pymoo.algorithms.soo.nonconvex.ga.GA``): SBX crossover, polynomial mutation."""

    pymoo_class = "pymoo.algorithms.soo.nonconvex.ga:GA"


@register_algorithm("de")
class PymooDE(PymooAlgorithm):
    """pymoo's differential evolution (``pymoo.algorithms.soo.nonconvex.de.DE``), DE/best/1/bin by default."""

    pymoo_class = "pymoo.algorithms.soo.nonconvex.de:DE"


@register_algorithm("pso")
class PymooPSO(PymooAlgorithm):
    """pymoo's particle swarm (``pymoo.algorithms.soo.nonconvex.pso.PSO``), adaptive by default."""

    pymoo_class = "pymoo.algorithms.soo.nonconvex.pso:PSO"


@register_algorithm("cmaes")
class PymooCMAES(PymooAlgorithm):
    """pymoo's CMA-ES (``pymoo.algorithms.soo.nonconvex.cmaes.CMAES``), restarted whenever it stops."""

    pymoo_class = "pymoo.algorithms.soo.nonconvex.cmaes:CMAES"
    deb_objective = True


@register_algorithm("nsga2")
class PymooNSGA2(PymooAlgorithm):
    """pymoo's NSGA-II (``pymoo.algorithms.moo.nsga2.NSGA2``), any number of objectives."""

    pymoo_class = "pymoo.algorithms.moo.nsga2:NSGA2"
    n_obj_supported = None
