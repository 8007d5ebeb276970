"""Scheduling an EV fleet's charging and discharging starts: paper 003, eq. (15), (16) and (20).

The flexible vehicles' start distributions ``f`` (charging) and ``g``
(discharging) over the ``n_d`` periods of a day are the decision variables;
the fleet's power follows :mod:`optibench.ev` and is linear in them,
``P_EV = P_p + A f - B g``. The objective is the sum of squared net demand
``sum_l P_S(l)^2`` (eq. 15: equal to minimising its variance, since the mean
is fixed), a convex quadratic on the simplex ``f, g >= 0``,
``sum f + sum g = 1``, whose exact optimum :meth:`certify` finds as a QP
(cvxpy + Clarabel).

Decoding from the search box: the ``2 n_d`` variables ``w`` are
non-negative weights in ``[0, 1]`` (``f`` first, then ``g``, by period) and
``(f, g) = w / sum(w)``; an all-zero ``w`` means the uniform ``1 / (2 n_d)``.
A point of the simplex is its own weight vector, so the QP optimum can be
evaluated as it is.

``ev-load-levelling``
    Case A: a national summer day (``paper003_uk_summer_day.csv``, MW) with
    Table 2's fleet (1.2 M BEVs, 0.35 M PHEVs, 7 kW) split into
    charging-only and flexible vehicles as in Table 3: scenario 1, 2, 3 =
    80/20, 50/50, 20/80 %. ``P_S = P_L + P_EV`` in GW; objective GW^2.
``ev-res-support``
    Case B: a micro-grid day (``paper003_microgrid_day.csv``, kW) with
    ``vehicles`` flexible BEVs (default 300) and wind and PV treated as
    negative load, ``P_S = P_L + P_EV - (1 - loss) P_RES`` (eq. 16; eq. 20
    with ``loss = 0.07``). ``P_S`` in MW; objective MW^2.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from optibench.checks import check_instance, choice, integer, real
from optibench.ev import BEV, PHEV, Fleet, VehicleType
from optibench.known_optima import lookup
from optibench.problem import Evaluation, Problem
from optibench.variables import Real, VariableSpace

TABLE3_CHARGING_ONLY = {1: 0.8, 2: 0.5, 3: 0.2}
"""Share of charging-only vehicles per scenario (paper 003, Table 3)."""
PAPER_PEAK_VALLEY_MW = {0: 12389.0, 1: 10219.0, 2: 7664.0, 3: 4658.0}
"""Peak-valley difference of Case A (MW): before EVs (0) and optimised per scenario (section 7.1.2)."""


def _profiles_dir() -> Path:
    from optibench import data

    return Path(data.__file__).parent / "profiles"


def read_profile(name: str) -> pd.DataFrame:
    """A shipped half-hourly profile of paper 003 (see ``profiles/paper003.md``)."""
    return pd.read_csv(_profiles_dir() / name)


class EvScheduling(Problem):
    """Common part of the scheduling problems: ``P_S = base + charging-only power + M w`` (see module docstring).

    Args:
        fleet: the EV fleet (its ``n_d`` fixes the periods).
        base_kw: net demand without EVs, shape (n_d,), kW.
        unit_kw: kW per unit of ``P_S`` in the objective (1e6 for GW, 1e3 for MW).
        instance: the instance parameters.
    """

    def __init__(self, fleet: Fleet, base_kw: np.ndarray, unit_kw: float, instance: dict):
        n_d = fleet.n_d
        variables = [Real(f"f_{l + 1:02d}", 0.0, 1.0) for l in range(n_d)]
        variables += [Real(f"g_{l + 1:02d}", 0.0, 1.0) for l in range(n_d)]
        super().__init__(VariableSpace(variables), **instance)
        self.fleet = fleet
        self.unit_kw = float(unit_kw)
        A, B = fleet.flexible_matrices()
        self.offset = (np.asarray(base_kw, dtype=np.float64) + fleet.charging_only_kw()) / self.unit_kw
        self.matrix = np.hstack([A, -B]) / self.unit_kw
        self.base = np.asarray(base_kw, dtype=np.float64) / self.unit_kw  # P_S without EVs
        self.known_optimum = lookup(self.name, self.instance)

    @staticmethod
    def decode_simplex(W: np.ndarray) -> np.ndarray:
        """Weights (pop, 2 n_d) -> ``(f, g)`` on the simplex (pop, 2 n_d); all-zero rows -> uniform."""
        total = W.sum(axis=1, keepdims=True)
        return np.where(total > 0, W / np.where(total > 0, total, 1.0), 1.0 / W.shape[1])

    def net_demand(self, W: np.ndarray) -> np.ndarray:
        """``P_S`` per period (pop, n_d) in the objective's unit, for weights ``W`` (pop, 2 n_d)."""
        return self.offset + self.decode_simplex(W) @ self.matrix.T

    def _evaluate(self, Z):
        ps = self.net_demand(Z)
        extras = {"peak_valley": ps.max(axis=1) - ps.min(axis=1)}
        return Evaluation(F=(ps**2).sum(axis=1)[:, None], G=np.zeros((len(Z), 0)), extras=extras)

    def certify(self):
        """Exact optimum of the convex QP ``min ||offset + M x||^2``, ``x >= 0``, ``sum x = 1`` (Clarabel).

        Returns (KnownOptimum fields as a dict, 0 power flows).
        """
        return self.certificate(simplex_least_squares(self.offset, self.matrix), "convex QP"), 0

    def certificate(self, z: np.ndarray, method: str) -> dict:
        """KnownOptimum fields of the simplex point ``z`` (2 n_d,): proven, its Frank-Wolfe gap as the tolerance.

        The objective is convex, so the gap bounds ``f(z) - f*`` whatever
        the solver reported: the value is proven within it.
        """
        value = float(self._evaluate(z[None, :]).F[0, 0])
        tolerance = f"Frank-Wolfe gap {frank_wolfe_gap(self, z):.1e} (objective units), an upper bound on value - optimum"
        return dict(value=value, status="proven", solution=",".join(f"{v:.12g}" for v in z),
                    method=f"{method} (cvxpy + Clarabel)", tolerance=tolerance)

    def gradient(self, z: np.ndarray) -> np.ndarray:
        """Gradient of the objective at a simplex point ``z`` (2 n_d,)."""
        return 2.0 * self.matrix.T @ (self.offset + self.matrix @ z)


def simplex_least_squares(offset: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``argmin ||offset + matrix x||^2`` over ``x >= 0``, ``sum x = 1`` (cvxpy + Clarabel), clipped at 0 and
    renormalised. Shapes: offset (m,), matrix (m, k); returns (k,)."""
    import cvxpy as cp

    x = cp.Variable(matrix.shape[1], nonneg=True)
    qp = cp.Problem(cp.Minimize(cp.sum_squares(offset + matrix @ x)), [cp.sum(x) == 1])
    qp.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    if qp.status != cp.OPTIMAL:
        raise ValueError(f"QP status {qp.status}")
    z = np.maximum(x.value, 0.0)
    return z / z.sum()


def frank_wolfe_gap(problem: EvScheduling, z: np.ndarray) -> float:
    """``grad . z - min(grad)``: the KKT complementarity residual on the simplex, and an upper bound on
    ``f(z) - f*`` (objective units). It is 0 exactly at an optimum."""
    grad = problem.gradient(z)
    return float(grad @ z - grad.min())


class EvLoadLevelling(EvScheduling):
    """Case A of paper 003: load levelling of a national summer day, eq. (15).

    Instance parameters: ``scenario`` (Table 3: 1, 2, 3 = 80, 50, 20 % charging-only vehicles).
    """

    objective_names = ("sum of squared net demand (GW^2)",)
    success_atol = 1e-2
    """GW^2: with net demand up to 32 GW, 1e-2 GW^2 is 0.16 MW more in one half-hour (6e-6 of the demand)."""

    def __init__(self, scenario: int = 1):
        check_instance(self, {"scenario": choice(*TABLE3_CHARGING_ONLY)}, scenario=scenario)
        fleet = Fleet(vehicles=(BEV, PHEV), charging_only_share=TABLE3_CHARGING_ONLY[scenario])
        demand_kw = read_profile("paper003_uk_summer_day.csv")["demand_mw"].to_numpy() * 1e3
        super().__init__(fleet, demand_kw, 1e6, dict(scenario=scenario))


class EvResSupport(EvScheduling):
    """Case B of paper 003: flexible BEVs supporting wind and PV in a micro-grid, eq. (16) / (20).

    Instance parameters: ``loss`` (transmission-loss share of the renewable
    output, eq. 20; 0 for eq. 16, 0.07 the paper's practical value),
    ``vehicles`` (flexible BEVs, 7 kW, 25.2 kWh).
    """

    objective_names = ("sum of squared net demand (MW^2)",)
    success_atol = 1e-3
    """MW^2: with net demand up to 1 MW, 1e-3 MW^2 is 0.5 kW more in one half-hour (a 7 kW charger for 4 minutes)."""

    def __init__(self, loss: float = 0.0, vehicles: int = 300):
        check_instance(self, {"loss": real(0, below=1), "vehicles": integer(1)}, loss=loss, vehicles=vehicles)
        fleet = Fleet(vehicles=(VehicleType("BEV", float(vehicles), BEV.t1_h, BEV.t2_h),), charging_only_share=0.0)
        day = read_profile("paper003_microgrid_day.csv")
        base_kw = day["load_kw"].to_numpy() - (1.0 - loss) * (day["wind_kw"] + day["pv_kw"]).to_numpy()
        super().__init__(fleet, base_kw, 1e3, dict(loss=loss, vehicles=vehicles))
