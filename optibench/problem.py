"""The problem contract: variables, vectorised evaluation, known optima.

A problem is evaluated on a whole population at once. Algorithms search a
continuous box ``[xl, xu]``; :mod:`optibench.variables` maps a point of that
box to the problem's own variables (reals, integers, distinct buses) with one
rule shared by every algorithm.

Constraints follow pymoo's sign convention: ``G[i, k] <= 0`` is satisfied and
a positive value is the amount of violation. They are returned, not folded
into the objective; :mod:`optibench.constraints` turns them into a single
violation and compares solutions (feasibility first).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .constraints import violation
from .variables import VariableSpace


@dataclass(frozen=True)
class Evaluation:
    """Evaluation of a population of ``pop`` points.

    Attributes:
        F: objective values to minimise, shape (pop, n_obj).
        G: constraint values, feasible where ``<= 0``, shape (pop, n_con)
            (n_con may be 0).
        extras: per-point diagnostics named by the problem (e.g. ``loss_kw``,
            ``vmin_pu``), each of shape (pop, ...).
    """

    F: np.ndarray
    G: np.ndarray
    extras: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class KnownOptimum:
    """A certified optimum (or bound) of a problem instance.

    Attributes:
        value: objective value (for a bound: the bound).
        solution: the optimal solution in the problem's own terms (or None).
        method: how it was obtained (``"enumeration"``, ``"SOCP (Clarabel)"``...).
        is_bound: True when ``value`` is only a lower bound.
        computed: ISO date of the computation, or a citation for a published one.
    """

    value: float
    solution: Any = None
    method: str = ""
    is_bound: bool = False
    computed: str = ""


class Problem:
    """Base class of every optimisation problem.

    Subclasses set ``space`` (a :class:`~optibench.variables.VariableSpace`),
    ``n_obj``, ``n_con`` and ``name`` in ``__init__`` (which takes only the
    instance parameters) and implement ``_evaluate(Z)`` on decoded variables.

    Attributes:
        name: registry name of the problem family.
        instance: the instance parameters, as given to the constructor.
        space: the variables and their decoding rule.
        n_obj, n_con: number of objectives and of constraints.
        objective_names, constraint_names: what F's and G's columns mean (with units).
        known_optimum: a :class:`KnownOptimum`, or None.
    """

    name: str = "problem"
    n_obj: int = 1
    n_con: int = 0
    known_optimum: KnownOptimum | None = None
    objective_names: tuple[str, ...] = ("f",)
    constraint_names: tuple[str, ...] = ()

    def __init__(self, space: VariableSpace, **instance):
        self.space = space
        self.instance = dict(instance)

    @property
    def n_var(self) -> int:
        return self.space.n_var

    @property
    def xl(self) -> np.ndarray:
        return self.space.xl

    @property
    def xu(self) -> np.ndarray:
        return self.space.xu

    def evaluate(self, X) -> Evaluation:
        """Evaluate points of the search box, shape (pop, n_var) or (n_var,).

        Points are clipped to ``[xl, xu]`` and decoded before ``_evaluate``.
        """
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        if X.ndim != 2 or X.shape[1] != self.n_var:
            raise ValueError(f"{self.name}: X must have shape (pop, {self.n_var}); got {X.shape}")
        result = self._evaluate(self.space.decode(X))
        pop = X.shape[0]
        F = np.asarray(result.F, dtype=np.float64).reshape(pop, self.n_obj)
        G = np.asarray(result.G, dtype=np.float64).reshape(pop, self.n_con)
        return Evaluation(F, G, result.extras)

    def evaluate_values(self, Z) -> Evaluation:
        """Evaluate solutions given in the problem's own terms (decoded values), shape (pop, n_var)."""
        Z = np.atleast_2d(np.asarray(Z, dtype=np.float64))
        for z in Z:
            if not np.allclose(self.space.decode(self.space.encode(z)[None, :])[0], z):
                raise ValueError(f"{self.name}: {z.tolist()} is not a valid solution (bounds, integers, distinct choices)")
        return self._evaluate(Z)

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        """Evaluate decoded variables ``Z`` (pop, n_var); see :meth:`VariableSpace.decode`."""
        raise NotImplementedError

    def parse_solution(self, text: str) -> np.ndarray:
        """A solution written by a person (default: comma-separated values in variable order) -> (n_var,)."""
        try:
            values = np.array([float(v) for v in text.replace(" ", "").split(",") if v])
        except ValueError:
            raise ValueError(f"{self.name}: cannot read {text!r} as comma-separated numbers") from None
        if len(values) != self.n_var:
            raise ValueError(f"{self.name}: expected {self.n_var} values, got {len(values)} in {text!r}")
        return values

    def report(self, z) -> dict:
        """JSON-ready account of one solution (decoded values, shape (n_var,)): objectives, constraints, diagnostics."""
        ev = self.evaluate_values(z)
        out = {name: float(ev.F[0, k]) for k, name in enumerate(self.objective_names)}
        out["constraints"] = {name: float(ev.G[0, k]) for k, name in enumerate(self.constraint_names)}
        out["violation"] = float(violation(ev.G)[0])
        out["variables"] = {var.name: np.asarray(z)[self.space.slices[var.name]].tolist() for var in self.space.variables}
        out.update({key: np.asarray(value)[0].tolist() for key, value in ev.extras.items()})
        return out

    def describe(self) -> dict:
        """JSON-ready description: variables, objectives, constraints and known optimum."""
        return {
            "problem": self.name,
            "instance": self.instance,
            "variables": self.space.describe(),
            "objectives": list(self.objective_names),
            "constraints": list(self.constraint_names),
            "known_optimum": None if self.known_optimum is None else vars(self.known_optimum),
        }
