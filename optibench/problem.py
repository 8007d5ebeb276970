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
from typing import Any, Literal, get_args

import numpy as np
from numpy.typing import ArrayLike

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


OptimumStatus = Literal["proven", "bound", "best-known"]
"""What a known optimum's value is worth (see :class:`KnownOptimum`)."""
OPTIMUM_STATUSES: tuple[OptimumStatus, ...] = get_args(OptimumStatus)
"""What a known optimum's value is worth, strongest first (see :class:`KnownOptimum`)."""


@dataclass(frozen=True)
class KnownOptimum:
    """The best value known for a problem instance, labelled by what proves it.

    Attributes:
        value: objective value (for a bound: the bound), in the objective's units.
        status: ``"proven"`` (enumeration of the whole space, an analytic
            proof, or a solver certificate that closes its gap and whose
            re-check by the problem's own evaluation matches), ``"bound"``
            (a relaxation or a gap-limited MILP: ``value`` is a lower bound and
            ``incumbent`` the best feasible value known) or ``"best-known"``
            (the best value any method found; ``method`` says which).
        method: how it was obtained (``"enumeration of all ..."``, ``"SOCP relaxation ..."``...).
        solution: the solution in the problem's own terms (or None).
        incumbent: for a bound, the best feasible value known (objective units), else None.
        tolerance: the tolerance of the proof (e.g. ``"MIP gap 0; AC re-check within 1e-6 kW"``).
        computed: ISO date of the computation, or a citation for a published one.
    """

    value: float
    status: OptimumStatus
    method: str = ""
    solution: Any = None
    incumbent: float | None = None
    tolerance: str = ""
    computed: str = ""

    def __post_init__(self) -> None:
        if self.status not in OPTIMUM_STATUSES:
            raise ValueError(f"known optimum: status must be one of {OPTIMUM_STATUSES}, got {self.status!r}")

    @property
    def is_bound(self) -> bool:
        """True when ``value`` is only a lower bound."""
        return self.status == "bound"


SHOWN_VALUES = 10
"""Most values :func:`format_values` writes; a longer solution ends with the number of values."""


def format_values(z: ArrayLike) -> str:
    """Decoded values (n_var,) as text, 6 significant digits: ``"28, 3, 2"``; ``"…, (30 values)"`` after 10."""
    values = np.asarray(z, dtype=np.float64).ravel()
    text = ", ".join(f"{v:.6g}" for v in values[:SHOWN_VALUES])
    return text if len(values) <= SHOWN_VALUES else f"{text}, … ({len(values)} values)"


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
        objective_name, objective_unit: what a run's best value (``best_f``) is
            called in tables and figures, and its unit (``"loss"``, ``"kW"``;
            the unit is empty for a dimensionless objective); each family sets its own.
        known_optimum: a :class:`KnownOptimum`, or None; families read it from
            the stored optima (:func:`optibench.known_optima.lookup`), never
            compute it on access.
        success_atol: the absolute objective difference (objective units)
            within which a feasible run counts as having reached the known
            optimum; each family sets what is meaningful for its objective.

    Optional methods a family may offer (``optibench certify`` and ``optibench
    exact`` use them):

    * ``certify() -> (fields, power_flows)``: compute this instance's known
      optimum; ``fields`` are :class:`KnownOptimum`'s fields but ``computed``.
    * ``exact(**options) -> dict``: solve this instance's exact baseline and
      return a JSON-ready summary with at least ``status`` (the solver's).
    """

    name: str = "problem"
    n_obj: int = 1
    n_con: int = 0
    known_optimum: KnownOptimum | None = None
    success_atol: float = 1e-6
    objective_names: tuple[str, ...] = ("f",)
    constraint_names: tuple[str, ...] = ()
    objective_name: str = "objective"
    objective_unit: str = ""

    @classmethod
    def objective_label(cls) -> str:
        """The objective's name with its unit in brackets, e.g. ``"loss (kW)"`` (the name alone without a unit)."""
        return f"{cls.objective_name} ({cls.objective_unit})" if cls.objective_unit else cls.objective_name

    def __init__(self, space: VariableSpace, **instance: Any) -> None:
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

    def evaluate(self, X: ArrayLike) -> Evaluation:
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

    def evaluate_values(self, Z: ArrayLike) -> Evaluation:
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

    def format_solution(self, z: ArrayLike) -> str:
        """A solution (decoded values, shape (n_var,)) as a person reads it; default :func:`format_values`.

        Families whose variables pair up (a bus and its kW) override it to write ``"64: 248 kW, 65: 80 kW"``.
        """
        return format_values(z)

    def report(self, z: ArrayLike) -> dict[str, Any]:
        """JSON-ready account of one solution (decoded values, shape (n_var,)): objectives, constraints, diagnostics."""
        ev = self.evaluate_values(z)
        out: dict[str, Any] = {name: float(ev.F[0, k]) for k, name in enumerate(self.objective_names)}
        out["constraints"] = {name: float(ev.G[0, k]) for k, name in enumerate(self.constraint_names)}
        out["violation"] = float(violation(ev.G)[0])
        out["variables"] = {var.name: np.asarray(z)[self.space.slices[var.name]].tolist() for var in self.space.variables}
        out.update({key: np.asarray(value)[0].tolist() for key, value in ev.extras.items()})
        return out

    def describe(self) -> dict[str, Any]:
        """JSON-ready description: variables, objectives, constraints and known optimum."""
        return {
            "problem": self.name,
            "instance": self.instance,
            "variables": self.space.describe(),
            "objectives": list(self.objective_names),
            "constraints": list(self.constraint_names),
            "success_atol": self.success_atol,
            "known_optimum": None if self.known_optimum is None else vars(self.known_optimum),
        }
