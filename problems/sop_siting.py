"""SOP siting and charging-station carrying capacity (paper 001, eq. 1-24), linearised DistFlow MILP.

Source: paper 001 (``shared/seeds``): raise the carrying capacity ``c(i)``
(kW, constant over the horizon) of existing EV charging stations by
installing soft open points between feeders and by shifting data-centre
load in time and between centres, traded against cost.

Model, over the typical days of ``profiles/paper001_days.csv`` (24 h each,
periods weighted by ``probability * 365`` days a year):

* SOPs (eq. 1-3) at the candidate tie lines of the system: install binary X
  and capacity ``0 <= S <= sop_max_kva X`` bounding P, Q at both ends
  (:class:`~optibench.exact.sop.SoftOpenPoint`, lossless, the polygon of LinDistFlow).
* Data centres (eq. 4-6, :class:`~optibench.exact.datacentre.DataCentres`):
  base share ``delta``, ramp ``beta`` (fraction of the base peak per hour),
  energy kept within windows of ``window`` hours.
* PV and wind (curtailable) with total rating ``penetration`` times the
  system's peak load (PV 60 %, wind 40 %, split by the shares in the
  system's ``flexibility.json``).
* LinDistFlow (eq. 7-15): voltages 0.95-1.05 p.u., branch flows within 0.8 of
  the line rating (inscribed polygon), no reverse power through the
  substation (eq. 10-11).
* Costs per year (eq. 16-19): SOP investment ``c_fix X + c_kva S`` and
  operation ``c_op |P_sop|`` (both times ``sop_cost_factor``), line upgrade ``c_line c(i)``
  and energy purchase ``price_t P_substation``.
* Objectives: eq. 21 ``min lambda1 cost - lambda2 sum c(i)``; eq. 23-24 (cost,
  -capacity) by the epsilon-constraint method, :func:`pareto_front`.

The registered problem ``sop-siting``
(:mod:`optibench.problems.sop_siting_search`) opens this model to the
metaheuristics: they choose the plan, an LP dispatches it.

Every plan is re-checked by the AC power flow (voltages, flows, real loss)
through :class:`~optibench.exact.model.Solution`. The cost data are
assumptions (the paper gives no values); they are the constants below.
"""
from __future__ import annotations

import json
import math
from importlib.resources import files
from pathlib import Path

import cvxpy as cp
import numpy as np
import pandas as pd

from optibench.exact import BranchFlowModel, PhotovoltaicUnit, ScaledLoad, SoftOpenPoint
from optibench.exact.datacentre import DataCentres
from optibench.network import NETWORKS_DIR, load_network

SYSTEMS = {"dual": "ieee33x2", "quad": "ieee33x4"}
DAYS_FILE = Path(str(files("optibench.data").joinpath("profiles", "paper001_days.csv")))
PENETRATIONS = (0.3543, 0.412, 0.524)
"""Renewable penetration levels of the paper's case studies (rated renewable power / peak load)."""
PV_SHARE = 0.6
V_MIN_PU, V_MAX_PU = 0.95, 1.05
LINE_LOADING = 0.8
DAYS_PER_YEAR = 365.0
SOP_FIXED_COST = 20000.0
"""Annualised fixed cost of installing one SOP (currency / year)."""
SOP_KVA_COST = 30.0
"""Annualised SOP converter cost (currency / kVA / year)."""
SOP_OPERATION_COST = 0.005
"""SOP operating cost (currency / kWh passed through)."""
LINE_UPGRADE_COST = 20.0
"""Line upgrade cost of a station (currency / kW of carrying capacity / year), eq. 19."""
MIP_GAP = 1e-3
"""Relative MIP gap at which HiGHS stops."""
LAMBDA_COST, LAMBDA_CAPACITY = 1.0, 2000.0
"""Weights of eq. 21 (capacity valued at 2000 currency / kW / year, above the energy it draws)."""


class SitingCase:
    """One instance: system, penetration and flexibility parameters, with its data."""

    def __init__(self, system: str = "dual", penetration: float = PENETRATIONS[0], delta: float = 0.5,
                 beta: float = 0.2, window: int = 6, sop_cost_factor: float = 1.0, sop_max_kva: float = 2000.0,
                 sops: bool = True):
        if system not in SYSTEMS:
            raise ValueError(f"sop-siting: system must be one of {sorted(SYSTEMS)}, got {system!r}")
        self.system, self.penetration = system, float(penetration)
        self.delta, self.beta, self.window = float(delta), float(beta), int(window)
        self.sop_cost_factor, self.sop_max_kva, self.sops = float(sop_cost_factor), float(sop_max_kva), bool(sops)
        self.network = load_network(SYSTEMS[system])
        self.flexibility = json.loads((NETWORKS_DIR / SYSTEMS[system] / "flexibility.json").read_text())
        days = pd.read_csv(DAYS_FILE)
        self.days = days
        self.periods = len(days)
        self.weight = days["probability"].to_numpy() * DAYS_PER_YEAR
        """Hours a year each period stands for, shape (T,)."""
        self.load_kw = days["load_pu"].to_numpy()[:, None] * self.network.p_kw
        self.load_kvar = days["load_pu"].to_numpy()[:, None] * self.network.q_kvar
        self.peak_load_kw = float(self.load_kw.sum(axis=1).max())

    def renewables(self) -> list[tuple[str, int, float, np.ndarray]]:
        """(name, bus, rating kW, profile (T,)) of every PV and wind unit at this penetration."""
        units = []
        for kind, share, column in (("pv", PV_SHARE, "pv_pu"), ("wind", 1 - PV_SHARE, "wind_pu")):
            rows = self.flexibility[kind]
            total = sum(row["share"] for row in rows)
            for k, row in enumerate(rows, start=1):
                rating = self.penetration * self.peak_load_kw * share * row["share"] / total
                units.append((f"{kind}{k}", row["bus"], rating, self.days[column].to_numpy()))
        return units

    def model(self, fixed_capacity_kw=None, sop_installable: bool = True):
        """The MILP's model and its pieces: ``(model, stations, sops, renewables, centres)``.

        ``fixed_capacity_kw`` (one value per station) fixes the carrying
        capacities. Without ``sop_installable`` the SOPs carry no install
        binary or capacity variable (rating ``sop_max_kva``): the model is an LP.
        """
        net, T = self.network, self.periods
        model = BranchFlowModel(
            net, T, load_kw=self.load_kw, load_kvar=self.load_kvar, relaxation="linear",
            v_min_pu=V_MIN_PU, v_max_pu=V_MAX_PU, branch_limit_kva=LINE_LOADING * self.flexibility["line_rating_kva"],
        )
        flat = np.ones(T)
        stations = [
            model.add(ScaledLoad(f"station{bus}", bus, flat, fixed_kw=None if fixed_capacity_kw is None else fixed_capacity_kw[k]))
            for k, bus in enumerate(self.flexibility["stations"])
        ]
        sops = []
        if self.sops:
            sops = [
                model.add(SoftOpenPoint(f"sop{int(a)}-{int(b)}", int(a), int(b), self.sop_max_kva, installable=sop_installable))
                for a, b in net.ties[:, :2]
            ]
        units = [model.add(PhotovoltaicUnit(name, bus, rating, profile, curtailable=True)) for name, bus, rating, profile in self.renewables()]
        centres = self.flexibility["data_centres"]
        base = np.array([c["p_kw"] * self.days["data_centre_pu"].to_numpy() for c in centres])
        dc = model.add(DataCentres("datacentres", [c["bus"] for c in centres], base, self.delta, self.beta, self.window))
        head = np.flatnonzero(model.upstream == net.slack)
        model.constraints.append(model.P[head] >= 0)  # eq. 10-11: no reverse power through the substation
        return model, stations, sops, units, dc

    def investment_costs(self, sops_built, sop_kva, station_kw) -> dict:
        """Yearly SOP investment and line upgrade (currency), eq. 16 and 19.

        ``sops_built`` SOPs of ``sop_kva`` kVA in all and ``station_kw`` kW of
        carrying capacity in all; numbers or cvxpy expressions.
        """
        return {
            "sop_investment": self.sop_cost_factor * (SOP_FIXED_COST * sops_built + SOP_KVA_COST * sop_kva),
            "line_upgrade": LINE_UPGRADE_COST * station_kw,
        }

    def operating_costs(self, model, sops) -> dict[str, cp.Expression]:
        """Yearly SOP operation and energy purchase (currency), eq. 17-18, as cvxpy expressions."""
        base = model.s_base_kva
        head = np.flatnonzero(model.upstream == self.network.slack)
        price = self.days["price_per_kwh"].to_numpy()
        return {
            "sop_operation": self.sop_cost_factor * SOP_OPERATION_COST * base * sum((self.weight @ s.transfer for s in sops), cp.Constant(0.0)),
            "energy": base * cp.sum(cp.multiply(self.weight * price, cp.sum(model.P[head], axis=0))),
        }

    def costs(self, model, stations, sops) -> dict[str, cp.Expression]:
        """Yearly costs (currency) of eq. 16-19 as cvxpy expressions."""
        base, zero = model.s_base_kva, cp.Constant(0.0)
        investment = self.investment_costs(
            sum((s.installed for s in sops), zero), base * sum((s.capacity for s in sops), zero),
            base * sum((s.size for s in stations), zero),
        )
        return {**investment, **self.operating_costs(model, sops)}


def solve_plan(case: SitingCase, min_capacity_kw: float | None = None, fixed_capacity_kw=None, **solver_options) -> dict:
    """Solve one plan by HiGHS; returns its JSON-ready summary.

    Without ``min_capacity_kw``: eq. 21, ``min lambda1 cost - lambda2 sum c``.
    With it: the epsilon-constraint step, ``min cost`` subject to ``sum c >= min_capacity_kw``.
    """
    model, stations, sops, units, dc = case.model(fixed_capacity_kw)
    costs = case.costs(model, stations, sops)
    cost = sum(costs.values())
    capacity = model.s_base_kva * sum(s.size for s in stations)
    if min_capacity_kw is None:
        objective = LAMBDA_COST * cost - LAMBDA_CAPACITY * capacity
    else:
        model.constraints.append(capacity >= min_capacity_kw)
        objective = cost
    solution = model.solve(objective, **{"mip_rel_gap": MIP_GAP, **solver_options})
    out = {
        "problem": "sop-siting",
        "instance": {"system": case.system, "penetration": case.penetration, "delta": case.delta, "beta": case.beta,
                     "window": case.window, "sop_cost_factor": case.sop_cost_factor, "sops": case.sops},
        **solution.summary(),
    }
    if not solution.solved:
        return out
    devices = solution.devices
    available = sum(float(case.weight @ devices[u.name]["p_kw"]) + float(case.weight @ devices[u.name]["curtailed_kw"]) for u in units)
    used = sum(float(case.weight @ devices[u.name]["p_kw"]) for u in units)
    out.update({
        "capacity_kw": {s.name: float(devices[s.name]["size_kw"][0]) for s in stations},
        "total_capacity_kw": float(capacity.value),
        "cost": float(cost.value),
        "costs": {name: float(value.value) for name, value in costs.items()},
        "sops": [
            {"tie": s.name[3:], "capacity_kva": float(devices[s.name]["capacity_kva"][0]),
             "max_end_kva": float(max(devices[s.name]["s_i_kva"].max(), devices[s.name]["s_j_kva"].max())),
             "max_imbalance_kw": float(np.abs(devices[s.name]["p_i_kw"] + devices[s.name]["p_j_kw"]).max())}
            for s in sops if devices[s.name]["installed"][0] > 0.5
        ],
        "renewable_utilisation": used / available if available > 0 else math.nan,
    })
    return out


def solve_exact(system: str = "dual", penetration: float = PENETRATIONS[0], delta: float = 0.5, beta: float = 0.2,
                window: int = 6, sop_cost_factor: float = 1.0, sops: bool = True) -> dict:
    """Eq. 21 for one instance (the CLI's ``optibench exact sop-siting``)."""
    return solve_plan(SitingCase(system, penetration, delta, beta, window, sop_cost_factor, sops=sops))


def largest_capacity(case: SitingCase) -> float:
    """The largest total carrying capacity (kW) the network allows, cost ignored (unlimited budget)."""
    model, stations, _, _, _ = case.model()
    capacity = model.s_base_kva * sum(s.size for s in stations)
    return -model.solve(-capacity, recheck=False, mip_rel_gap=MIP_GAP).objective


def pareto_front(case: SitingCase, points: int = 20) -> list[dict]:
    """Epsilon-constraint front (eq. 23-24): least cost for ``points`` capacity levels from 0 to the largest."""
    levels = np.linspace(0.0, largest_capacity(case), points)
    return [solve_plan(case, min_capacity_kw=float(eps) * (1 - 1e-6)) for eps in levels]
