"""EV station siting and sizing by total cost: paper 003, section 5, eq. (22)-(29).

``ev-station-siting`` chooses, at each candidate bus of a shipped feeder
(the analogue of the paper's Belfast nodes D3-D5, picked by eq. 22-24), no
station or one of the five sizes of Table 5 (30, 50, 60, 80, 100 MVA),
scaled to the feeder by the ratio of its total load to the paper's 114.6 MW
city-centre peak. The fleet (11,000 BEVs and 3,200 PHEVs, section 7.3.1) is
scaled by the same ratio; its peak demand comes from :mod:`optibench.ev`:
flexible vehicles only, 7 kW, charging starts in the window 06:00-20:00
(section 7.3.2) drawn from a normal law around 08:30 with a 1 h standard
deviation (assumption: commuters arriving at city-centre car parks).

Costs (Table 4): investment (charger 21.29 + transformer 25.05 + other
equipment 18.98 GBP/kVA) and maintenance (7.31 + 6.39 + 5.47 + 3.20
GBP/kVA) per kVA installed, i.e. 87.69 GBP/kVA, which reproduces the
difference between the two rows of Table 6 exactly (20 MVA x 87.69 =
1,753,800 GBP); land at 58.66 GBP/m2 for 11.27 m2 per vehicle (the paper's
about 160,000 m2 for 14,200 vehicles), needed once whatever the stations;
operation per day: charged energy at 0.17 GBP/kWh and one attendant per
station at 18 GBP/h for 24 h.

Constraints, at the hour of the fleet's peak demand, each station carrying a
share of the demand proportional to its size (unity power factor):

* ``capacity``: peak demand minus the installed size (kVA), eq. (26);
* ``feeder loading``: the largest branch loading ratio minus 1, where a
  branch's rating is ``feeder_headroom`` times its apparent flow without
  stations (the feeders are kept, eq. 27: the remain-constant option);
* ``power_flow_diverged`` as in every feeder problem.

Exact optimum: :meth:`certify` enumerates every choice (6^k for k candidates).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from optibench.checks import check_instance, integers, real
from optibench.ev import BEV, PHEV, Fleet, VehicleType
from optibench.known_optima import lookup
from optibench.powerflow import solve_batch
from optibench.problem import Evaluation
from optibench.variables import Integer, VariableSpace

from .feeder import FeederProblem

TABLE5_MVA = (30.0, 50.0, 60.0, 80.0, 100.0)
"""Candidate station sizes (MVA, paper 003, Table 5)."""
PAPER_AREA_PEAK_KW = 114_600.0
"""Peak load of the paper's city-centre area (kW, section 7.3.2)."""
PAPER_FLEET = {"BEV": 11_000.0, "PHEV": 3_200.0}
"""Vehicles of Case C (section 7.3.1)."""
PER_KVA_GBP = 21.29 + 25.05 + 18.98 + 7.31 + 6.39 + 5.47 + 3.20
"""Investment plus maintenance per kVA installed (GBP/kVA, Table 4)."""
LAND_GBP_PER_M2 = 58.66
LAND_M2_PER_VEHICLE = 160_000.0 / 14_200.0
CHARGING_GBP_PER_KWH = 0.17
ATTENDANT_GBP_PER_H = 18.0


def commuter_starts(
    n_d: int = 48, mean_h: float = 8.5, sd_h: float = 1.0, window: tuple[float, float] = (6.0, 20.0)
) -> np.ndarray:
    """Charging start distribution (n_d,): a normal law around ``mean_h`` cut to ``window`` (hours)."""
    start_h = np.arange(n_d) * 24.0 / n_d
    w = np.exp(-0.5 * ((start_h - mean_h) / sd_h) ** 2) * ((start_h >= window[0]) & (start_h < window[1]))
    return w / w.sum()


class EvStationSiting(FeederProblem):
    """Paper 003, Case C analogue: size (or none) of an EV station at each candidate bus, least total cost.

    Instance parameters: ``network`` (default ieee33), ``candidates`` (1-based
    buses, default 6/14/26/31), ``feeder_headroom`` (branch rating over its
    flow without stations, default 1.5).

    Variables: ``size_at_<bus>`` in 0..5 (0: no station, k: the k-th size of Table 5, scaled).
    Objective: total cost (GBP), eq. (29).
    """

    objective_names = ("total cost (GBP)",)
    objective_name, objective_unit = "total cost", "GBP"
    success_atol = 0.01
    """GBP: one penny; distinct choices differ by thousands of GBP, so a success is the optimal choice."""

    def __init__(
        self, network: str = "ieee33", candidates: Sequence[int] = (6, 14, 26, 31), feeder_headroom: float = 1.5
    ) -> None:
        candidates = check_instance(
            self,
            {"candidates": integers(1), "feeder_headroom": real(above=0)},
            candidates=candidates,
            feeder_headroom=feeder_headroom,
        )["candidates"]
        instance = dict(network=network, candidates=candidates, feeder_headroom=feeder_headroom)
        super().__init__(instance, network, None, None)
        self.constraint_names = self.constraint_names + ("station capacity (kVA short)", "feeder loading (ratio above 1)")
        self.n_con = len(self.constraint_names)
        self.candidates = np.asarray(candidates)
        self.space = VariableSpace([Integer(f"size_at_{b}", 0, len(TABLE5_MVA)) for b in candidates])
        scale = float(self.network.p_kw.sum()) / PAPER_AREA_PEAK_KW
        self.sizes_kva = np.concatenate([[0.0], np.asarray(TABLE5_MVA) * 1000.0 * scale])
        vehicles = (
            VehicleType("BEV", PAPER_FLEET["BEV"] * scale, BEV.t1_h, BEV.t2_h),
            VehicleType("PHEV", PAPER_FLEET["PHEV"] * scale, PHEV.t1_h, PHEV.t2_h),
        )
        fleet = Fleet(vehicles=vehicles, charging_only_share=0.0)
        demand = fleet.profile(commuter_starts(fleet.n_d), np.zeros(fleet.n_d)).charging_kw
        self.peak_kw = float(demand.max())
        self.daily_kwh = float(demand.sum() * 24.0 / fleet.n_d)
        self.land_gbp = fleet.n_vehicles * LAND_M2_PER_VEHICLE * LAND_GBP_PER_M2
        self.rating_kva = feeder_headroom * np.abs(solve_batch(self.network, *self.base_injections(1)).branch_flow_kva[0])
        self.known_optimum = lookup(self.name, instance)

    def costs(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(total cost, cost without land) in GBP, each (pop,), for size indices ``Z`` (pop, k)."""
        kva = self.sizes_kva[Z.astype(np.int64)]
        stations = (kva > 0).sum(axis=1)
        without_land = (
            PER_KVA_GBP * kva.sum(axis=1) + CHARGING_GBP_PER_KWH * self.daily_kwh + ATTENDANT_GBP_PER_H * 24.0 * stations
        )
        return without_land + self.land_gbp, without_land

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        pop = len(Z)
        kva = self.sizes_kva[Z.astype(np.int64)]
        installed = kva.sum(axis=1)
        share = kva / np.where(installed > 0, installed, 1.0)[:, None]
        p, q = self.base_injections(pop)
        p[:, self.bus_index(self.candidates)] += self.peak_kw * share
        res = solve_batch(self.network, p, q)  # voltages kept for the branch flows
        loading = np.abs(res.branch_flow_kva) / self.rating_kva
        worst = np.nanargmax(np.where(np.isnan(loading), -np.inf, loading), axis=1)
        over = np.where(res.converged, loading[np.arange(pop), worst] - 1.0, 0.0)
        G = np.column_stack([np.where(res.converged, 0.0, 1.0), self.peak_kw - installed, over])
        total, without_land = self.costs(Z)
        branch_bus = self.network.branch_buses[:, 1]
        extras = {
            "cost_without_land_gbp": without_land,
            "max_loading": loading[np.arange(pop), worst],
            "max_loading_branch_to_bus": branch_bus[worst],
            **self.diagnostics(res),
        }
        return Evaluation(F=total[:, None], G=G, extras=extras)

    def all_choices(self) -> np.ndarray:
        """Every choice of size indices, shape (6^k, k)."""
        return np.array(list(itertools.product(range(len(self.sizes_kva)), repeat=len(self.candidates))), dtype=np.float64)

    def certify(self) -> tuple[dict[str, Any], int]:
        """Exact optimum by evaluating every choice; returns (KnownOptimum fields as a dict, power flows)."""
        Z = self.all_choices()
        ev = self._evaluate(Z)
        f = np.where(np.all(ev.G <= 0, axis=1), ev.F[:, 0], np.inf)
        i = int(np.argmin(f))
        solution = ",".join(str(int(v)) for v in Z[i])
        fields = dict(
            value=float(f[i]),
            status="proven",
            solution=solution,
            method=f"enumeration of all {len(Z):,} choices",
            tolerance="exact: every choice evaluated",
        )
        return fields, len(Z)
