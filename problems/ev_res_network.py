"""Case B of paper 003 on a shipped feeder, with the network's losses (eq. 21) in place of eq. (20)'s 7 %.

``ev-res-network`` puts the micro-grid day of ``ev-res-support``
(``paper003_microgrid_day.csv``: load, wind, PV) on a shipped radial
network. The day's load is spread over the network's buses in proportion to
their nominal loads (period ``l`` scales every bus's P and Q by
``load_kw(l) / sum(p_kw)``); the wind and PV units and the flexible BEVs are
connected at one bus (``bus``; default 7, the paper's EV bus number) at
unity power factor. The substation supplies

    ``P_S(l) = P_L(l) + P_EV(l) - P_RES(l) + loss(l)``    (MW)

with ``loss(l) = sum_lines R I^2`` (eq. 21), the series loss of the AC power
flow of period ``l``. The objective is eq. (16)'s ``sum_l P_S(l)^2`` (MW^2).

Loss model
    With the period's loads fixed, the loss depends only on the net
    injection at ``bus``, i.e. on the lossless demand ``p = P_L + P_EV -
    P_RES``. Per period it is fitted as ``loss = a + b p + c p^2`` (the
    B-coefficient loss formula ``B00 + B0 P + B P^2`` with one varying
    injection) by least squares on :data:`FIT_POINTS` power flows spread over
    the whole range ``P_EV`` can take in that period; all periods and points
    are one :func:`~optibench.powerflow.solve_batch` call. Evaluations use
    the fitted model (no power flow per evaluation); :meth:`ac_net_demand`
    recomputes ``P_S`` with the AC power flow to check a schedule.

Exact optimum
    The objective is ``sum_l phi_l(p_l)`` with ``phi = P_S^2``, ``P_S = p + a +
    b p + c p^2`` and ``p`` affine in the decision variables. ``phi'' = 12 c^2
    p^2 + 12 c (1 + b) p + 2 (1 + b)^2 + 4 c a`` is checked non-negative over
    the whole range ``p`` can take in each period, so the objective is convex
    on the feasible set and a point whose Frank-Wolfe gap (an upper bound on
    ``f(z) - f*``) is zero is the global optimum. :meth:`certify` gets there by
    Gauss-Newton: linearise ``P_S`` at the last point, solve the QP over the feasible set,
    repeat until the gap is below :data:`GAP_TOL` of the objective.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optibench.checks import check_instance, choice, integer, text
from optibench.ev import BEV, Fleet, VehicleType
from optibench.network import load_network
from optibench.powerflow import solve_batch

from .ev_scheduling import FLEET_MODELS, EvScheduling, frank_wolfe_gap, read_profile

FIT_POINTS = 9
"""Power flows per period for the quadratic loss fit."""
MAX_ROUNDS = 50
"""Gauss-Newton QPs :meth:`EvResNetwork.certify` may take."""
GAP_TOL = 1e-8
"""Frank-Wolfe gap, relative to the objective, at which :meth:`EvResNetwork.certify` stops (the flexible model's
QPs, which stay 1e-9 inside the state-of-charge limits, level off near 2e-9)."""


class EvResNetwork(EvScheduling):
    """Flexible BEVs supporting wind and PV at one bus of a feeder, with the feeder's AC losses (eq. 16 + 21).

    Instance parameters: ``network`` (a shipped network), ``bus`` (1-based
    bus of the EVs, wind and PV), ``vehicles`` (flexible BEVs, 7 kW, 25.2 kWh),
    ``fleet`` (``"session"``, the default, or ``"flexible"``; see :mod:`optibench.problems.ev_scheduling`).
    """

    objective_names = ("sum of squared substation demand with network losses (MW^2)",)
    objective_name, objective_unit = "sum of squared substation demand with losses", "MW^2"
    success_atol = 1e-3
    """MW^2, as ``ev-res-support``'s: 0.5 kW more in one half-hour of a demand up to 1 MW."""

    def __init__(self, network: str = "ieee33", bus: int = 7, vehicles: int = 300, fleet: str = "session"):
        values = check_instance(
            self,
            {"network": text(), "bus": integer(1), "vehicles": integer(1), "fleet": choice(*FLEET_MODELS)},
            network=network,
            bus=bus,
            vehicles=vehicles,
            fleet=fleet,
        )
        net = load_network(values["network"])
        self.bus_index = net.index_of(values["bus"])
        if self.bus_index == net.slack:
            raise ValueError(f"bus {bus} is the slack bus of {network!r}")
        model = Fleet(vehicles=(VehicleType("BEV", float(values["vehicles"]), BEV.t1_h, BEV.t2_h),), charging_only_share=0.0)
        day = read_profile("paper003_microgrid_day.csv")
        self.load_kw = day["load_kw"].to_numpy(dtype=np.float64)
        self.res_kw = (day["wind_kw"] + day["pv_kw"]).to_numpy(dtype=np.float64)
        super().__init__(model, self.load_kw - self.res_kw, 1e3, values, model=values["fleet"])
        self.network = net
        scale = self.load_kw / net.p_kw.sum()
        self.bus_p_kw = scale[:, None] * net.p_kw  # (n_d, n_bus) loads without EVs and RES
        self.bus_q_kvar = scale[:, None] * net.q_kvar
        self.loss_coef, self.fit_residual_kw = self._fit_losses()

    def _fit_losses(self) -> tuple[np.ndarray, float]:
        """Quadratic loss per period: coefficients (n_d, 3) of ``a + b p + c p^2`` (p, loss in MW) and the largest
        fit residual (kW) over the fitting power flows."""
        low, high = self.demand_range()
        p = low[:, None] + (high - low)[:, None] * np.linspace(0.0, 1.0, FIT_POINTS)  # (n_d, FIT_POINTS) MW
        loss = self.ac_loss_mw(p)
        vander = p[..., None] ** np.arange(3)  # (n_d, FIT_POINTS, 3)
        coef = (np.linalg.pinv(vander) @ loss[..., None])[..., 0]
        a, b, c = coef.T
        vertex = np.clip(-(1.0 + b) / (2.0 * c), low, high)  # where the curvature below is least on [low, high]
        if np.any(c <= 0) or np.any(12 * c**2 * vertex**2 + 12 * c * (1 + b) * vertex + 2 * (1 + b) ** 2 + 4 * c * a < 0):
            raise ValueError(f"{self.name}: P_S^2 is not convex over a period's range; the certificate needs it")
        residual = np.abs((vander @ coef[..., None])[..., 0] - loss).max() * 1e3
        return coef, float(residual)

    def ac_loss_mw(self, p_mw: np.ndarray) -> np.ndarray:
        """AC series loss (MW) for lossless demands ``p_mw`` (n_d, k): one batch of n_d * k power flows."""
        n_d, k = p_mw.shape
        p_kw = np.repeat(self.bus_p_kw, k, axis=0)
        p_kw[:, self.bus_index] += (p_mw * 1e3 - self.load_kw[:, None]).ravel()
        flows = solve_batch(self.network, p_kw, np.repeat(self.bus_q_kvar, k, axis=0), store_voltages=False)
        if not flows.converged.all():
            raise ValueError(f"{self.name}: {np.count_nonzero(~flows.converged)} power flows did not converge")
        return flows.loss_kw.reshape(n_d, k) / 1e3

    def lossless_demand(self, W: np.ndarray) -> np.ndarray:
        """``p = P_L + P_EV - P_RES`` per period (pop, n_d), MW, for decision variables ``W`` (pop, n_var)."""
        return self.offset + self.decode_fleet(W) @ self.matrix.T

    def net_demand(self, W: np.ndarray) -> np.ndarray:
        """``P_S`` with the fitted loss (pop, n_d), MW."""
        p = self.lossless_demand(W)
        a, b, c = self.loss_coef.T
        return p + a + b * p + c * p**2

    def ac_net_demand(self, W: np.ndarray) -> np.ndarray:
        """``P_S`` with the AC power flow's loss (pop, n_d), MW: all periods of all rows as one batch."""
        p = self.lossless_demand(W)
        return p + self.ac_loss_mw(p.T).T

    def gradient(self, z: np.ndarray) -> np.ndarray:
        """Gradient of ``sum P_S^2`` at a feasible point ``z`` (n_var,)."""
        p = self.lossless_demand(z[None])[0]
        _, b, c = self.loss_coef.T
        ps = self.net_demand(z[None])[0]
        return 2.0 * self.matrix.T @ (ps * (1.0 + b + 2.0 * c * p))

    def certify(self) -> tuple[dict[str, Any], int]:
        """Optimum by Gauss-Newton: repeated QPs over the feasible set with ``P_S`` linearised at the last point,
        until the duality gap is below GAP_TOL of the objective (see the module docstring). Starts from the uniform
        schedule (session) or from idle cohorts (flexible). Returns (fields, power flows)."""
        z = np.full(self.n_var, 1.0 / self.n_var) if self.model == "session" else np.zeros(self.n_var)
        for _ in range(MAX_ROUNDS):
            p = self.lossless_demand(z[None])[0]
            slope = 1.0 + self.loss_coef[:, 1] + 2.0 * self.loss_coef[:, 2] * p  # dP_S/dp per period
            matrix = slope[:, None] * self.matrix
            z = self.least_squares(self.net_demand(z[None])[0] - matrix @ z, matrix)
            fields = self.certificate(z, f"Gauss-Newton QPs on {self.feasible_set} with the fitted loss model")
            if frank_wolfe_gap(self, z) <= GAP_TOL * fields["value"]:
                break
        else:
            raise ValueError(f"{self.name}: Gauss-Newton did not converge in {MAX_ROUNDS} QPs")
        ac_error_kw = np.abs(self.ac_net_demand(z[None])[0] - self.net_demand(z[None])[0]).max() * 1e3
        fields["method"] += f"; loss fit residual {self.fit_residual_kw:.2g} kW, AC check at the optimum {ac_error_kw:.2g} kW"
        return fields, self.fleet.n_d * (FIT_POINTS + 1)
