"""nevergrad's optimizers under optibench's ask / tell, budget and seeding.

``ng:<name>`` is the optimizer ``<name>`` of nevergrad's registry
(``nevergrad.optimizers.registry``: ``ng:NGOpt``, ``ng:CMA``,
``ng:TwoPointsDE``, ``ng:TBPSA``...). The optibench registry resolves such a
name with :func:`resolve` when it is used, and nevergrad is imported then:
listing optibench's algorithms imports nothing of nevergrad
(``pip install "optibench[nevergrad]"`` installs it).

* Loop: each ``ask`` asks nevergrad for ``pop_size`` candidates (nevergrad's
  ``num_workers``: the candidates asked before any is told) and returns
  their values as one population, shape (pop_size, n_var), which
  :func:`optibench.minimize` evaluates in one call; ``tell`` tells each
  candidate its loss, in order. With the default ``pop_size=1`` this is
  nevergrad's own sequential ``minimize`` loop.
* Budget: nevergrad's optimizer is built with ``budget=max_evals`` (NGOpt
  chooses its algorithm from it) and is never asked for more candidates
  than the budget has left, so the last population may be smaller than
  ``pop_size``. optibench's loop spends the budget exactly.
* Seeding: nevergrad's optimizers draw from their parametrization's
  ``random_state``, a ``numpy.random.RandomState`` seeded from the run's
  Generator (set before anything reads it, since nevergrad seeds an unset one
  from NumPy's global state). Some of nevergrad's code draws from NumPy's
  global state itself (NGOpt's sub-optimizers seed their own
  parametrizations from it, a few mutations call ``np.random``): every call
  into nevergrad runs with the run's private copy of the global state swapped
  in (:mod:`~optibench.algorithms.random_state`, as for pymoo), seeded from
  the Generator too, so a run neither depends on nor changes the global state,
  and runs in threads do not interfere. Importing nevergrad (which draws from
  the global state at import) leaves it as it was.
* Bounds: the parametrization is ``ng.p.Array(init=(xl + xu) / 2)`` with
  ``set_mutation(sigma=(xu - xl) / 6)`` and ``set_bounds(xl, xu,
  method="bouncing", full_range_sampling=True)``, what nevergrad's own
  ``ng.p.Array(lower=xl, upper=xu)`` builds, with the method spelled out.
  "bouncing" reflects a coordinate that leaves the box back inside it (once,
  then clips), so every asked point lies in the box, without the mass on the
  bounds that "clipping" gives and without reshaping the space as "arctan"
  and "tanh" do (there a step shrinks near a bound, and the bound itself, where
  constrained optima often lie, is reached only at infinity); "constraint"
  rejects and re-asks, spending nevergrad's tries.
* Integer and distinct-choice variables: optibench's decoding. nevergrad
  searches optibench's continuous box and the problem decodes each point as
  it does for every algorithm (integers rounded, distinct choices repaired;
  see :mod:`optibench.variables`), so all algorithms see the same search
  space; nevergrad's ``Choice`` cannot express k distinct choices.
* Constraints: feasibility first (Deb 2000), as one scalar loss per point,
  since nevergrad compares points told at different times (DE's parents,
  CMA's ranking, NGOpt's archive): a feasible point's loss is its objective;
  an infeasible point's loss is ``W`` plus its total violation, where ``W``
  is the largest objective value of the first population told and of every
  feasible point told since. So an infeasible point is worse than every
  feasible point told before it, and infeasible points are ordered by
  violation; ``W`` moves only when a feasible point worse than all before
  appears (rare after the start), which keeps losses told at different
  times comparable (a ``W`` following every objective seen, infeasible
  ones included, keeps growing on g06 and stalls DE). A point with a non-finite objective or
  constraint value counts as infeasible with infinite violation, told as
  nevergrad's largest loss, ``LOSS_CEILING``. nevergrad's own
  ``tell(..., constraint_violation=...)`` is not used: its penalty is zero
  for a point with a negative loss during the first half of the budget.
* Objectives: one. A multi-objective problem is refused at ``setup``.

An ``ng:<name>`` optimizer has one parameter, ``pop_size``; nevergrad's
configured variants are registry names of their own (``ng:DiagonalCMA``,
``ng:LhsDE``...). An unknown name is a KeyError naming the closest ones.
"""

from __future__ import annotations

import difflib
import functools
from typing import Any

import numpy as np

from optibench.checks import integer
from optibench.constraints import violation
from optibench.optimizer import Optimizer

from .random_state import PrivateGlobalState

PREFIX = "ng:"
LOSS_CEILING = 5.0e20
"""nevergrad's largest loss: ``tell`` replaces larger values (and NaN) by it, with a warning."""
SEED_BOUND = 2**32
"""Seeds of ``numpy.random.RandomState`` lie in [0, 2**32)."""
INSTALL = 'pip install "optibench[nevergrad]"'


def _nevergrad() -> Any:
    """The ``nevergrad`` module, or a ModuleNotFoundError saying how to install it.

    Imported with a throwaway global random state swapped in: nevergrad's module draws from it at import.
    """
    try:
        with PrivateGlobalState(0).swapped_in():
            import nevergrad
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"the {PREFIX}<name> algorithms are nevergrad's optimizers and need nevergrad: {INSTALL}"
        ) from exc
    return nevergrad


def installed() -> bool:
    """Whether nevergrad can be imported (checked without importing it)."""
    import importlib.util

    return importlib.util.find_spec("nevergrad") is not None


def names() -> list[str]:
    """Every optimizer name of nevergrad's registry, sorted (imports nevergrad)."""
    return sorted(_nevergrad().optimizers.registry)


def resolve(name: str) -> type[NevergradOptimizer]:
    """The optimizer class of nevergrad's optimizer ``name`` (registry name ``ng:<name>``).

    Raises:
        KeyError: nevergrad's registry has no optimizer ``name``; the message names the closest ones.
        ModuleNotFoundError: nevergrad is not installed.
    """
    ng = _nevergrad()
    known = list(ng.optimizers.registry)
    if name not in known:
        by_lower = {k.lower(): k for k in known}
        close = [by_lower[k] for k in difflib.get_close_matches(name.lower(), by_lower, n=5, cutoff=0.6)]
        hint = f"closest: {', '.join(PREFIX + k for k in close)}" if close else "no close name"
        raise KeyError(
            f"unknown algorithm {PREFIX + name!r}: nevergrad {ng.__version__} has no optimizer {name!r} ({hint}); "
            f"`optibench list algorithms --all` lists them"
        )
    return _optimizer_class(name)


@functools.cache
def _optimizer_class(name: str) -> type[NevergradOptimizer]:
    """One class per nevergrad name, so that ``type(opt)(**opt.params)`` rebuilds the same optimizer."""
    attributes = {
        "__module__": __name__,
        "__doc__": f"nevergrad's {name}, asked and told a population of pop_size points at a time.",
        "name": PREFIX + name,
        "ng_name": name,
    }
    return type(f"Nevergrad[{name}]", (NevergradOptimizer,), attributes)


class NevergradOptimizer(Optimizer):
    """Base of the ``ng:<name>`` classes; each names its nevergrad optimizer in ``ng_name``.

    Args:
        pop_size: candidates asked before any is told (nevergrad's ``num_workers``);
            optibench evaluates them as one population.
    """

    ng_name: str
    param_rules = {"pop_size": integer(1)}

    def __init__(self, pop_size: int = 1) -> None:
        self.pop_size = pop_size

    def __reduce__(self) -> tuple[Any, tuple[str, dict[str, Any]]]:
        """Pickled as its nevergrad name and parameters (the class is made at run time, not importable by name)."""
        return _rebuilt, (self.ng_name, self.params)

    def _setup(self) -> None:
        ng = _nevergrad()
        xl, xu = self.problem.xl, self.problem.xu
        random_state = np.random.RandomState(int(self.rng.integers(SEED_BOUND)))
        self._global_state = PrivateGlobalState(int(self.rng.integers(SEED_BOUND)))
        with self._global_state.swapped_in():
            parametrization = ng.p.Array(init=(xl + xu) / 2)
            parametrization.random_state = random_state
            parametrization.set_mutation(sigma=(xu - xl) / 6).set_bounds(xl, xu, method="bouncing", full_range_sampling=True)
            self._optimizer = ng.optimizers.registry[self.ng_name](
                parametrization, budget=self.max_evals, num_workers=self.pop_size
            )
        self._n_asked = 0
        self._worst_f: float | None = None  # W: the infeasible points' offset, set by the first population told

    def ask(self) -> np.ndarray:
        n = self.pop_size if self.max_evals is None else min(self.pop_size, self.max_evals - self._n_asked)
        with self._global_state.swapped_in():
            self._candidates = [self._optimizer.ask() for _ in range(n)]
            X = np.array([candidate.value for candidate in self._candidates])
        self._n_asked += n
        return X

    def tell(self, F: np.ndarray, G: np.ndarray) -> None:
        losses = self._losses(F[:, 0], G)
        with self._global_state.swapped_in():
            for candidate, loss in zip(self._candidates, losses):
                self._optimizer.tell(candidate, float(loss))

    def _losses(self, f: np.ndarray, G: np.ndarray) -> np.ndarray:
        """Feasibility-first losses (pop,) of objectives ``f`` (pop,) and constraint values ``G`` (pop, n_con)."""
        losses = np.full(len(f), LOSS_CEILING)
        finite = np.isfinite(f) & np.isfinite(G).all(axis=1)
        if not finite.any():
            return losses
        f, v = f[finite], violation(G[finite])
        feasible = v <= 0
        worst = [f.max()] if self._worst_f is None else [self._worst_f, *f[feasible]]
        self._worst_f = float(max(worst))
        losses[finite] = np.minimum(np.where(feasible, f, self._worst_f + v), LOSS_CEILING)
        return losses


def _rebuilt(name: str, params: dict[str, Any]) -> NevergradOptimizer:
    """The optimizer ``ng:<name>`` with ``params`` (unpickling)."""
    return resolve(name)(**params)
