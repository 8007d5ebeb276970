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
  samples from NumPy's global legacy random state (through the ``cma``
  package), and so does every pymoo algorithm before pymoo 0.6.2 (whose
  algorithms have no ``random_state`` Generator of their own); for those,
  every call into pymoo runs with the run's private copy of that state
  swapped in, holding a lock, so a run neither depends on nor changes the
  global state, and runs in threads of one process do not interfere. The
  swap copies the 2.5 kB state four times per call (about 0.1 ms, two calls
  per population: several microseconds per evaluation with 50 points); the
  other algorithms draw only from their own Generator, so they run without it.
* Constraints: pymoo is given one constraint per point, the total violation
  of :func:`optibench.constraints.violation`, so its feasibility-first
  comparisons (Deb 2000, pymoo's default) order solutions as optibench does.
  pymoo's CMA-ES would set every infeasible objective to +inf; it is given
  :func:`optibench.constraints.deb_fitness` as its objective instead, which
  ranks a population by the same rule.

Parameters are pymoo's own keyword arguments with pymoo's defaults; each
wrapper accepts the plain-valued ones listed in its ``defaults`` (``pop_size``,
``sigma``...), checked by its ``param_rules``, and refuses any other name.
pymoo's operator objects (crossover, mutation...) are not parameters: a
configuration must be storable as plain values. pymoo is imported when a run
is set up, not when the registry loads.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

import numpy as np

from optibench.checks import boolean, choice, integer, real
from optibench.constraints import deb_fitness, violation
from optibench.optimizer import Optimizer

from .random_state import PrivateGlobalState

if TYPE_CHECKING:
    from optibench.problem import Problem

DE_VARIANTS = tuple(
    f"DE/{selection}/{n}/{crossover}"
    for selection in ("rand", "best", "target-to-best")
    for n in (1, 2)
    for crossover in ("bin", "exp")
)
"""Variants pymoo's DE understands: DE/<selection>/<number of differences>/<crossover>."""
GENETIC_RULES = {"pop_size": integer(2), "n_offsprings": integer(1, optional=True), "eliminate_duplicates": boolean()}
GENETIC_DEFAULTS = {"pop_size": 100, "n_offsprings": None, "eliminate_duplicates": True}
"""Options of pymoo's GA and NSGA-II, with pymoo's defaults."""
SEED_BOUND = 2**31 - 1  # pymoo's CMA-ES hands the seed to numpy.random.seed


def _box_view(problem: Problem, n_con: int) -> Any:
    """What pymoo sees of an optibench problem: bounds, objectives, ``n_con`` constraints, no evaluation."""
    from pymoo.core.problem import Problem as PymooProblem

    class BoxView(PymooProblem):
        def _evaluate(self, X: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
            raise RuntimeError("optibench evaluates through optibench.minimize; pymoo may not evaluate on its own")

    return BoxView(n_var=problem.n_var, n_obj=problem.n_obj, n_ieq_constr=n_con, xl=problem.xl, xu=problem.xu)


class PymooAlgorithm(Optimizer):
    """Base of the pymoo wrappers; a subclass names its pymoo class as ``"module:Class"`` in ``pymoo_class``.

    A subclass lists the options it accepts with pymoo's defaults in
    ``defaults`` and their allowed values in ``param_rules`` (the same keys).

    Args:
        **options: keyword arguments of the pymoo algorithm, among ``defaults``.
    """

    pymoo_class: str
    deb_objective: bool = False  # tell pymoo deb_fitness(F, violation) instead of F and the violation
    global_random_state: bool = False  # the pymoo class draws from NumPy's global random state in any pymoo version
    defaults: dict = {}

    @classmethod
    def _resolve_params(cls, args: tuple, kwargs: dict) -> dict:
        return super()._resolve_params(args, {**cls.defaults, **kwargs})

    def __init__(self, **options: Any) -> None:
        self.options = self.params

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
        self._algorithm = self._pymoo_class(seed=seed, **self.options)
        self._algorithm.termination = NoTermination()
        own_generator = hasattr(self._algorithm, "random_state")  # pymoo >= 0.6.2 draws from a Generator of its own
        self._in_pymoo: Callable[[], AbstractContextManager[None]] = (
            nullcontext if own_generator and not self.global_random_state else PrivateGlobalState(seed).swapped_in
        )
        with self._in_pymoo():
            self._algorithm.setup(self._view)

    def ask(self) -> np.ndarray:
        while True:
            with self._in_pymoo():
                pop = self._algorithm.ask() if self._algorithm.has_next() else None
            if pop is not None and len(pop) > 0:
                self._pop = pop
                return pop.get("X")
            self._start()

    def tell(self, F: np.ndarray, G: np.ndarray) -> None:
        if len(F) < len(self._pop):
            return  # the budget ended inside this population: no further ask follows
        if self.deb_objective:
            self._pop.set(F=deb_fitness(F[:, 0], violation(G))[:, None])
        elif self._constrained:
            self._pop.set(F=F, G=violation(G)[:, None])
        else:
            self._pop.set(F=F)
        with self._in_pymoo():
            self._algorithm.tell(infills=self._pop)


class PymooGA(PymooAlgorithm):
    """pymoo's genetic algorithm (``pymoo.algorithms.soo.nonconvex.ga.GA``): SBX crossover, polynomial mutation."""

    pymoo_class = "pymoo.algorithms.soo.nonconvex.ga:GA"
    param_rules, defaults = GENETIC_RULES, GENETIC_DEFAULTS


class PymooDE(PymooAlgorithm):
    """pymoo's differential evolution (``pymoo.algorithms.soo.nonconvex.de.DE``), DE/best/1/bin by default."""

    pymoo_class = "pymoo.algorithms.soo.nonconvex.de:DE"
    param_rules = {
        "pop_size": integer(4),
        "n_offsprings": integer(1, optional=True),
        "variant": choice(*DE_VARIANTS),
        "F": real(above=0),
        "CR": real(0, 1),
        "jitter": boolean(),
    }
    defaults = {"pop_size": 100, "n_offsprings": None, "variant": "DE/best/1/bin", "F": 0.5, "CR": 0.2, "jitter": False}


class PymooPSO(PymooAlgorithm):
    """pymoo's particle swarm (``pymoo.algorithms.soo.nonconvex.pso.PSO``), adaptive by default."""

    pymoo_class = "pymoo.algorithms.soo.nonconvex.pso:PSO"
    param_rules = {
        "pop_size": integer(2),
        "w": real(),
        "c1": real(0),
        "c2": real(0),
        "adaptive": boolean(),
        "initial_velocity": choice("random", "zero"),
        "max_velocity_rate": real(above=0),
        "pertube_best": boolean(),
    }
    defaults = {
        "pop_size": 25,
        "w": 0.9,
        "c1": 2.0,
        "c2": 2.0,
        "adaptive": True,
        "initial_velocity": "random",
        "max_velocity_rate": 0.2,
        "pertube_best": True,
    }


class PymooCMAES(PymooAlgorithm):
    """pymoo's CMA-ES (``pymoo.algorithms.soo.nonconvex.cmaes.CMAES``), restarted whenever it stops."""

    pymoo_class = "pymoo.algorithms.soo.nonconvex.cmaes:CMAES"
    param_rules = {
        "pop_size": integer(2, optional=True),
        "sigma": real(above=0),
        "normalize": boolean(),
        "tolfun": real(0),
        "tolx": real(0),
        "restarts": integer(0),
        "incpopsize": real(above=0),
        "bipop": boolean(),
    }
    defaults = {
        "pop_size": None,
        "sigma": 0.1,
        "normalize": True,
        "tolfun": 1e-11,
        "tolx": 1e-11,
        "restarts": 0,
        "incpopsize": 2,
        "bipop": False,
    }
    deb_objective = True
    global_random_state = True


class PymooNSGA2(PymooAlgorithm):
    """pymoo's NSGA-II (``pymoo.algorithms.moo.nsga2.NSGA2``), any number of objectives."""

    pymoo_class = "pymoo.algorithms.moo.nsga2:NSGA2"
    param_rules, defaults = GENETIC_RULES, GENETIC_DEFAULTS
    n_obj_supported = None
