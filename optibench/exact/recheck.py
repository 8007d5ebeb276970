"""AC re-check of a branch-flow solution: its injections through the backward/forward sweep.

A convex model's voltages and losses are only as good as its relaxation or
linearisation. The re-check takes the net load the solution implies at every
bus and period, solves the T periods as one batch of exact AC power flows
(:func:`optibench.powerflow.solve_batch`) and reports the real loss, the
voltage and branch-limit violations, how far the model's voltages are from
the AC ones, and the relaxation gap of the cone (zero when the relaxation is
exact).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..powerflow import solve_batch


@dataclass(frozen=True, eq=False)
class ACRecheck:
    """The AC power flow at a model solution.

    Attributes:
        converged: every period's power flow converged.
        loss_kw: AC series loss per period (kW), shape (T,).
        loss_kwh: AC energy loss over the horizon (kWh).
        model_loss_kwh: the model's energy loss over the horizon (kWh; 0 for LinDistFlow).
        vmin_pu, vmax_pu: AC voltage extremes per period (p.u.), shape (T,).
        voltage_violation_pu: largest AC voltage outside the model's limits (p.u., 0 when none;
            infinite when a period's power flow has no solution).
        voltage_error_pu: largest |AC |V| - model |V]| over buses and periods (p.u.).
        branch_violation_kva: largest AC branch flow above the rating (kVA or
            kW, as the model's limit; 0 when none or no rating).
        relaxation_gap: max |l v_i - P^2 - Q^2| over branches and periods
            (p.u.^2); None for the linear model, which has no cone.
    """

    converged: bool
    loss_kw: np.ndarray
    loss_kwh: float
    model_loss_kwh: float
    vmin_pu: np.ndarray
    vmax_pu: np.ndarray
    voltage_violation_pu: float
    voltage_error_pu: float
    branch_violation_kva: float
    relaxation_gap: float | None

    def summary(self) -> dict:
        """JSON-ready figures (per-period arrays reduced to their extremes)."""
        return {
            "converged": self.converged,
            "loss_kwh": self.loss_kwh,
            "model_loss_kwh": self.model_loss_kwh,
            "vmin_pu": float(np.min(self.vmin_pu)),
            "vmax_pu": float(np.max(self.vmax_pu)),
            "voltage_violation_pu": self.voltage_violation_pu,
            "voltage_error_pu": self.voltage_error_pu,
            "branch_violation_kva": self.branch_violation_kva,
            "relaxation_gap": self.relaxation_gap,
        }


def ac_recheck(model, net_load_kw, net_load_kvar, v_sq, p_pu, q_pu, l_pu, model_loss_kw) -> ACRecheck:
    """Re-check a solution of ``model`` (a :class:`~optibench.exact.model.BranchFlowModel`).

    Args:
        net_load_kw, net_load_kvar: net load per period and bus (kW, kvar), shape (T, n_bus).
        v_sq: the model's squared voltages, shape (T, n_bus).
        p_pu, q_pu: the model's branch flows (p.u.), shape (T, n_bus - 1).
        l_pu: the model's squared currents (p.u.), shape (T, n_bus - 1), or None (linear model).
        model_loss_kw: the model's loss per period (kW), shape (T,).
    """
    res = solve_batch(model.network, net_load_kw, net_load_kvar)
    converged = bool(res.converged.all())
    violation = 0.0 if converged else np.inf
    if converged and model.v_min_pu is not None:
        violation = max(violation, float(np.max(model.v_min_pu - res.vmin_pu)))
    if converged and model.v_max_pu is not None:
        violation = max(violation, float(np.max(res.vmax_pu - model.v_max_pu)))
    branch_violation = 0.0
    if model.branch_limit_kva is not None:
        flow = res.branch_flow_kva
        magnitude = np.abs(flow.real) if model.branch_limit == "active" else np.abs(flow)
        branch_violation = max(0.0, float(np.max(magnitude - model.branch_limit_kva)))
    gap = None
    if l_pu is not None:
        gap = float(np.max(np.abs(l_pu * v_sq[:, model.upstream] - p_pu**2 - q_pu**2)))
    return ACRecheck(
        converged=converged,
        loss_kw=res.loss_kw,
        loss_kwh=float(res.loss_kw.sum() * model.dt_h),
        model_loss_kwh=float(np.sum(model_loss_kw) * model.dt_h),
        vmin_pu=res.vmin_pu,
        vmax_pu=res.vmax_pu,
        voltage_violation_pu=violation,
        voltage_error_pu=float(np.max(np.abs(res.vm_pu - np.sqrt(v_sq)))),
        branch_violation_kva=branch_violation,
        relaxation_gap=gap,
    )
