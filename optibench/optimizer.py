"""The optimizer contract: parameters in the constructor, ask / tell in a loop.

An optimizer never evaluates anything and never owns the budget or the
clock: :func:`optibench.minimize` asks it for a population, evaluates the
population (truncating the last one to the budget) and tells it the result.
All randomness comes from the ``numpy.random.Generator`` given to ``setup``.
"""
from __future__ import annotations

import numpy as np


class Optimizer:
    """Base class of every algorithm.

    Subclasses take only their parameters in ``__init__`` (stored as
    attributes of the same names, so ``params`` can report them), and
    implement ``_setup``, ``ask`` and ``tell``.

    Attributes:
        name: registry name.
        problem: the problem set up on (after :meth:`setup`).
        rng: the run's random generator (after :meth:`setup`).
        max_evals: the run's evaluation budget, or None when the caller
            gives none (after :meth:`setup`); algorithms whose schedule
            depends on the iteration count derive it from this.
        n_obj_supported: objectives the algorithm handles (1, or None for any).
    """

    name: str = "optimizer"
    n_obj_supported: int | None = 1

    def setup(self, problem, rng: np.random.Generator, max_evals: int | None = None) -> "Optimizer":
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
    def params(self) -> dict:
        """The constructor parameters and their values."""
        import inspect

        names = inspect.signature(type(self).__init__).parameters
        return {k: getattr(self, k) for k in names if k != "self" and hasattr(self, k)}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"
