"""Branch-flow (DistFlow) models of a radial feeder over a horizon of T periods, in cvxpy.

The model follows Baran and Wu's DistFlow equations in the variables of
Farivar and Low ("Branch flow model: relaxations and convexification",
IEEE Trans. Power Systems 28(3), 2013). For the branch ``k`` from bus ``i``
(upstream) to bus ``j`` and each period ``t`` (per unit on the network's base)::

    P_k - r_k l_k - sum_{children c of j} P_c = d_j - g_j          (active balance at j)
    Q_k - x_k l_k - sum_{children c of j} Q_c = e_j - h_j          (reactive balance at j)
    v_j = v_i - 2 (r_k P_k + x_k Q_k) + (r_k^2 + x_k^2) l_k        (voltage drop)
    l_k v_i >= P_k^2 + Q_k^2                                        (second-order cone)

with ``P_k, Q_k`` the power entering the branch at bus ``i``, ``l_k`` the
squared current, ``v`` the squared voltage magnitude, ``d, e`` the fixed net
loads and ``g, h`` what the attached devices inject. ``relaxation="socp"``
keeps the cone (Clarabel solves it; with integer device variables a
mixed-integer conic solver is needed); ``relaxation="linear"`` is LinDistFlow
(``l = 0``: no losses, linear voltage drop) and is solved as an LP / MILP by
HiGHS.

Devices (:mod:`optibench.exact.devices`) are attached with :meth:`BranchFlowModel.add`;
each creates its own variables and constraints and says what it injects at
which buses, so new equipment is one small class. The caller states the
objective from the model's expressions (``loss_kw``) and the devices'
variables, then :meth:`BranchFlowModel.solve` returns a :class:`Solution`
whose injections have been re-checked by the AC power flow.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from ..network import Network
from .recheck import ACRecheck, ac_recheck

RELAXATIONS = ("socp", "linear")
BRANCH_LIMITS = ("apparent", "active")
DEFAULT_SOLVER = {"socp": "CLARABEL", "linear": "HIGHS"}
MIXED_INTEGER_SOLVER = {"socp": "SCIP", "linear": "HIGHS"}
POLYGON_SIDES = 16
"""Sides of the regular polygon inscribed in the apparent-power circle of the linear model."""


def magnitude_at_most(p, q, bound, cone: bool) -> list:
    """Constraints ``sqrt(p^2 + q^2) <= bound`` elementwise (cvxpy expressions of one shape).

    ``cone=True`` gives second-order cones (1-D ``p, q``, shape (T,));
    ``cone=False`` the regular polygon of :data:`POLYGON_SIDES` sides
    inscribed in the circle, for LP / MILP solvers: every point stays inside
    the circle, and ``bound`` is over-read by at most a factor ``1 / cos(pi / sides)``.
    """
    if cone:
        return [cp.SOC(bound, cp.vstack([p, q]), axis=0)]
    apothem = math.cos(math.pi / POLYGON_SIDES)
    angles = 2.0 * np.pi * np.arange(POLYGON_SIDES) / POLYGON_SIDES
    return [math.cos(a) * p + math.sin(a) * q <= apothem * bound for a in angles]


def mip_bound_and_gap(problem: cp.Problem, solver: str) -> tuple[float | None, float | None]:
    """The lower bound (in the objective's units) and relative gap a MIP solver reports for a solved ``problem``.

    (None, None) unless ``problem`` is mixed-integer and was solved by HiGHS or SCIP.
    """
    if problem.is_mixed_integer() and solver == "HIGHS":
        # HiGHS' bound leaves out cvxpy's constant offset; extra_stats is highspy's info object (typed dict by cvxpy)
        info: Any = problem.solver_stats.extra_stats
        return float(problem.value) - info.objective_function_value + info.mip_dual_bound, float(info.mip_gap)
    if problem.is_mixed_integer() and solver == "SCIP":
        # SCIP's bounds leave out cvxpy's constant offset too; extra_stats holds the pyscipopt model
        stats: Any = problem.solver_stats.extra_stats
        scip = stats["model"]
        return float(problem.value) - scip.getPrimalbound() + scip.getDualbound(), float(scip.getGap())
    return None, None


@dataclass(frozen=True, eq=False)
class Solution:
    """A solved branch-flow model; arrays are ``(T, ...)`` with buses in network bus order.

    Attributes:
        status: cvxpy's status (``"optimal"``, ``"infeasible"``, ...).
        objective: objective value in the caller's units (NaN without a solution).
        solver: the solver used.
        solve_time_s: the solver's own time (s).
        wall_time_s: time of the whole solve call, model compilation included (s).
        v_pu: voltage magnitudes sqrt(v), shape (T, n_bus).
        branch_p_kw, branch_q_kvar: power entering each branch at its upstream
            end, shape (T, n_bus - 1), rows of ``network.branch_buses``.
        branch_l_pu: squared branch currents (p.u.), shape (T, n_bus - 1);
            zeros in the linear model.
        net_load_kw, net_load_kvar: net load of every bus (consumption
            positive), fixed loads minus device injections, shape (T, n_bus).
        loss_kw: the model's series loss per period (kW), shape (T,); zeros in
            the linear model.
        devices: each device's report (kW, kvar, kWh), by device name.
        recheck: the AC re-check of the injections (None without a solution).
        mip_bound: for a mixed-integer model solved by HiGHS or SCIP, the solver's
            lower bound on the objective (caller's units); None otherwise.
        mip_gap: the solver's relative gap between ``objective`` and ``mip_bound``; None otherwise.
    """

    status: str
    objective: float
    solver: str
    solve_time_s: float
    wall_time_s: float
    v_pu: np.ndarray | None = None
    branch_p_kw: np.ndarray | None = None
    branch_q_kvar: np.ndarray | None = None
    branch_l_pu: np.ndarray | None = None
    net_load_kw: np.ndarray | None = None
    net_load_kvar: np.ndarray | None = None
    loss_kw: np.ndarray | None = None
    devices: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    recheck: ACRecheck | None = None
    mip_bound: float | None = None
    mip_gap: float | None = None

    @property
    def solved(self) -> bool:
        """True when the solver returned a solution (optimal or optimal to reduced accuracy)."""
        return self.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)

    def summary(self) -> dict:
        """JSON-ready status, objective, times and the AC re-check's figures."""
        return {
            "status": self.status,
            "objective": None if math.isnan(self.objective) else self.objective,
            "solver": self.solver,
            "solve_time_s": self.solve_time_s,
            "wall_time_s": self.wall_time_s,
            "ac_recheck": None if self.recheck is None else self.recheck.summary(),
            **({} if self.mip_gap is None else {"mip_bound": self.mip_bound, "mip_gap": self.mip_gap}),
        }


class BranchFlowModel:
    """DistFlow model of ``network`` over ``periods`` periods of ``dt_h`` hours.

    Args:
        network: the feeder (its tie lines stay open).
        periods: number of periods T.
        load_kw, load_kvar: fixed net load per period and bus (kW, kvar),
            shape (T, n_bus), network bus order; default the network's loads
            in every period. The slack bus's own load is ignored, as in the
            power flow.
        relaxation: ``"socp"`` (second-order cone relaxation) or ``"linear"`` (LinDistFlow).
        v_min_pu, v_max_pu: voltage magnitude limits of every bus but the slack (p.u.); None: no limit.
        branch_limit_kva: rating of every branch (scalar or shape (n_bus - 1,)
            in ``network.branch_buses`` order, kVA or kW); None: no limit.
        branch_limit: ``"apparent"`` limits |P + jQ| at the upstream end
            (a cone; an inscribed 16-gon in the linear model), ``"active"`` limits |P|.
        dt_h: period length (h), used by energy-storing devices.

    Attributes:
        P, Q: branch flows (p.u.), cvxpy variables of shape (n_bus - 1, T).
        l: squared branch currents (p.u.), shape (n_bus - 1, T); None in the linear model.
        v: squared voltage magnitudes, shape (n_bus, T).
        constraints: every constraint so far (network and devices).
        devices: the attached devices, by name.
    """

    def __init__(
        self,
        network: Network,
        periods: int = 1,
        *,
        load_kw=None,
        load_kvar=None,
        relaxation: str = "socp",
        v_min_pu: float | None = None,
        v_max_pu: float | None = None,
        branch_limit_kva=None,
        branch_limit: str = "apparent",
        dt_h: float = 1.0,
    ):
        if relaxation not in RELAXATIONS:
            raise ValueError(f"relaxation must be one of {RELAXATIONS}, got {relaxation!r}")
        if branch_limit not in BRANCH_LIMITS:
            raise ValueError(f"branch_limit must be one of {BRANCH_LIMITS}, got {branch_limit!r}")
        if periods < 1 or dt_h <= 0:
            raise ValueError(f"periods must be at least 1 and dt_h positive; got {periods}, {dt_h}")
        self.network = network
        self.periods = int(periods)
        self.relaxation = relaxation
        self.dt_h = float(dt_h)
        self.v_min_pu, self.v_max_pu = v_min_pu, v_max_pu
        self.branch_limit = branch_limit
        n, T = network.n_bus, self.periods
        self.load_kw = self._per_period(network.p_kw if load_kw is None else load_kw, "load_kw")
        self.load_kvar = self._per_period(network.q_kvar if load_kvar is None else load_kvar, "load_kvar")
        self.branch_limit_kva = (
            None if branch_limit_kva is None else np.broadcast_to(np.asarray(branch_limit_kva, dtype=np.float64), (n - 1,))
        )
        self.child = network.order[1:]
        self.upstream = network.parent[self.child]
        self.P = cp.Variable((n - 1, T), name="P")
        self.Q = cp.Variable((n - 1, T), name="Q")
        self.v = cp.Variable((n, T), name="v")
        self.l = cp.Variable((n - 1, T), nonneg=True, name="l") if relaxation == "socp" else None
        self.constraints: list = []
        self.devices: dict = {}

    @property
    def s_base_kva(self) -> float:
        return self.network.s_base_kva

    @property
    def loss_kw(self) -> cp.Expression:
        """Series loss per period (kW), shape (T,); the linear model has none and raises."""
        if self.l is None:
            raise ValueError("the linearised DistFlow model neglects losses; use relaxation='socp'")
        return self.s_base_kva * (self.network.r_pu[self.child] @ self.l)

    def add(self, device):
        """Attach ``device`` (its name must be new); returns it, so its variables can enter the objective."""
        if device.name in self.devices:
            raise ValueError(f"a device named {device.name!r} is already attached")
        self.constraints += device.attach(self)
        self.devices[device.name] = device
        return device

    def bus_index(self, bus: int) -> int:
        """Position of 1-based ``bus``; the slack bus cannot hold a device."""
        index = self.network.index_of(bus)
        if index == self.network.slack:
            raise ValueError(f"bus {bus} is the slack bus; attach devices to other buses")
        return index

    def problem(self, objective: cp.Expression) -> cp.Problem:
        """The cvxpy problem minimising ``objective`` subject to the network and the devices.

        Built once, it can be solved again after its cvxpy Parameters change
        without compiling it anew (for parametrised inner problems).
        """
        return cp.Problem(cp.Minimize(objective), self.constraints + self._network_constraints())

    def solve(self, objective: cp.Expression, solver: str | None = None, recheck: bool = True, **solver_options) -> Solution:
        """Minimise ``objective`` (a scalar cvxpy expression) subject to the network and the devices.

        The solver defaults to Clarabel for the cone relaxation and HiGHS for
        the linear model; with integer device variables, SCIP (cone) or HiGHS
        (linear). ``recheck`` runs the solution's injections through the AC
        power flow (:func:`optibench.exact.recheck.ac_recheck`).
        """
        problem = self.problem(objective)
        if solver is None:
            solver = (MIXED_INTEGER_SOLVER if problem.is_mixed_integer() else DEFAULT_SOLVER)[self.relaxation]
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():  # an inaccurate solution is reported in the status
                warnings.filterwarnings("ignore", message="Solution may be inaccurate")
                problem.solve(solver=solver, **solver_options)
        except cp.error.SolverError as exc:
            if solver not in cp.installed_solvers():
                raise cp.error.SolverError(
                    f"solver {solver} is not installed (installed: {', '.join(cp.installed_solvers())}); "
                    "SCIP, for mixed-integer cone programs, is the dependency pyscipopt: pip install pyscipopt"
                ) from exc
            raise
        wall = time.perf_counter() - start
        stats = problem.solver_stats
        solve_time = stats.solve_time if stats is not None and stats.solve_time is not None else wall
        if problem.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
            return Solution(problem.status, math.nan, solver, solve_time, wall)
        return self._solution(problem, solver, solve_time, wall, recheck)

    def _per_period(self, values, label: str) -> np.ndarray:
        """``values`` of shape (n_bus,) or (T, n_bus) as a (T, n_bus) array."""
        arr = np.asarray(values, dtype=np.float64)
        shape = (self.periods, self.network.n_bus)
        if arr.shape not in (shape, shape[1:]):
            raise ValueError(f"{label} must have shape {shape[1:]} or {shape}; got {arr.shape}")
        return np.broadcast_to(arr, shape).copy()

    def _injections(self) -> tuple[cp.Expression, cp.Expression]:
        """Device injections (p.u., generation positive) at every bus, each of shape (n_bus, T)."""
        n, T = self.network.n_bus, self.periods
        p, q = cp.Constant(np.zeros((n, T))), cp.Constant(np.zeros((n, T)))
        for device in self.devices.values():
            for bus_index, p_dev, q_dev in device.injections():
                select = sp.csc_matrix(([1.0], ([bus_index], [0])), shape=(n, 1))
                p = p + select @ cp.reshape(p_dev, (1, T), order="C")
                q = q + select @ cp.reshape(q_dev, (1, T), order="C")
        return p, q

    def _network_constraints(self) -> list:
        """Power balance, voltage drop, the current cone and the limits, for every branch and period."""
        net = self.network
        r, x = net.r_pu[self.child], net.x_pu[self.child]
        downstream = self._downstream_matrix()
        inject_p, inject_q = self._injections()
        demand_p = self.load_kw.T[self.child] / self.s_base_kva - inject_p[self.child]
        demand_q = self.load_kvar.T[self.child] / self.s_base_kva - inject_q[self.child]
        loss_p = 0.0 if self.l is None else cp.multiply(r[:, None], self.l)
        loss_q = 0.0 if self.l is None else cp.multiply(x[:, None], self.l)
        drop = 2.0 * (cp.multiply(r[:, None], self.P) + cp.multiply(x[:, None], self.Q))
        if self.l is not None:
            drop = drop - cp.multiply((r * r + x * x)[:, None], self.l)
        cons = [
            self.P - loss_p - downstream @ self.P == demand_p,
            self.Q - loss_q - downstream @ self.Q == demand_q,
            self.v[self.child] == self.v[self.upstream] - drop,
            self.v[net.slack] == net.slack_voltage_pu**2,
        ]
        if self.l is not None:
            flat = self._flat
            v_up = flat(self.v[self.upstream])
            cons.append(cp.SOC(flat(self.l) + v_up, cp.vstack([2 * flat(self.P), 2 * flat(self.Q), flat(self.l) - v_up]), axis=0))
        if self.v_min_pu is not None:
            cons.append(self.v[self.child] >= self.v_min_pu**2)
        if self.v_max_pu is not None:
            cons.append(self.v[self.child] <= self.v_max_pu**2)
        if self.branch_limit_kva is not None:
            cons += self._branch_limit_constraints(self.branch_limit_kva)
        return cons

    @staticmethod
    def _flat(expr: cp.Expression) -> cp.Expression:
        """A (n_bus-1, T) branch expression as a vector, row after row (one cone per entry)."""
        return cp.reshape(expr, (expr.size,), order="C")

    def _downstream_matrix(self) -> sp.csr_matrix:
        """D (n_bus-1, n_bus-1): D[k, c] = 1 where branch c leaves the bus that branch k feeds."""
        position = np.empty(self.network.n_bus, dtype=np.int64)
        position[self.child] = np.arange(self.network.n_bus - 1)
        rows = position[self.upstream[self.upstream != self.network.slack]]
        cols = np.flatnonzero(self.upstream != self.network.slack)
        m = self.network.n_bus - 1
        return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, m))

    def _branch_limit_constraints(self, limit_kva: np.ndarray) -> list:
        limit = (limit_kva / self.s_base_kva)[:, None]
        if self.branch_limit == "active":
            return [cp.abs(self.P) <= limit]
        if self.relaxation == "socp":
            bound = np.broadcast_to(limit, self.P.shape).reshape(-1)
            return [cp.SOC(bound, cp.vstack([self._flat(self.P), self._flat(self.Q)]), axis=0)]
        return magnitude_at_most(self.P, self.Q, limit, cone=False)

    def _solution(self, problem: cp.Problem, solver: str, solve_time: float, wall: float, recheck: bool) -> Solution:
        s_base, n, T = self.s_base_kva, self.network.n_bus, self.periods
        inject_p, inject_q = self._injections()
        net_p = self.load_kw - s_base * np.asarray(inject_p.value).T
        net_q = self.load_kvar - s_base * np.asarray(inject_q.value).T
        # a solved program's variables hold arrays (cvxpy types ``value`` as optional)
        l_pu = np.zeros((n - 1, T)) if self.l is None else np.asarray(self.l.value)
        loss = s_base * (self.network.r_pu[self.child] @ l_pu)
        v_sq = np.maximum(np.asarray(self.v.value), 0.0)
        branch_p, branch_q = np.asarray(self.P.value), np.asarray(self.Q.value)
        check = None
        if recheck:
            l_t = None if self.l is None else l_pu.T
            check = ac_recheck(self, net_p, net_q, v_sq.T, branch_p.T, branch_q.T, l_t, loss)
        mip_bound, mip_gap = mip_bound_and_gap(problem, solver)
        return Solution(
            status=problem.status,
            objective=float(problem.value),
            solver=solver,
            solve_time_s=solve_time,
            wall_time_s=wall,
            v_pu=np.sqrt(v_sq).T,
            branch_p_kw=s_base * branch_p.T,
            branch_q_kvar=s_base * branch_q.T,
            branch_l_pu=l_pu.T,
            net_load_kw=net_p,
            net_load_kvar=net_q,
            loss_kw=loss,
            devices={name: device.report() for name, device in self.devices.items()},
            recheck=check,
            mip_bound=mip_bound,
            mip_gap=mip_gap,
        )
