"""Scheduling an EV fleet's charging and discharging: paper 003, eq. (15), (16) and (20).

The fleet's power follows :mod:`optibench.ev` and is affine in the decision
variables, ``P_EV = P_p + M u``; each problem has two fleet models, chosen
by the instance parameter ``fleet``:

``fleet="session"``
    Each flexible vehicle makes one charging or discharging session a day
    (eq. 11-14): ``u = (f, g)``, the start distributions over the ``n_d``
    periods, on the simplex ``f, g >= 0``, ``sum f + sum g = 1`` (eq. 15).
    Decoding from the search box: the ``2 n_d`` variables ``w`` are
    non-negative weights in ``[0, 1]`` (``f`` first, then ``g``, by period)
    and ``(f, g) = w / sum(w)``; an all-zero ``w`` means the uniform
    ``1 / (2 n_d)``. A point of the simplex is its own weight vector, so the
    QP optimum can be evaluated as it is. No constraints.
``fleet="flexible"``
    The flexible vehicles of each type form a cohort that charges or
    discharges at up to the rated 7 kW per plugged-in vehicle in any period
    (:meth:`optibench.ev.Fleet.cohorts`): ``u`` is, per cohort and period, the
    cohort's power as a share of its largest, in ``[-1, 1]`` (charging
    positive). Three constraints per cohort keep its mean state of charge
    between ``min(E_0, E_end)`` and full and at ``E_end`` or more at the end
    of the day (state of charge, ``<= 0`` when met: the largest excess over
    1, the largest shortfall below the floor, the shortfall at the end).

Both objectives are convex quadratics on a polytope; :meth:`certify` finds
the exact optimum as a QP (cvxpy + Clarabel) and proves it within its
Frank-Wolfe gap (an upper bound on ``f(z) - f*``; a linear program over the
polytope for the flexible model).

``ev-load-levelling``
    Case A: a national summer day (``paper003_uk_summer_day.csv``, MW) with
    Table 2's fleet (1.2 M BEVs, 0.35 M PHEVs, 7 kW) split into
    charging-only and flexible vehicles as in Table 3: scenario 1, 2, 3 =
    80/20, 50/50, 20/80 %. ``P_S = P_L + P_EV`` in GW. The objective is the
    variance of the net demand, ``(1 / n_d) sum_l (P_S(l) - mean P_S)^2``
    (GW^2): eq. (15)'s first line, which defines load levelling as the
    deviation from the day's average. The paper then drops the mean and
    minimises ``sum P_S^2``, which equals the variance only when ``mean P_S``
    is fixed; neither fleet model fixes it (eq. 15 does not balance the
    fleet's energy, and a flexible cohort may end the day fuller or emptier),
    so ``sum P_S^2`` rewards lowering the mean (every flexible vehicle
    discharging) instead of levelling the curve. The variance is the paper's
    stated aim and needs no constraint the paper does not state.
``ev-res-support``
    Case B: a micro-grid day (``paper003_microgrid_day.csv``, kW) with
    ``vehicles`` flexible BEVs (default 300) and wind and PV treated as
    negative load, ``P_S = P_L + P_EV - (1 - loss) P_RES`` (eq. 16; eq. 20
    with ``loss = 0.07``). ``P_S`` in MW; objective eq. (16)'s ``sum P_S^2``
    (MW^2).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from optibench.checks import check_instance, choice, integer, real
from optibench.ev import BEV, PHEV, Cohort, Fleet, VehicleType
from optibench.known_optima import lookup
from optibench.problem import Evaluation, Problem
from optibench.variables import Real, VariableSpace

if TYPE_CHECKING:
    import pandas as pd

TABLE3_CHARGING_ONLY = {1: 0.8, 2: 0.5, 3: 0.2}
"""Share of charging-only vehicles per scenario (paper 003, Table 3)."""
PAPER_PEAK_VALLEY_MW = {0: 12389.0, 1: 10219.0, 2: 7664.0, 3: 4658.0}
"""Peak-valley difference of Case A (MW): before EVs (0) and optimised per scenario (section 7.1.2)."""
FLEET_MODELS = ("session", "flexible")
"""Values of the instance parameter ``fleet`` (see the module docstring)."""
SOC_MARGIN = 1e-9
"""State-of-charge margin the flexible QP keeps inside its constraints, so that solver round-off cannot make the
stored optimum infeasible (its effect on the objective is far below ``success_atol``)."""


def _profiles_dir() -> Path:
    from optibench import data

    return Path(data.__file__).parent / "profiles"


def read_profile(name: str) -> pd.DataFrame:
    """A shipped half-hourly profile of paper 003 (see ``profiles/paper003.md``)."""
    import pandas as pd

    return pd.read_csv(_profiles_dir() / name)


class EvScheduling(Problem):
    """Common part of the scheduling problems: ``P_S = base + charging-only power + M u`` (see module docstring).

    Args:
        fleet: the EV fleet (its ``n_d`` fixes the periods).
        base_kw: net demand without EVs, shape (n_d,), kW.
        unit_kw: kW per unit of ``P_S`` in the objective (1e6 for GW, 1e3 for MW).
        instance: the instance parameters.
        model: ``"session"`` or ``"flexible"`` (module docstring).

    Class attribute ``levelling``: the objective is the variance of ``P_S`` (True) or ``sum P_S^2`` (False).
    """

    levelling = False

    def __init__(self, fleet: Fleet, base_kw: np.ndarray, unit_kw: float, instance: dict, model: str = "session"):
        n_d = fleet.n_d
        self.model = model
        self.unit_kw = float(unit_kw)
        if model == "session":
            self.cohorts: tuple[Cohort, ...] = ()
            variables = [Real(f"f_{l + 1:02d}", 0.0, 1.0) for l in range(n_d)]
            variables += [Real(f"g_{l + 1:02d}", 0.0, 1.0) for l in range(n_d)]
            A, B = fleet.flexible_matrices()
            self.matrix = np.hstack([A, -B]) / self.unit_kw
        else:
            self.cohorts = fleet.cohorts()
            variables = [Real(f"p_{c.name}_{l + 1:02d}", -1.0, 1.0) for c in self.cohorts for l in range(n_d)]
            self.matrix = np.hstack([c.max_kw * np.eye(n_d) for c in self.cohorts]) / self.unit_kw
            self.n_con = 3 * len(self.cohorts)
            self.constraint_names = tuple(
                f"{c.name} mean state of charge {what} (share of E_B)"
                for c in self.cohorts
                for what in ("above full", "below min(E_0, E_end)", "below E_end at day end")
            )
        super().__init__(VariableSpace(variables), **instance)
        self.fleet = fleet
        self.offset = (np.asarray(base_kw, dtype=np.float64) + fleet.charging_only_kw()) / self.unit_kw
        self.base = np.asarray(base_kw, dtype=np.float64) / self.unit_kw  # P_S without EVs
        # the objective is ||weight @ P_S||^2: the centring map over sqrt(n_d) for the variance, else the identity
        self.weight = (np.eye(n_d) - 1.0 / n_d) / np.sqrt(n_d) if self.levelling else np.eye(n_d)
        self.known_optimum = lookup(self.name, self.instance)

    @staticmethod
    def decode_simplex(W: np.ndarray) -> np.ndarray:
        """Weights (pop, 2 n_d) -> ``(f, g)`` on the simplex (pop, 2 n_d); all-zero rows -> uniform."""
        total = W.sum(axis=1, keepdims=True)
        return np.where(total > 0, W / np.where(total > 0, total, 1.0), 1.0 / W.shape[1])

    def decode_fleet(self, W: np.ndarray) -> np.ndarray:
        """Decision variables (pop, n_var) -> ``u`` (pop, n_var) of ``P_S = offset + M u``."""
        return self.decode_simplex(W) if self.model == "session" else W

    def net_demand(self, W: np.ndarray) -> np.ndarray:
        """``P_S`` per period (pop, n_d) in the objective's unit, for decision variables ``W`` (pop, n_var)."""
        return self.offset + self.decode_fleet(W) @ self.matrix.T

    def cohort_soc(self, W: np.ndarray) -> list[np.ndarray]:
        """Flexible model: each cohort's mean state of charge at the end of every period, (pop, n_d) per cohort."""
        n_d = self.fleet.n_d
        return [c.soc(c.max_kw * W[:, k * n_d : (k + 1) * n_d]) for k, c in enumerate(self.cohorts)]

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        ps = self.net_demand(Z)
        extras = {"peak_valley": ps.max(axis=1) - ps.min(axis=1)}
        G = np.zeros((len(Z), 0))
        if self.cohorts:
            G = np.column_stack(
                [
                    g
                    for c, soc in zip(self.cohorts, self.cohort_soc(Z))
                    for g in ((soc - 1.0).max(axis=1), (c.soc_floor - soc).max(axis=1), c.soc_end - soc[:, -1])
                ]
            )
        return Evaluation(F=((ps @ self.weight.T) ** 2).sum(axis=1)[:, None], G=G, extras=extras)

    def soc_constraints(self, margin: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Flexible model: the state-of-charge limits as ``A u <= b``, ``margin`` inside them; shapes (3 n_d C, n_var)
        and (3 n_d C,), C cohorts (rows: every period's upper and lower limit, then the day's end)."""
        n_d = self.fleet.n_d
        rows: list[np.ndarray] = []
        rhs: list[ArrayLike] = []
        cumulative = np.tril(np.ones((n_d, n_d)))
        for k, c in enumerate(self.cohorts):
            block = np.zeros((n_d, self.n_var))
            block[:, k * n_d : (k + 1) * n_d] = cumulative * c.max_kw * c.step_h / (c.vehicles * c.battery_kwh)
            rows += [block, -block, -block[-1:]]
            rhs += [np.full(n_d, 1.0 - c.soc0), np.full(n_d, c.soc0 - c.soc_floor), [c.soc0 - c.soc_end]]
        return np.vstack(rows), np.concatenate(rhs) - margin

    @property
    def feasible_set(self) -> str:
        """The decision variables' feasible set, in words."""
        return "the simplex" if self.model == "session" else "the state-of-charge polytope"

    def demand_range(self) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest ``offset + M u`` each period can take over the decision box, each (n_d,)."""
        if self.model == "session":
            return self.offset + self.matrix.min(axis=1), self.offset + self.matrix.max(axis=1)
        reach = np.abs(self.matrix).sum(axis=1)
        return self.offset - reach, self.offset + reach

    def least_squares(self, offset: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        """``argmin ||offset + matrix u||^2`` over the feasible set (Clarabel); offset (m,), matrix (m, n_var)."""
        if self.model == "session":
            return simplex_least_squares(offset, matrix)
        A, b = self.soc_constraints(SOC_MARGIN)
        return box_least_squares(offset, matrix, A, b)

    def certify(self) -> tuple[dict[str, Any], int]:
        """Exact optimum of the convex QP ``min ||weight (offset + M u)||^2`` over the feasible set (Clarabel).

        Returns (KnownOptimum fields as a dict, 0 power flows).
        """
        z = self.least_squares(self.weight @ self.offset, self.weight @ self.matrix)
        return self.certificate(z, f"convex QP on {self.feasible_set}"), 0

    def certificate(self, z: np.ndarray, method: str) -> dict:
        """KnownOptimum fields of the feasible point ``z`` (n_var,): proven, its Frank-Wolfe gap as the tolerance.

        The objective is convex, so the gap bounds ``f(z) - f*`` whatever
        the solver reported: the value is proven within it.
        """
        ev = self._evaluate(z[None, :])
        if ev.G.size and ev.G.max() > 0:
            raise ValueError(f"{self.name} {self.instance}: the QP's point violates a constraint by {ev.G.max():.1e}")
        tolerance = f"Frank-Wolfe gap {frank_wolfe_gap(self, z):.1e} (objective units), an upper bound on value - optimum"
        return dict(
            value=float(ev.F[0, 0]),
            status="proven",
            solution=",".join(f"{v:.12g}" for v in z),
            method=f"{method} (cvxpy + Clarabel)",
            tolerance=tolerance,
        )

    def gradient(self, z: np.ndarray) -> np.ndarray:
        """Gradient of the objective at a feasible point ``z`` (n_var,)."""
        return 2.0 * self.matrix.T @ self.weight.T @ self.weight @ (self.offset + self.matrix @ z)

    def linear_minimum(self, c: np.ndarray) -> float:
        """``min c . u`` over the feasible set: the simplex (session) or the state-of-charge polytope (HiGHS LP)."""
        if self.model == "session":
            return float(c.min())
        from scipy.optimize import linprog

        A, b = self.soc_constraints()
        lp = linprog(
            c,
            A_ub=A,
            b_ub=b,
            bounds=(-1.0, 1.0),
            method="highs",
            options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
        )
        if lp.status != 0:
            raise ValueError(f"{self.name} {self.instance}: the Frank-Wolfe LP failed: {lp.message}")
        return float(lp.fun)


def simplex_least_squares(offset: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``argmin ||offset + matrix x||^2`` over ``x >= 0``, ``sum x = 1`` (cvxpy + Clarabel), clipped at 0 and
    renormalised. Shapes: offset (m,), matrix (m, k); returns (k,)."""
    import cvxpy as cp

    x = cp.Variable(matrix.shape[1], nonneg=True)
    qp = cp.Problem(cp.Minimize(cp.sum_squares(offset + matrix @ x)), [cp.sum(x) == 1])
    qp.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    if qp.status != cp.OPTIMAL:
        raise ValueError(f"QP status {qp.status}")
    z = np.maximum(np.asarray(x.value), 0.0)  # solved: value is an array
    return z / z.sum()


def box_least_squares(offset: np.ndarray, matrix: np.ndarray, A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``argmin ||offset + matrix x||^2`` over ``-1 <= x <= 1``, ``A x <= b`` (cvxpy + Clarabel), clipped to the box.
    Shapes: offset (m,), matrix (m, k), A (r, k), b (r,); returns (k,)."""
    import cvxpy as cp

    x = cp.Variable(matrix.shape[1])
    qp = cp.Problem(cp.Minimize(cp.sum_squares(offset + matrix @ x)), [x >= -1.0, x <= 1.0, A @ x <= b])
    qp.solve(solver=cp.CLARABEL)  # default tolerances; the Frank-Wolfe gap is the proof
    if qp.status != cp.OPTIMAL:
        raise ValueError(f"QP status {qp.status}")
    return np.clip(np.asarray(x.value), -1.0, 1.0)  # solved: value is an array


def frank_wolfe_gap(problem: EvScheduling, z: np.ndarray) -> float:
    """``grad . z - min over the feasible set of grad . u``: the KKT complementarity residual, and an upper bound
    on ``f(z) - f*`` for a feasible ``z`` (objective units). It is 0 exactly at an optimum."""
    grad = problem.gradient(z)
    return float(grad @ z - problem.linear_minimum(grad))


class EvLoadLevelling(EvScheduling):
    """Case A of paper 003: load levelling of a national summer day, eq. (15), as the variance of the net demand.

    Instance parameters: ``scenario`` (Table 3: 1, 2, 3 = 80, 50, 20 % charging-only vehicles), ``fleet``
    (``"flexible"``, the default, or ``"session"``; module docstring).
    """

    levelling = True
    objective_names = ("variance of the net demand (GW^2)",)
    objective_name, objective_unit = "variance of the net demand", "GW^2"
    success_atol = 1e-4
    """GW^2: a half-hour 5 GW from the day's mean moved 0.5 MW further from it adds 1e-4 GW^2 (2 x 5 x 5e-4 / 48)."""

    def __init__(self, scenario: int = 1, fleet: str = "flexible"):
        values = check_instance(
            self, {"scenario": choice(*TABLE3_CHARGING_ONLY), "fleet": choice(*FLEET_MODELS)}, scenario=scenario, fleet=fleet
        )
        model = Fleet(vehicles=(BEV, PHEV), charging_only_share=TABLE3_CHARGING_ONLY[values["scenario"]])
        demand_kw = read_profile("paper003_uk_summer_day.csv")["demand_mw"].to_numpy() * 1e3
        super().__init__(model, demand_kw, 1e6, values, model=values["fleet"])


class EvResSupport(EvScheduling):
    """Case B of paper 003: flexible BEVs supporting wind and PV in a micro-grid, eq. (16) / (20).

    Instance parameters: ``loss`` (transmission-loss share of the renewable
    output, eq. 20; 0 for eq. 16, 0.07 the paper's practical value),
    ``vehicles`` (flexible BEVs, 7 kW, 25.2 kWh), ``fleet`` (``"session"``,
    the default, or ``"flexible"``; module docstring).
    """

    objective_names = ("sum of squared net demand (MW^2)",)
    objective_name, objective_unit = "sum of squared net demand", "MW^2"
    success_atol = 1e-3
    """MW^2: with net demand up to 1 MW, 1e-3 MW^2 is 0.5 kW more in one half-hour (a 7 kW charger for 4 minutes)."""

    def __init__(self, loss: float = 0.0, vehicles: int = 300, fleet: str = "session"):
        values = check_instance(
            self,
            {"loss": real(0, below=1), "vehicles": integer(1), "fleet": choice(*FLEET_MODELS)},
            loss=loss,
            vehicles=vehicles,
            fleet=fleet,
        )
        model = Fleet(vehicles=(VehicleType("BEV", float(values["vehicles"]), BEV.t1_h, BEV.t2_h),), charging_only_share=0.0)
        day = read_profile("paper003_microgrid_day.csv")
        base_kw = day["load_kw"].to_numpy() - (1.0 - values["loss"]) * (day["wind_kw"] + day["pv_kw"]).to_numpy()
        super().__init__(model, base_kw, 1e3, values, model=values["fleet"])
