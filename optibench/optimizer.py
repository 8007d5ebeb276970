"""The optimizer contract: parameters in the constructor, ask / tell in a loop.

An optimizer never evaluates anything and never owns the budget or the
clock: :func:`optibench.minimize` asks it for a population, evaluates the
population (truncating the last one to the budget) and tells it the result.
All randomness comes from the ``numpy.random.Generator`` given to ``setup``.
"""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

from .checks import Rule, check_values

if TYPE_CHECKING:
    from .problem import Problem


class Optimizer:
    """Base class of every algorithm.

    Subclasses take only their parameters in ``__init__``, declare the
    allowed values of each in ``param_rules`` (rules of
    :mod:`optibench.checks`), and implement ``_setup``, ``ask`` and ``tell``::

        class MyPSO(Optimizer):
            param_rules = {"pop_size": integer(1), "w": real(0, 1)}

            def __init__(self, pop_size: int = 40, w: float = 0.73): ...

    Before ``__init__`` runs, the arguments are bound to its signature with
    the defaults filled in and checked: an unknown parameter, or a value that
    breaks its rule, raises ValueError naming the algorithm and the parameter.
    The bound values, normalised by their rules, are :attr:`params`, so a
    parameter is reported under its constructor name whatever attribute the
    algorithm keeps it in. An ``__init__`` taking ``**options`` accepts
    exactly the names of ``param_rules`` among them.

    Attributes:
        name: registry name.
        problem: the problem set up on (after :meth:`setup`).
        rng: the run's random generator (after :meth:`setup`).
        max_evals: the run's evaluation budget, or None when the caller
            gives none (after :meth:`setup`); algorithms whose schedule
            depends on the iteration count derive it from this.
        n_obj_supported: objectives the algorithm handles (1, or None for any).
        expected_failures: checks of :mod:`optibench.testing` the algorithm
            is expected to fail, each with the reason (check name -> reason).
    """

    name: str = "optimizer"
    n_obj_supported: int | None = 1
    expected_failures: dict[str, str] = {}
    param_rules: dict[str, Rule] = {}
    _params: dict[str, Any]

    def __new__(cls, *args: Any, **kwargs: Any) -> Optimizer:
        self = super().__new__(cls)
        self._params = cls._resolve_params(args, kwargs)
        return self

    @classmethod
    def owner(cls) -> str:
        """How errors name the algorithm: ``algorithm '<registry name>'`` (its class name before it is registered)."""
        return f"algorithm {vars(cls).get('name', cls.__name__)!r}"  # the registry sets ``name`` on the class

    @classmethod
    def _resolve_params(cls, args: tuple, kwargs: dict) -> dict:
        """Constructor arguments by name, defaults filled in, each checked and normalised by its rule."""
        owner = cls.owner()
        signature, allowed = _constructor(cls)  # type: ignore[arg-type]  # a class is hashable; mypy checks its instances' __hash__
        unknown = [k for k in kwargs if k not in allowed]
        if unknown:
            raise ValueError(f"{owner} has no parameter {unknown[0]!r}; its parameters: {', '.join(allowed) or 'none'}")
        try:
            bound = signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise ValueError(f"{owner}: {exc}; its parameters: {', '.join(allowed) or 'none'}") from None
        bound.apply_defaults()
        values = {}
        for key, value in list(bound.arguments.items())[1:]:
            kind = signature.parameters[key].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                if value:
                    raise ValueError(f"{owner} takes its parameters by name, got positional {value!r}")
            elif kind is inspect.Parameter.VAR_KEYWORD:
                values.update(value)
            else:
                values[key] = value
        return check_values(owner, cls.param_rules, values)

    def setup(self, problem: Problem, rng: np.random.Generator, max_evals: int | None = None) -> Optimizer:
        """Prepare a run on ``problem`` with ``rng`` and a budget of ``max_evals`` evaluations; returns self."""
        if self.n_obj_supported is not None and problem.n_obj != self.n_obj_supported:
            raise ValueError(f"{self.name} handles {self.n_obj_supported} objective(s); {problem.name} has {problem.n_obj}")
        self.problem = problem
        self.rng = rng
        self.max_evals = max_evals
        self._setup()
        return self

    def _setup(self) -> None:
        """Initialise state after ``problem``, ``rng`` and ``max_evals`` are set."""

    def _budget(self) -> int:
        """``max_evals``, or a ValueError for algorithms that cannot run without one."""
        if self.max_evals is None:
            raise ValueError(f"{self.name} schedules its iterations from the budget: call setup(..., max_evals=N)")
        return int(self.max_evals)

    def _uniform(self, n: int) -> np.ndarray:
        """``n`` points drawn uniformly in the box ``[problem.xl, problem.xu]``, shape (n, n_var)."""
        p = self.problem
        return p.xl + (p.xu - p.xl) * self.rng.random((n, p.n_var))

    def ask(self) -> np.ndarray:
        """Next points to evaluate, shape (pop, n_var), inside ``[problem.xl, problem.xu]``."""
        raise NotImplementedError

    def tell(self, F: np.ndarray, G: np.ndarray) -> None:
        """Evaluation of the last ``ask``: F (pop, n_obj), G (pop, n_con).

        At the end of the budget F and G may hold fewer rows than were asked:
        they are the first rows, and no further ``ask`` follows.
        """
        raise NotImplementedError

    @property
    def params(self) -> dict[str, Any]:
        """The full resolved parameter set: every constructor parameter (defaults included) and its value.

        ``type(opt)(**opt.params).params == opt.params``.
        """
        return dict(self._params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"


@functools.cache
def _constructor(cls: type[Optimizer]) -> tuple[inspect.Signature, list[str]]:
    """The signature of ``cls.__init__`` and the parameter names it accepts (computed once per class)."""
    signature = inspect.signature(cls.__init__)
    named = [p.name for p in list(signature.parameters.values())[1:] if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    extra = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    return signature, named + [k for k in cls.param_rules if extra and k not in named]
