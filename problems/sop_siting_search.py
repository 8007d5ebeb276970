"""SOP siting and carrying capacity (paper 001) for metaheuristics: an outer search over the plan, an inner LP.

Decomposition of the MILP of :mod:`optibench.problems.sop_siting`:

* **Outer (the algorithm)**: the planning decisions, per candidate tie line
  ``a-b`` an install choice ``sop{a}-{b}_built`` (integer 0 or 1) and a
  capacity ``sop{a}-{b}_kva`` in [0, ``sop_max_kva``] (kVA; counts only when
  built), and per charging station a carrying capacity ``station{bus}_kw`` in
  [0, ``LINE_LOADING`` x line rating] (kW, constant over the horizon).
* **Inner (LP, HiGHS)**, :class:`Dispatch`: with the plan fixed, the least
  yearly operating cost (SOP operation and energy purchase, eq. 17-18) over
  the SOP set-points, the data-centre shifting and the renewable
  curtailment, in the same LinDistFlow model as the MILP. The plan enters as
  cvxpy Parameters (SOP capacity bounds both ends; a station serves at most
  its capacity), so the LP is built and compiled once per instance and each
  evaluation only re-solves it. The station load the network cannot carry is
  an elastic slack with penalty :data:`UNSERVED_PENALTY`, so the LP stays
  feasible and returns by how much a plan asks too much.

Objectives, with the plan's investment cost (SOP investment and line
upgrade, eq. 16 and 19) added to the LP's operating cost:

* ``objectives=1``: eq. 21, ``lambda1 cost - lambda2 sum c`` (currency / year);
  its known optimum is the MILP's, whose dispatch the inner LP can only match
  or improve (by at most the MILP gap, :data:`~optibench.problems.sop_siting.MIP_GAP`).
* ``objectives=2``: eq. 23-24, ``(cost, -sum c)`` (currency / year, -kW), for
  NSGA-II; the exact front is :func:`~optibench.problems.sop_siting.pareto_front`.

Constraint: station capacity not carried (kW) above :data:`UNSERVED_TOL_KW`.
Instance parameters are those of :class:`~optibench.problems.sop_siting.SitingCase`
plus ``objectives``.
"""
from __future__ import annotations

from functools import cached_property

import cvxpy as cp
import numpy as np

from optibench.known_optima import exact_optimum
from optibench.problem import Evaluation, KnownOptimum, Problem
from optibench.problems.sop_siting import LAMBDA_CAPACITY, LAMBDA_COST, LINE_LOADING, PENETRATIONS, SitingCase, solve_plan
from optibench.registry import register_problem
from optibench.variables import Integer, Real, VariableSpace

UNSERVED_PENALTY = 1e4
"""LP penalty on station capacity not carried (currency / kW / year), far above its energy cost."""
UNSERVED_TOL_KW = 1e-3
"""Station capacity not carried (kW) still counted as carried (LP tolerance)."""


class Dispatch:
    """The inner LP of one instance, built once; :meth:`solve` re-solves it for a plan.

    Attributes:
        case: the instance.
        ties: candidate tie names ``"a-b"``, one per SOP, shape (k,).
        stations: charging-station buses (1-based), shape (s,).
    """

    def __init__(self, case: SitingCase):
        self.case = case
        model, stations, sops, _, _ = case.model(sop_installable=False)
        base = model.s_base_kva
        self.ties = [s.name[3:] for s in sops]
        self.stations = list(case.flexibility["stations"])
        self.sop_kva = cp.Parameter(len(sops), nonneg=True, name="sop_kva")
        self.station_kw = cp.Parameter(len(stations), nonneg=True, name="station_kw")
        served = [base * s.size for s in stations]
        model.constraints += [served[k] <= self.station_kw[k] for k in range(len(stations))]
        model.constraints += [s.s <= self.sop_kva[k] / base for k, s in enumerate(sops)]
        self.operating = case.operating_costs(model, sops)
        self.unserved = cp.sum(self.station_kw) - sum(served)
        self.problem = model.problem(sum(self.operating.values()) + UNSERVED_PENALTY * self.unserved)

    def solve(self, sop_kva, station_kw) -> tuple[float, float]:
        """Operating cost (currency / year) and station capacity not carried (kW) of one plan.

        ``sop_kva`` (k,) SOP capacities (0 where not built), ``station_kw`` (s,)
        carrying capacities. An LP that HiGHS does not solve to optimality
        returns (NaN, the whole request), so the plan counts as infeasible.
        """
        self.sop_kva.value = np.asarray(sop_kva, dtype=np.float64)
        self.station_kw.value = np.asarray(station_kw, dtype=np.float64)
        try:
            self.problem.solve(solver=cp.HIGHS)
        except cp.error.SolverError:
            return np.nan, float(np.sum(station_kw))
        if self.problem.status != cp.OPTIMAL:
            return np.nan, float(np.sum(station_kw))
        return float(sum(c.value for c in self.operating.values())), max(float(self.unserved.value), 0.0)


@register_problem("sop-siting")
class SopSiting(Problem):
    """Paper 001's SOP siting with an inner dispatch LP; see the module docstring."""

    constraint_names = ("station capacity not carried (kW)",)
    n_con = 1

    def __init__(self, system: str = "dual", penetration: float = PENETRATIONS[0], delta: float = 0.5,
                 beta: float = 0.2, window: int = 6, sop_cost_factor: float = 1.0, sops: bool = True,
                 objectives: int = 1):
        if objectives not in (1, 2):
            raise ValueError(f"sop-siting: objectives must be 1 (eq. 21) or 2 (eq. 23-24), got {objectives!r}")
        self.case = SitingCase(system, penetration, delta, beta, window, sop_cost_factor, sops=sops)
        self.dispatch = Dispatch(self.case)
        station_max = LINE_LOADING * self.case.flexibility["line_rating_kva"]
        variables = []
        for tie in self.dispatch.ties:
            variables += [Integer(f"sop{tie}_built", 0, 1), Real(f"sop{tie}_kva", 0.0, self.case.sop_max_kva)]
        variables += [Real(f"station{bus}_kw", 0.0, station_max) for bus in self.dispatch.stations]
        super().__init__(VariableSpace(variables), system=system, penetration=penetration, delta=delta, beta=beta,
                         window=window, sop_cost_factor=sop_cost_factor, sops=sops, objectives=objectives)
        self.n_obj = objectives
        self.objective_names = (("eq. 21: cost - 2000 x capacity (currency / year)",) if objectives == 1
                                else ("cost (currency / year)", "-capacity (kW)"))

    def plan(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Decoded variables (pop, n_var) -> SOPs built (pop, k), SOP kVA (pop, k), station kW (pop, s)."""
        k = len(self.dispatch.ties)
        built = Z[:, 0:2 * k:2]
        return built, built * Z[:, 1:2 * k:2], Z[:, 2 * k:]

    def _evaluate(self, Z):
        built, sop_kva, station_kw = self.plan(Z)
        results = np.array([self.dispatch.solve(s, c) for s, c in zip(sop_kva, station_kw)]).reshape(len(Z), 2)
        operating, unserved = results[:, 0], results[:, 1]
        investment = self.case.investment_costs(built.sum(axis=1), sop_kva.sum(axis=1), station_kw.sum(axis=1))
        cost = operating + sum(investment.values())
        capacity = station_kw.sum(axis=1)
        F = (LAMBDA_COST * cost - LAMBDA_CAPACITY * capacity)[:, None] if self.n_obj == 1 else np.stack([cost, -capacity], axis=1)
        G = (unserved - UNSERVED_TOL_KW)[:, None]
        return Evaluation(F=F, G=G, extras={"cost": cost, "capacity_kw": capacity, "unserved_kw": unserved})

    def encode_plan(self, plan: dict) -> np.ndarray:
        """The variables (n_var,) of a plan of :func:`~optibench.problems.sop_siting.solve_plan`."""
        built = {s["tie"]: s["capacity_kva"] for s in plan["sops"]}
        parts = [[float(tie in built), built.get(tie, 0.0)] for tie in self.dispatch.ties]
        parts.append([plan["capacity_kw"][f"station{bus}"] for bus in self.dispatch.stations])
        return np.concatenate(parts)

    @cached_property
    def exact_plan(self) -> dict:
        """The MILP's eq. 21 plan of this instance (solved on first use)."""
        return solve_plan(self.case)

    @cached_property
    def known_optimum(self) -> KnownOptimum | None:
        """Eq. 21's MILP optimum (single objective only; the two-objective front is ``pareto_front``)."""
        if self.n_obj != 1:
            return None
        plan = self.exact_plan
        return exact_optimum(self, plan, lambda: self.encode_plan(plan),
                             "linearised DistFlow MILP (HiGHS, 0.1 % gap)", is_bound=False)
