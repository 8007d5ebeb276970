"""EV charging-load hosting capacity of a bus of IEEE 33 over a day (paper 000, eq. 1-16).

Source: "Coordinated optimization model for the EV charging-load acceptance
capacity of a distribution network" (IEEE 33-bus, ESS / SVG / PV, branch flow
model with second-order cone relaxation, 24 h, eight scenarios, Tables 1-3).

The largest EV charging station ``S_EV`` (kW) that bus ``k`` can take, with
the station drawing ``S_EV * p_EV(t)`` in hour t, while storage, SVGs and PV
support the feeder::

    minimise  w1 * sum_t loss_t(kW) * 1 h  -  w2 * S_EV(kW)        (eq. 8, w1 = 0.1, w2 = 0.9)

subject to the branch-flow equations (eq. 9-12), the injections (eq. 13-15),
the storage and SVG models (eq. 1-7) and 0.95 <= |V| <= 1.05 p.u. at every
bus but the substation (eq. 16). Both terms of the objective are in kW (the
loss summed over the 24 hours), so the objective value is in kW.

Data and readings (the paper is silent or ambiguous here):

* Network: IEEE 33 (Baran-Wu), 12.66 kV, 10 MVA base, substation voltage
  ``v_source`` = 1.0 p.u. (the paper does not give it); residential loads are
  ``load_fraction`` = 80 % of the rated loads (the paper's "80% of the
  values" of its source) times the hourly residential profile (active and
  reactive alike). These two set the voltage headroom at the far end of the
  feeder in the binding hour, the reading that moves the paper's growth rates
  most (``results/seed000/sensitivity.md``), so both are instance keys.
* Profiles: ``optibench/data/profiles/paper000_day.csv`` (24 hourly values,
  fractions of the peak; how they were built is in
  ``optibench/data/profiles/README.md``); the paper's curves exist only as
  figures. ``profiles=PATH`` replaces them with a CSV of the same columns.
* EV load: ``S_EV * p_EV(t)`` at unity power factor (eq. 13-14 carry no EV
  reactive term); ``p_EV`` peaks at 1, so ``S_EV`` is the station's peak draw.
  Type 1 (commercial) charges through the day, type 2 (residential) at night.
* Storage (Table 1 "ESS capacity" E and "rated power" S) at buses 18, 22,
  25, 33: ``ess_limit="square"`` (default) replaces the operating circle of
  radius S by its inscribed square, so ``P_max = Q_max = S / sqrt(2)``.
  This is the paper's own statement: the boundary "constrained by its rated
  capacity" is a circle, approximated by "an inscribed quadrilateral" with
  sides parallel to the axes (Figure 1), which "reduce[s] the rated output
  power of the ESS". ``ess_limit="rated"`` reads Table 1's rated power as
  ``P_max = Q_max = S`` instead (it moves Table 2's growth rates by 1-5
  points, see the sensitivity table). Reactive output ``0 <= Q <= Q_max``
  (eq. 4); efficiencies 0.95 both ways; SOC starts at 0.5 and ends the day at least there; SOC in [0, 1] (eq. 6).
* SVG #1 at bus 18 and #2 at bus 33 with the ratings of Table 1 (eq. 7).
* PV #1, #2, #3 at buses 18, 25, 33: Table 1's "MWh" read as the rated power
  (MW) scaling the PV profile; no curtailment (eq. 13 takes PV output as given).
* "Transmission power limit" of Table 1 (4 MW, scenarios 1-4; 6 MW, 5-8) read
  as a limit on the active power |P| entering every branch (the unit is MW).
* Table 1 lists scenario 7 with the expanded SVGs of scenario 6 as well as
  the expanded storage; the text says scenarios 5-8 repeat 1-4 with the
  higher line limit, so with ``scenario_source="text"`` (default) scenario 7
  is scenario 3 with 6 MW (SVGs 400 / 600 kvar), and with
  ``scenario_source="table1"`` Table 1's row as printed (SVGs 600 / 800
  kvar). ``SCENARIOS`` and ``TABLE1_SCENARIOS`` hold the values; the two
  differ only in scenario 7.
* ESS charge / discharge binaries (eq. 1-3): the cone program relaxes them
  (``binary=False``) and reports any simultaneous charge and discharge; with
  ``binary=True`` the mixed-integer cone program needs SCIP (extra ``scip``).

The metaheuristic instance (registry name ``hosting-capacity``) has the same
physics evaluated exactly by the AC power flow: its variables are ``S_EV``
and the hourly set-points of every storage unit (net active output, reactive
output) and SVG; the 24 hours of a whole population are one batch of the
sweep. Storage output ``p >= 0`` is discharge ``p / eta_dis``, ``p < 0`` is
charge ``-p``, so a point never charges and discharges at once. Constraints
(``G <= 0`` feasible): the number of hours whose power flow collapsed (their
loss counts as ``DIVERGED_LOSS_KW``, as in :mod:`optibench.problems.feeder`);
per hour, lower and upper voltage limits (p.u.) and the largest branch flow
over the line limit (fraction of the limit); per storage unit, the state of
charge below 0 and above 1 and the final SOC short of the initial one
(fractions of E).

Exact baseline (``optibench exact hosting-capacity``, :meth:`HostingCapacity.exact`):
the cone program with its AC re-check. Known optimum (``optibench certify``,
stored, :meth:`HostingCapacity.certify`): the cone program's optimum,
``proven`` when the relaxation is exact there (zero relaxation gap, no
simultaneous charge and discharge) and the AC evaluation matches, else a
``bound``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from optibench.checks import check_values, choice, integer, real, text
from optibench.known_optima import cone_fields, lookup
from optibench.network import Network, load_network
from optibench.powerflow import solve_batch
from optibench.problem import Evaluation, Problem
from optibench.variables import Real, VariableSpace

from .feeder import DIVERGED_LOSS_KW

if TYPE_CHECKING:
    import cvxpy as cp
    import pandas as pd

    from optibench.exact import BranchFlowModel, ScaledLoad, Solution

PROFILES_FILE = Path(str(files("optibench.data").joinpath("profiles", "paper000_day.csv")))
PROFILE_COLUMNS = ("residential_load_pu", "ev_type1_pu", "ev_type2_pu", "pv_pu")
NETWORK = "ieee33"
LOAD_FRACTION = 0.8
"""Default share of the rated residential loads (the paper's 80 %)."""
V_SOURCE_PU = 1.0
"""Default substation voltage (p.u.)."""
ESS_LIMITS = ("square", "rated")
"""Readings of the storage power limit: ``P_max = Q_max = S / sqrt(2)`` (Figure 1's square) or ``= S``."""
SCENARIO_SOURCES = ("text", "table1")
"""Which source defines scenario 7: the text (scenario 3 with 6 MW) or Table 1 as printed."""
V_MIN_PU, V_MAX_PU = 0.95, 1.05
W_LOSS, W_CAPACITY = 0.1, 0.9
ESS_BUSES = (18, 22, 25, 33)
SVG_BUSES = (18, 33)
PV_BUSES = (18, 25, 33)
ETA_CHARGE = ETA_DISCHARGE = 0.95
SOC_INITIAL = 0.5
DT_H = 1.0
SIMULTANEOUS_TOL_KW = 1e-2
"""Charge and discharge both above this (kW) in one hour count as simultaneous."""
EXACT_GAP_TOL = 1e-6
"""Relaxation gap (p.u.^2) below which the cone solution is taken as AC-exact."""


@dataclass(frozen=True)
class Scenario:
    """One row of the paper's Table 1 (kvar, kWh, kW)."""

    svg_kvar: tuple[float, float]
    ess_kwh: float
    ess_rated_kva: float
    pv_kw: tuple[float, float, float]
    line_limit_kw: float


SCENARIOS = {
    1: Scenario((400.0, 600.0), 400.0, 200.0, (400.0, 400.0, 800.0), 4000.0),
    2: Scenario((600.0, 800.0), 400.0, 200.0, (400.0, 400.0, 800.0), 4000.0),
    3: Scenario((400.0, 600.0), 600.0, 300.0, (400.0, 400.0, 800.0), 4000.0),
    4: Scenario((400.0, 600.0), 400.0, 200.0, (800.0, 800.0, 1600.0), 4000.0),
    5: Scenario((400.0, 600.0), 400.0, 200.0, (400.0, 400.0, 800.0), 6000.0),
    6: Scenario((600.0, 800.0), 400.0, 200.0, (400.0, 400.0, 800.0), 6000.0),
    7: Scenario((400.0, 600.0), 600.0, 300.0, (400.0, 400.0, 800.0), 6000.0),
    8: Scenario((400.0, 600.0), 400.0, 200.0, (800.0, 800.0, 1600.0), 6000.0),
}
"""Table 1 read with the text: scenarios 5-8 repeat 1-4 with the 6 MW line limit."""
TABLE1_SCENARIOS = {**SCENARIOS, 7: Scenario((600.0, 800.0), 600.0, 300.0, (400.0, 400.0, 800.0), 6000.0)}
"""Table 1 as printed: scenario 7 has the expanded SVGs of scenario 6 as well."""
INSTANCE_RULES = {
    "scenario": choice(*SCENARIOS),
    "ev": choice(1, 2),
    "bus": integer(1),
    "profiles": text(optional=True),
    "load_fraction": real(above=0.0, high=2.0),
    "v_source": real(V_MIN_PU, V_MAX_PU),
    "ess_limit": choice(*ESS_LIMITS),
    "scenario_source": choice(*SCENARIO_SOURCES),
}
"""Rules of the instance parameters (:mod:`optibench.checks`); the substation voltage stays in eq. 16's band."""


def load_profiles(path: str | Path | None = None) -> pd.DataFrame:
    """The hourly profiles (fractions of the peak): ``hour`` and :data:`PROFILE_COLUMNS`, one row per hour."""
    import pandas as pd

    path = PROFILES_FILE if path is None else Path(path)
    table = pd.read_csv(path)
    missing = [c for c in ("hour", *PROFILE_COLUMNS) if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; found {list(table.columns)}")
    values = table[list(PROFILE_COLUMNS)].to_numpy()
    if len(table) == 0 or not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"{path}: profiles must be non-negative numbers, one row per hour")
    return table


class HostingCapacityCase:
    """One instance: scenario (1-8), EV type (1 or 2) and 1-based bus (2-33), with its data.

    The readings (module docstring): ``load_fraction`` (share of the rated
    residential loads, in (0, 2]), ``v_source`` (substation voltage, p.u., in
    [0.95, 1.05]), ``ess_limit`` (:data:`ESS_LIMITS`) and ``scenario_source``
    (:data:`SCENARIO_SOURCES`).

    Attributes:
        network: IEEE 33 with the substation at ``v_source``.
        scenario: the :class:`Scenario`.
        instance: the instance parameters, defaults included (``profiles`` only when given).
        periods: hours T.
        load_kw, load_kvar: residential load per hour and bus (kW, kvar), shape (T, n_bus).
        ev_profile: EV load per kW of station size, shape (T,).
        pv_profile: PV output per kW of rating, shape (T,).
    """

    def __init__(
        self,
        scenario: int = 1,
        ev: int = 1,
        bus: int = 18,
        profiles: str | None = None,
        load_fraction: float = LOAD_FRACTION,
        v_source: float = V_SOURCE_PU,
        ess_limit: str = "square",
        scenario_source: str = "text",
    ):
        values = check_values(
            "problem 'hosting-capacity'",
            INSTANCE_RULES,
            dict(
                scenario=scenario,
                ev=ev,
                bus=bus,
                profiles=profiles,
                load_fraction=load_fraction,
                v_source=v_source,
                ess_limit=ess_limit,
                scenario_source=scenario_source,
            ),
        )
        network = load_network(NETWORK)
        if bus == network.bus_ids[network.slack] or bus not in network.bus_ids:
            raise ValueError(f"hosting-capacity: bus must be a non-substation bus of {NETWORK} (2-33), got {bus!r}")
        self.network: Network = replace(network, slack_voltage_pu=values["v_source"])
        self.instance = {k: v for k, v in values.items() if k != "profiles" or v is not None}
        self.scenario_id, self.ev, self.bus = values["scenario"], values["ev"], values["bus"]
        self.load_fraction, self.ess_limit = values["load_fraction"], values["ess_limit"]
        sources = {"text": SCENARIOS, "table1": TABLE1_SCENARIOS}
        self.scenario = sources[values["scenario_source"]][self.scenario_id]
        table = load_profiles(profiles)
        self.periods = len(table)
        residential = self.load_fraction * table["residential_load_pu"].to_numpy()[:, None]
        self.load_kw = residential * self.network.p_kw
        self.load_kvar = residential * self.network.q_kvar
        self.ev_profile = table[f"ev_type{self.ev}_pu"].to_numpy()
        self.pv_profile = table["pv_pu"].to_numpy()

    @property
    def ess_p_max_kw(self) -> float:
        """Storage active (and reactive) limit (kW): half-side of the square inscribed in the rated circle, or the rating."""
        rated = self.scenario.ess_rated_kva
        return rated / math.sqrt(2.0) if self.ess_limit == "square" else rated

    def model(
        self, relaxation: str = "socp", binary: bool = False, fixed_kw: float | None = None
    ) -> tuple[BranchFlowModel, ScaledLoad, cp.Expression]:
        """The branch-flow model with every device; returns ``(model, ev_station, objective)``.

        ``fixed_kw`` fixes the station size instead of maximising it. The
        linear model (LinDistFlow) has no losses, so its objective is ``-w2 S_EV``.
        """
        import cvxpy as cp

        from optibench.exact import BranchFlowModel, PhotovoltaicUnit, ScaledLoad, StaticVarGenerator, Storage

        sc = self.scenario
        model = BranchFlowModel(
            self.network,
            self.periods,
            load_kw=self.load_kw,
            load_kvar=self.load_kvar,
            relaxation=relaxation,
            v_min_pu=V_MIN_PU,
            v_max_pu=V_MAX_PU,
            branch_limit_kva=sc.line_limit_kw,
            branch_limit="active",
            dt_h=DT_H,
        )
        for k, bus in enumerate(ESS_BUSES, start=1):
            model.add(
                Storage(
                    f"ess{k}",
                    bus,
                    sc.ess_kwh,
                    self.ess_p_max_kw,
                    q_max_kvar=self.ess_p_max_kw,
                    eta_charge=ETA_CHARGE,
                    eta_discharge=ETA_DISCHARGE,
                    soc_initial=SOC_INITIAL,
                    binary=binary,
                )
            )
        for k, (bus, rating) in enumerate(zip(SVG_BUSES, sc.svg_kvar), start=1):
            model.add(StaticVarGenerator(f"svg{k}", bus, rating))
        for k, (bus, rating) in enumerate(zip(PV_BUSES, sc.pv_kw), start=1):
            model.add(PhotovoltaicUnit(f"pv{k}", bus, rating, self.pv_profile))
        station = model.add(ScaledLoad("ev", self.bus, self.ev_profile, fixed_kw=fixed_kw))
        objective = -W_CAPACITY * station.size * model.s_base_kva
        if relaxation == "socp":
            objective = objective + W_LOSS * DT_H * cp.sum(model.loss_kw)
        return model, station, objective

    def solve(
        self, relaxation: str = "socp", binary: bool = False, fixed_kw: float | None = None, **solver_options: Any
    ) -> HostingCapacityResult:
        """Solve the cone program (or LinDistFlow) of this instance and re-check it by AC power flow."""
        model, station, objective = self.model(relaxation, binary, fixed_kw)
        solution = model.solve(objective, **solver_options)
        return HostingCapacityResult(self, solution, station.size_kw if solution.solved else math.nan)


@dataclass(frozen=True, eq=False)
class HostingCapacityResult:
    """A solved instance: the capacity (kW), the full :class:`~optibench.exact.model.Solution`."""

    case: HostingCapacityCase
    solution: Solution
    capacity_kw: float

    @property
    def simultaneous_kw(self) -> float:
        """Largest power (kW) a storage unit charges and discharges in the same hour (relaxed binaries)."""
        if not self.solution.solved:
            return math.nan
        devices = self.solution.devices
        return max(float(np.max(report["simultaneous_kw"])) for name, report in devices.items() if name.startswith("ess"))

    @property
    def exact(self) -> bool:
        """The cone solution is AC-exact: tiny relaxation gap and no simultaneous charge and discharge."""
        check = self.solution.recheck
        return (
            check is not None
            and check.relaxation_gap is not None
            and check.relaxation_gap < EXACT_GAP_TOL
            and self.simultaneous_kw < SIMULTANEOUS_TOL_KW
        )

    def summary(self) -> dict:
        """JSON-ready: instance, capacity, status, solve time, simultaneous charge/discharge and the AC re-check."""
        case = self.case
        return {
            "problem": "hosting-capacity",
            "instance": dict(case.instance),
            "capacity_kw": None if math.isnan(self.capacity_kw) else self.capacity_kw,
            "simultaneous_charge_discharge_kw": None if math.isnan(self.simultaneous_kw) else self.simultaneous_kw,
            **self.solution.summary(),
        }


class HostingCapacity(Problem):
    """Paper 000's hosting capacity for metaheuristics; see the module docstring.

    Instance parameters: ``scenario`` (1-8), ``ev`` (1 or 2), ``bus`` (2-33),
    ``profiles`` (a CSV path, default the shipped profiles), and the readings
    of :class:`HostingCapacityCase`: ``load_fraction`` (0.8), ``v_source``
    (1.0 p.u.), ``ess_limit`` (``"square"``), ``scenario_source`` (``"text"``).

    Variables (kW, kvar): ``s_ev_kw`` in [0, line limit]; for storage unit j
    and hour t, ``ess{j}_p_kw_{t}`` in [-P_max, eta_dis P_max] and
    ``ess{j}_q_kvar_{t}`` in [0, Q_max]; for SVG k, ``svg{k}_q_kvar_{t}`` in
    [-rating, rating]. Objective in kW, as the cone program's.
    """

    n_obj = 1
    objective_names = ("w1 loss_kwh - w2 s_ev_kw (kW)",)
    objective_name, objective_unit = "w1 loss_kwh - w2 s_ev_kw", "kW"
    success_atol = 1e-3
    """kW, as the feeder problems' (:class:`~optibench.problems.feeder.FeederProblem`): 1 W of the
    objective; the AC evaluation of the cone optimum matches its value to about 1e-6 kW."""

    def __init__(
        self,
        scenario: int = 1,
        ev: int = 1,
        bus: int = 18,
        profiles: str | None = None,
        load_fraction: float = LOAD_FRACTION,
        v_source: float = V_SOURCE_PU,
        ess_limit: str = "square",
        scenario_source: str = "text",
    ):
        case = HostingCapacityCase(scenario, ev, bus, profiles, load_fraction, v_source, ess_limit, scenario_source)
        self.case = case
        T, p_max = case.periods, case.ess_p_max_kw
        variables = [Real("s_ev_kw", 0.0, case.scenario.line_limit_kw)]
        for j in range(1, len(ESS_BUSES) + 1):
            variables += [Real(f"ess{j}_p_kw_{t}", -p_max, ETA_DISCHARGE * p_max) for t in range(T)]
        for j in range(1, len(ESS_BUSES) + 1):
            variables += [Real(f"ess{j}_q_kvar_{t}", 0.0, p_max) for t in range(T)]
        for k, rating in enumerate(case.scenario.svg_kvar, start=1):
            variables += [Real(f"svg{k}_q_kvar_{t}", -rating, rating) for t in range(T)]
        super().__init__(VariableSpace(variables), **case.instance)
        self.known_optimum = lookup(self.name, self.instance)
        self.constraint_names = self._constraint_names(T)
        self.n_con = len(self.constraint_names)
        net = case.network
        self._ess_index = np.array([net.index_of(b) for b in ESS_BUSES])
        self._svg_index = np.array([net.index_of(b) for b in SVG_BUSES])
        pv = np.zeros((T, net.n_bus))
        for bus_pv, rating in zip(PV_BUSES, case.scenario.pv_kw):
            pv[:, net.index_of(bus_pv)] += rating * case.pv_profile
        self._fixed_kw = case.load_kw - pv
        self._ev_kw = np.zeros((T, net.n_bus))
        self._ev_kw[:, net.index_of(case.bus)] = case.ev_profile

    @staticmethod
    def _constraint_names(T: int) -> tuple[str, ...]:
        names = ["power_flow_diverged (hours)"]
        names += [f"vmin >= {V_MIN_PU} p.u. at hour {t} (p.u. below)" for t in range(T)]
        names += [f"vmax <= {V_MAX_PU} p.u. at hour {t} (p.u. above)" for t in range(T)]
        names += [f"|P| <= line limit at hour {t} (fraction above)" for t in range(T)]
        for j in range(1, len(ESS_BUSES) + 1):
            names += [
                f"ess{j} soc >= 0 (fraction of E below)",
                f"ess{j} soc <= 1 (fraction of E above)",
                f"ess{j} final soc >= {SOC_INITIAL} (fraction of E short)",
            ]
        return tuple(names)

    def split(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Decoded variables (pop, n_var) -> S_EV (pop,), storage p and q (pop, n_ess, T), SVG q (pop, n_svg, T)."""
        pop, T, n_ess = len(Z), self.case.periods, len(ESS_BUSES)
        ess_p = Z[:, 1 : 1 + n_ess * T].reshape(pop, n_ess, T)
        ess_q = Z[:, 1 + n_ess * T : 1 + 2 * n_ess * T].reshape(pop, n_ess, T)
        svg_q = Z[:, 1 + 2 * n_ess * T :].reshape(pop, len(SVG_BUSES), T)
        return Z[:, 0], ess_p, ess_q, svg_q

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        case, net = self.case, self.case.network
        s_ev, ess_p, ess_q, svg_q = self.split(Z)
        pop, T = len(Z), case.periods
        p = self._fixed_kw[None] + s_ev[:, None, None] * self._ev_kw[None]
        q = np.broadcast_to(case.load_kvar, (pop, T, net.n_bus)).copy()
        p[:, :, self._ess_index] -= ess_p.transpose(0, 2, 1)
        q[:, :, self._ess_index] -= ess_q.transpose(0, 2, 1)
        q[:, :, self._svg_index] -= svg_q.transpose(0, 2, 1)
        res = solve_batch(net, p.reshape(pop * T, -1), q.reshape(pop * T, -1))
        ok = res.converged.reshape(pop, T)
        loss = np.where(ok, res.loss_kw.reshape(pop, T), DIVERGED_LOSS_KW)
        vmin = np.where(ok, res.vmin_pu.reshape(pop, T), V_MIN_PU)
        vmax = np.where(ok, res.vmax_pu.reshape(pop, T), V_MAX_PU)
        flow = np.where(ok, np.abs(res.branch_flow_kva.real).max(axis=1).reshape(pop, T), 0.0)
        soc = self.state_of_charge(ess_p)
        G = np.concatenate(
            [
                (~ok).sum(axis=1, keepdims=True).astype(np.float64),
                V_MIN_PU - vmin,
                vmax - V_MAX_PU,
                flow / case.scenario.line_limit_kw - 1.0,
                -soc.min(axis=2),
                soc.max(axis=2) - 1.0,
                SOC_INITIAL - soc[:, :, -1],
            ],
            axis=1,
        )
        loss_kwh = loss.sum(axis=1) * DT_H
        F = W_LOSS * loss_kwh - W_CAPACITY * s_ev
        extras = {"loss_kwh": loss_kwh, "vmin_pu": vmin.min(axis=1), "vmax_pu": vmax.max(axis=1)}
        return Evaluation(F=F[:, None], G=G, extras=extras)

    def state_of_charge(self, ess_p: np.ndarray) -> np.ndarray:
        """SOC (fraction of E) at the start of every hour and the end of the day, shape (pop, n_ess, T + 1).

        ``ess_p`` (pop, n_ess, T) is the net output (kW): discharge ``p / eta_dis`` when positive, charge ``-p`` otherwise.
        """
        stored = np.where(ess_p >= 0.0, -ess_p / ETA_DISCHARGE, -ess_p * ETA_CHARGE) * DT_H
        soc = SOC_INITIAL + np.cumsum(stored, axis=2) / self.case.scenario.ess_kwh
        return np.concatenate([np.full(ess_p.shape[:2] + (1,), SOC_INITIAL), soc], axis=2)

    def encode_solution(self, result: HostingCapacityResult) -> np.ndarray:
        """The variables (n_var,) of a cone-program solution."""
        devices = result.solution.devices
        parts: list[ArrayLike] = [[result.capacity_kw]]
        parts += [devices[f"ess{j}"]["p_kw"] for j in range(1, len(ESS_BUSES) + 1)]
        parts += [devices[f"ess{j}"]["q_kvar"] for j in range(1, len(ESS_BUSES) + 1)]
        parts += [devices[f"svg{k}"]["q_kvar"] for k in range(1, len(SVG_BUSES) + 1)]
        return np.concatenate(parts)

    def exact(self, relaxation: str = "socp", binary: bool = False) -> dict:
        """Solve the cone program (or LinDistFlow) of this instance: :meth:`HostingCapacityResult.summary`."""
        return self.case.solve(relaxation, binary).summary()

    def certify(self) -> tuple[dict[str, Any], int]:
        """The cone program's optimum: proven when the relaxation is exact there and the AC evaluation matches.

        Returns (KnownOptimum fields as a dict, power flows of the AC re-check).
        """
        result = self.case.solve()
        note = (
            (f"simultaneous storage charge and discharge {result.simultaneous_kw:.1e} kW (none below {SIMULTANEOUS_TOL_KW:g})")
            if result.solution.solved
            else ""
        )
        fields = cone_fields(
            self, result.solution, lambda: self.encode_solution(result), closed=result.exact, gap_tol=EXACT_GAP_TOL, note=note
        )
        return fields, self.case.periods
