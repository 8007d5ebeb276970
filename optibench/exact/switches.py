"""Minimum-loss switch states of a meshed feeder: the branch-flow cone relaxation with binary switches and radiality.

Every branch of a :class:`~optibench.switching.SwitchGraph` (in-service branches
and tie lines alike) is a switch. Each branch ``{i, j}`` gives two arcs,
``i -> j`` and ``j -> i``, and each arc ``a`` a binary ``beta_a``: 1 when
its sending bus is the parent of its receiving bus in the radial
configuration. Radiality uses two sets of spanning-tree constraints:

* the parent-child constraints of Jabr, Singh and Pal ("Minimum loss network
  reconfiguration using mixed-integer convex programming", IEEE Trans. Power
  Systems 27(2), 2012): every bus but the slack has exactly one parent
  (``sum_{a into j} beta_a = 1``), the slack none, and a branch is closed in
  one direction at most (``beta_ij + beta_ji <= 1``), so ``n_bus - 1``
  branches are closed;
* a single-commodity flow (Lavorato, Franco, Rider and Romero, "Imposing
  radiality constraints in distribution system optimization problems", IEEE
  Trans. Power Systems 27(1), 2012): the slack sends one unit to every other
  bus along closed arcs (``0 <= f_a <= (n_bus - 1) beta_a``), so every bus is
  connected to the slack. Parent-child constraints alone admit a cycle of
  buses cut off from the slack, which power balance rules out only when the
  cycle carries load.

A branch on no loop (a bridge) is closed in every radial configuration, in
the direction of the data file's tree; its arcs are fixed.

On each arc ``a = i -> j`` the DistFlow equations of
:class:`~optibench.exact.model.BranchFlowModel` (Farivar and Low's cone
relaxation, per unit) hold when the arc is active and are switched off by
big-M terms when it is not (Taylor and Hover, "Convex models of
distribution system reconfiguration", IEEE Trans. Power Systems 27(3),
2012)::

    sum_{a into j} (P_a - r_a l_a) - sum_{a out of j} P_a = d_j     (likewise Q with x)
    |v_j - v_i + 2 (r_a P_a + x_a Q_a) - (r_a^2 + x_a^2) l_a| <= M_v (1 - beta_a)
    0 <= P_a <= M_P beta_a,  0 <= Q_a <= M_Q beta_a,  0 <= l_a <= M_l,a beta_a
    l_a v_i >= P_a^2 + Q_a^2

and the objective is the series loss ``s_base * sum_a r_a l_a`` (kW).

The bounds contain the AC operating point of every configuration that can
be optimal, so SCIP's dual bound is a lower bound on the least AC loss. With
loads that are all nonnegative, no voltage exceeds the slack's ``V_s``
(downstream of a branch, ``r P + x Q >= 0``), so ``v <= V_s^2`` and
``|I_a| <= 2 V_s / |z_a|``: ``l_a <= 4 V_s^2 / |z_a|^2`` and
``P_a, Q_a <= 2 V_s^2 / |z_a|``, whatever the configuration. When a
reference configuration (the data file's, or the minimum spanning tree by
resistance) meets the voltage limits, its AC loss ``L`` bounds the optimum's
and tightens them: ``P_a <= sum d + L`` and ``Q_a <= sum e + L max(x / r)``
(a branch carries its downstream load and losses), ``r_a l_a <= L``, and a
voltage drop of ``D`` from the slack along any path forces, by
Cauchy-Schwarz, a loss of at least ``D^2 / sum_k |z_k|^2 / r_k`` (sum over
every branch), so voltages stay above ``V_s - sqrt(L sum_k |z_k|^2 / r_k)``;
then ``l_a <= (M_P^2 + M_Q^2) / v_lo`` too. ``M_v`` is the span of ``v``,
between that (or ``vmin``) and ``V_s`` (or ``vmax``).

:meth:`SwitchingModel.solve` returns a :class:`~optibench.exact.model.Solution`
whose :class:`~optibench.exact.recheck.ACRecheck` is the sweep power flow of
the decoded configuration (:meth:`optibench.switching.SwitchGraph.solve`),
with the open branch indices of that configuration.
"""

from __future__ import annotations

import math
import time
import warnings

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from ..powerflow import PowerFlowResult
from ..switching import SwitchGraph
from .model import Solution, mip_bound_and_gap
from .recheck import ACRecheck

LOSS_MARGIN = 1e-6
"""Relative margin added to the reference loss ``L`` before the bounds are derived from it (floating point)."""


class SwitchingModel:
    """The mixed-integer cone program of least-loss switch states of ``graph``'s network (see the module docstring).

    Args:
        graph: the switchable branches of the feeder.
        p_kw, q_kvar: net load of every bus (kW, kvar), shape (n_bus,), network bus order; default the
            network's loads. The slack bus's own load is ignored, as in the power flow.
        v_min_pu, v_max_pu: voltage limits of every bus but the slack (p.u.); None: no limit.

    Attributes:
        reference_open: open branch indices of the reference configuration, shape (n_tie,): the least AC loss
            of the data file's configuration and the minimum spanning tree by resistance, among those that meet
            the limits; None when neither does.
        reference_loss_kw: its AC loss (kW), the ``L`` of the module docstring; None without a reference.
        arc_from, arc_to, arc_branch: sending bus, receiving bus and branch index of each arc, shape (n_arc,).
        fixed: arcs of bridges, closed in every radial configuration, shape (n_arc,) bool.

    Raises ValueError naming the bus of a negative load (the bounds assume none).
    """

    def __init__(
        self,
        graph: SwitchGraph,
        p_kw: np.ndarray | None = None,
        q_kvar: np.ndarray | None = None,
        v_min_pu: float | None = None,
        v_max_pu: float | None = None,
    ) -> None:
        net = graph.network
        self.graph = graph
        self.v_min_pu, self.v_max_pu = v_min_pu, v_max_pu
        self.p_kw = self._loads(net.p_kw if p_kw is None else p_kw, "p_kw")
        self.q_kvar = self._loads(net.q_kvar if q_kvar is None else q_kvar, "q_kvar")
        self.reference_open, self.reference_loss_kw = self._reference()
        bridge = np.ones(graph.n_branch, dtype=bool)
        bridge[graph.in_loops] = False
        forward = np.flatnonzero(graph.to_index != net.slack)
        backward = np.flatnonzero((graph.from_index != net.slack) & ~bridge)
        self.arc_from = np.concatenate([graph.from_index[forward], graph.to_index[backward]])
        self.arc_to = np.concatenate([graph.to_index[forward], graph.from_index[backward]])
        self.arc_branch = np.concatenate([forward, backward])
        self.fixed = bridge[self.arc_branch]

    def _loads(self, values, label: str) -> np.ndarray:
        net = self.graph.network
        arr = np.array(values, dtype=np.float64)
        if arr.shape != (net.n_bus,):
            raise ValueError(f"{label} must have shape ({net.n_bus},); got {arr.shape}")
        arr[net.slack] = 0.0
        negative = np.flatnonzero(arr < 0)
        if len(negative):
            raise ValueError(
                f"network {net.name!r}: bus {int(net.bus_ids[negative[0]])} has {label} {arr[negative[0]]:g} < 0; "
                "the switching model's bounds assume nonnegative loads"
            )
        return arr

    def power_flow(self, open_index: np.ndarray) -> PowerFlowResult:
        """AC power flow of configurations (pop, n_tie) at the model's loads."""
        pop = len(open_index)
        return self.graph.solve(open_index, np.tile(self.p_kw, (pop, 1)), np.tile(self.q_kvar, (pop, 1)))

    def _meets_limits(self, res: PowerFlowResult) -> np.ndarray:
        ok = res.converged.copy()
        if self.v_min_pu is not None:
            ok &= res.vmin_pu >= self.v_min_pu
        if self.v_max_pu is not None:
            ok &= res.vmax_pu <= self.v_max_pu
        return ok

    def _reference(self) -> tuple[np.ndarray | None, float | None]:
        graph = self.graph
        candidates = np.stack([graph.base_open, graph.spanning_tree(graph.r_pu)[0]])
        res = self.power_flow(candidates)
        loss = np.where(self._meets_limits(res), res.loss_kw, np.inf)
        best = int(np.argmin(loss))
        if not np.isfinite(loss[best]):
            return None, None
        return candidates[best], float(loss[best])

    def bounds(self) -> dict[str, float | np.ndarray]:
        """The big-M bounds of the module docstring (p.u.): ``v_lo``, ``v_hi`` and, per arc (n_arc,),
        ``p_max``, ``q_max``, ``l_max``."""
        graph, net = self.graph, self.graph.network
        s_base, v_slack = net.s_base_kva, net.slack_voltage_pu
        r, x = graph.r_pu[self.arc_branch], graph.x_pu[self.arc_branch]
        z = np.sqrt(r * r + x * x)
        v_lo = 0.0 if self.v_min_pu is None else self.v_min_pu**2
        v_hi = v_slack**2 if self.v_max_pu is None else min(v_slack, self.v_max_pu) ** 2
        p_max, q_max, l_max = 2 * v_slack**2 / z, 2 * v_slack**2 / z, (2 * v_slack / z) ** 2
        if self.reference_loss_kw is not None:
            loss = self.reference_loss_kw * (1.0 + LOSS_MARGIN) / s_base
            r_all, x_all = graph.r_pu, graph.x_pu
            drop = math.sqrt(loss * float(np.sum((r_all * r_all + x_all * x_all) / r_all)))
            v_lo = max(v_lo, max(v_slack - drop, 0.0) ** 2)
            p_max = np.minimum(p_max, self.p_kw.sum() / s_base + loss)
            q_max = np.minimum(q_max, self.q_kvar.sum() / s_base + loss * float(np.max(x_all / r_all)))
            l_max = np.minimum(l_max, loss / r)
        if v_lo > 0:
            l_max = np.minimum(l_max, (p_max**2 + q_max**2) / v_lo)
        return dict(v_lo=v_lo, v_hi=v_hi, p_max=p_max, q_max=q_max, l_max=l_max)

    def solve(self, time_limit_s: float, **scip_params: float) -> tuple[Solution, np.ndarray | None]:
        """Solve the program with SCIP and re-check the decoded configuration by the AC power flow.

        Args:
            time_limit_s: SCIP's time limit (s); stopped there, SCIP's dual bound and incumbent are reported.
            scip_params: further SCIP parameters (e.g. ``**{"numerics/feastol": 1e-9}``).

        Returns:
            (the solution: status, loss objective (kW), SCIP's bound and gap, model voltages and loss, the AC
            re-check; the open branch indices of the incumbent, shape (n_tie,), or None without one).
        Raises ValueError for a non-positive time limit, RuntimeError when the incumbent's switches are not radial.
        """
        if not time_limit_s > 0:
            raise ValueError(f"time_limit_s must be positive, got {time_limit_s}")
        if "SCIP" not in cp.installed_solvers():
            raise cp.error.SolverError("the switching model needs SCIP, the dependency pyscipopt: pip install pyscipopt")
        problem, variables = self._program()
        start = time.perf_counter()
        with warnings.catch_warnings():  # a solve stopped at a limit is reported in the status
            warnings.filterwarnings("ignore", message="Solution may be inaccurate")
            problem.solve(solver="SCIP", scip_params={"limits/time": time_limit_s, **scip_params})
        wall = time.perf_counter() - start
        stats = problem.solver_stats
        solve_time = stats.solve_time if stats is not None and stats.solve_time is not None else wall
        if problem.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
            return Solution(problem.status, math.nan, "SCIP", solve_time, wall), None
        beta, P, Q, l, v = (np.asarray(var.value) for var in variables)
        closed = np.zeros(self.graph.n_branch, dtype=bool)
        closed[self.arc_branch[beta > 0.5]] = True
        open_index = np.flatnonzero(~closed)
        if len(open_index) != self.graph.n_tie or not self.graph.radial(open_index[None, :])[0]:
            raise RuntimeError(
                f"network {self.graph.network.name!r}: the switching model's incumbent opens branches "
                f"{(open_index + 1).tolist()}, not a radial configuration"
            )
        s_base = self.graph.network.s_base_kva
        model_loss = np.array([s_base * float(self.graph.r_pu[self.arc_branch] @ l)])
        v_sq = np.maximum(v, 0.0)
        gap = float(np.max(np.abs(l * v_sq[self.arc_from] - P**2 - Q**2)))
        mip_bound, mip_gap = mip_bound_and_gap(problem, "SCIP")
        return (
            Solution(
                status=problem.status,
                objective=float(problem.value),
                solver="SCIP",
                solve_time_s=solve_time,
                wall_time_s=wall,
                v_pu=np.sqrt(v_sq)[None, :],
                loss_kw=model_loss,
                recheck=self._recheck(open_index, v_sq, model_loss, gap),
                mip_bound=mip_bound,
                mip_gap=mip_gap,
            ),
            open_index,
        )

    def _program(self) -> tuple[cp.Problem, tuple[cp.Variable, ...]]:
        """The cvxpy program and its variables (beta, P, Q, l, v), arcs in the order of :attr:`arc_branch`."""
        graph, net = self.graph, self.graph.network
        n, m, slack = net.n_bus, len(self.arc_branch), net.slack
        b = self.bounds()
        r, x = graph.r_pu[self.arc_branch], graph.x_pu[self.arc_branch]
        beta = cp.Variable(m, boolean=True, name="beta")
        P = cp.Variable(m, nonneg=True, name="P")
        Q = cp.Variable(m, nonneg=True, name="Q")
        l = cp.Variable(m, nonneg=True, name="l")
        f = cp.Variable(m, nonneg=True, name="f")
        v = cp.Variable(n, name="v")
        arcs = np.arange(m)
        into = sp.csr_matrix((np.ones(m), (self.arc_to, arcs)), shape=(n, m))
        out = sp.csr_matrix((np.ones(m), (self.arc_from, arcs)), shape=(n, m))
        other = np.flatnonzero(np.arange(n) != slack)
        pair = sp.csr_matrix((np.ones(m), (self.arc_branch, arcs)), shape=(graph.n_branch, m))
        s_base = net.s_base_kva
        span = b["v_hi"] - b["v_lo"]
        drop = v[self.arc_to] - v[self.arc_from] + 2 * (cp.multiply(r, P) + cp.multiply(x, Q)) - cp.multiply(r * r + x * x, l)
        v_from = v[self.arc_from]
        cons = [
            (into @ (P - cp.multiply(r, l)) - out @ P)[other] == self.p_kw[other] / s_base,
            (into @ (Q - cp.multiply(x, l)) - out @ Q)[other] == self.q_kvar[other] / s_base,
            drop <= span * (1 - beta),
            drop >= -span * (1 - beta),
            P <= cp.multiply(b["p_max"], beta),
            Q <= cp.multiply(b["q_max"], beta),
            l <= cp.multiply(b["l_max"], beta),
            cp.SOC(l + v_from, cp.vstack([2 * P, 2 * Q, l - v_from]), axis=0),
            v[slack] == net.slack_voltage_pu**2,
            v[other] >= b["v_lo"],
            v[other] <= b["v_hi"],
            (into @ beta)[other] == 1,
            pair @ beta <= 1,
            (into @ f - out @ f)[other] == 1,
            f <= (n - 1) * beta,
        ]
        if self.fixed.any():
            cons.append(beta[np.flatnonzero(self.fixed)] == 1)
        objective = s_base * (graph.r_pu[self.arc_branch] @ l)
        return cp.Problem(cp.Minimize(objective), cons), (beta, P, Q, l, v)

    def _recheck(self, open_index: np.ndarray, v_sq: np.ndarray, model_loss_kw: np.ndarray, gap: float) -> ACRecheck:
        """:class:`ACRecheck` of one configuration: its sweep power flow against the model's voltages and loss."""
        res = self.power_flow(open_index[None, :])
        converged = bool(res.converged[0])
        violation = 0.0 if converged else np.inf
        if converged and self.v_min_pu is not None:
            violation = max(violation, float(self.v_min_pu - res.vmin_pu[0]))
        if converged and self.v_max_pu is not None:
            violation = max(violation, float(res.vmax_pu[0] - self.v_max_pu))
        return ACRecheck(
            converged=converged,
            loss_kw=res.loss_kw,
            loss_kwh=float(res.loss_kw[0]),
            model_loss_kwh=float(model_loss_kw[0]),
            vmin_pu=res.vmin_pu,
            vmax_pu=res.vmax_pu,
            voltage_violation_pu=violation,
            voltage_error_pu=float(np.max(np.abs(res.vm_pu[0] - np.sqrt(v_sq)))),
            branch_violation_kva=0.0,
            relaxation_gap=gap,
        )
