"""Placement of EV charging stations, renewable units and distributed generators.

Three problem families on radial feeders (all loads constant power):

``evcs-placement``
    Paper 002 (Le Thi Minh, Trinh, Duong, *Penetration Levels of EV Charging
    Stations and Renewable Energy Sources in Distribution Power Systems*),
    Scenario 1: place the stations of one case of its Table 1 on distinct
    buses 2..N to minimise the total active loss (kW), eq. (1), with no
    voltage constraint. A station is 100 (Level 1), 100 (Level 2) or 10
    (Level 3) vehicles at 1.9 / 4.0 / 100 kW with 92 % efficiency:
    206.5 / 435 / 1087 kW as the paper rounds them (its Table 1 totals
    1,728.5 / 3,011.5 / 4,740 kW follow from these). Assumption: stations
    draw at unity power factor (the paper gives kW only; AC chargers with
    power-factor correction); ``power_factor`` changes it.
``res-placement``
    Paper 002, Scenarios 2 and 3: with the case's stations in place, choose
    ``units`` renewable units (sites on distinct buses, sizes in kW) that
    minimise their total power, eq. (2), subject to V_min >= 0.925 p.u.
    (Scenario 2) or 0.95 p.u. (Scenario 3) and V <= 1.0 p.u. Assumption:
    units inject active power at unity power factor (eq. (3) subtracts their
    kW from the active balance only). The stations sit at the sites stored
    for Scenario 1 (``optibench certify`` / the Scenario-1 reproduction:
    see ``SCENARIO1_SITES``) unless ``stations`` names them; ``joint=True``
    places stations and units together.
``dg-placement``
    The classic siting and sizing of ``units`` distributed generators at
    unity power factor minimising loss with voltage limits (default
    0.95-1.05 p.u.), on IEEE 33 (both variants) or 69.
"""
from __future__ import annotations

import numpy as np

from optibench.known_optima import lookup
from optibench.problem import Evaluation
from optibench.registry import register_problem
from optibench.variables import Distinct, Real, VariableSpace

from .feeder import FeederProblem

STATION_KW = {1: 206.5, 2: 435.0, 3: 1087.0}
"""Power of one station per level (kW): 100 x 1.9, 100 x 4.0, 10 x 100 kW over 0.92 efficiency (paper 002)."""

CASES = {1: (1, 1, 1), 2: (3, 3, 1), 3: (4, 4, 2)}
"""Stations of Level 1, 2, 3 per case (paper 002, Table 1)."""

SCENARIO_VMIN = {2: 0.925, 3: 0.95}
"""Lowest admissible voltage per scenario (p.u., paper 002); the highest is 1.0 p.u."""

SCENARIO1_SITES = {
    # station buses, Level 1 first, then Level 2, then Level 3
    1: (28, 3, 2),
    2: (29, 47, 4, 36, 3, 28, 2),
    3: (5, 38, 37, 29, 36, 28, 47, 4, 2, 3),
}
"""Station sites used by ``res-placement`` (IEEE 69): case 1 is the certified
optimum of ``evcs-placement`` (enumeration, 225.068 kW); cases 2 and 3 the best
runs of EO in ``benchmarks/seed002.toml`` (225.257 and 225.908 kW, see
results/seed002/)."""


def _station_levels(case: int) -> np.ndarray:
    if case not in CASES:
        raise ValueError(f"case must be one of {sorted(CASES)} (paper 002, Table 1); got {case!r}")
    return np.repeat([1, 2, 3], CASES[case])


def _reactive_ratio(power_factor: float) -> float:
    if not 0 < power_factor <= 1:
        raise ValueError(f"power_factor must be in (0, 1]; got {power_factor!r}")
    return float(np.tan(np.arccos(power_factor)))


def _parse_bus_kw(problem, text: str, units: int) -> tuple[list[float], list[float]]:
    """``"13:846,30:1159"`` -> ([13, 30], [846, 1159]); exactly ``units`` pairs."""
    buses, sizes = [], []
    for pair in filter(None, text.replace(" ", "").split(",")):
        bus, sep, kw = pair.partition(":")
        try:
            buses.append(float(int(bus)))
            sizes.append(float(kw))
        except ValueError:
            raise ValueError(f"{problem.name}: {pair!r} is not a bus:kW pair (e.g. 13:846)") from None
        if not sep:
            raise ValueError(f"{problem.name}: {pair!r} is not a bus:kW pair (e.g. 13:846)")
    if len(buses) != units:
        raise ValueError(f"{problem.name}: expected {units} bus:kW pairs, got {len(buses)} in {text!r}")
    return buses, sizes


@register_problem("evcs-placement")
class EvcsPlacement(FeederProblem):
    """Paper 002, Scenario 1: EV charging-station sites minimising loss (see the module docstring).

    Instance parameters: ``case`` (1-3), ``network`` (default ieee69),
    ``vmin`` / ``vmax`` (optional voltage limits, p.u.), ``power_factor`` of
    the stations (default 1).

    Variables: ``stations``, the station buses (1-based), Level 1 stations
    first, then Level 2, then Level 3. Objective: total active loss (kW).
    """

    objective_names = ("loss_kw",)

    def __init__(self, case: int = 1, network: str = "ieee69", vmin: float | None = None,
                 vmax: float | None = None, power_factor: float = 1.0):
        self.levels = _station_levels(case)
        self.station_kw = np.array([STATION_KW[level] for level in self.levels])
        self.q_ratio = _reactive_ratio(power_factor)
        instance = dict(case=case, network=network, vmin=vmin, vmax=vmax, power_factor=power_factor)
        super().__init__(instance, network, vmin, vmax)
        self.space = VariableSpace([Distinct("stations", len(self.levels), self.candidate_buses())])
        self.known_optimum = lookup(self.name, instance)

    def injections(self, Z):
        p, q = self.base_injections(len(Z))
        rows = np.arange(len(Z))[:, None]
        at = self.bus_index(Z)
        p[rows, at] += self.station_kw
        q[rows, at] += self.station_kw * self.q_ratio
        return p, q

    def _evaluate(self, Z):
        res, G, loss = self.power_flow(*self.injections(Z))
        return Evaluation(F=loss[:, None], G=G, extras=self.diagnostics(res))

    def report(self, z) -> dict:
        out = super().report(z)
        out["stations"] = [
            {"level": int(level), "bus": int(bus), "kw": float(kw)}
            for level, bus, kw in zip(self.levels, z, self.station_kw)
        ]
        return out

    def certify(self, chunk: int = 20_000):
        """Exact optimum by enumerating every ordered placement (stations of distinct levels only).

        Returns (KnownOptimum fields as a dict, number of power flows).
        """
        k = len(self.levels)
        buses = np.asarray(self.candidate_buses(), dtype=np.float64)
        m = len(buses)
        if len(set(self.levels.tolist())) != k or k > 3:
            raise ValueError(
                f"{self.name} case {self.instance['case']}: {k} stations with repeated levels; "
                "enumeration is offered for case 1 only"
            )
        grids = np.meshgrid(*[np.arange(m)] * k, indexing="ij")
        index = np.stack([g.ravel() for g in grids], axis=1)
        distinct = np.all([index[:, a] != index[:, b] for a in range(k) for b in range(a + 1, k)], axis=0)
        placements = buses[index[distinct]]
        best_f, best_z = np.inf, None
        for start in range(0, len(placements), chunk):
            Z = placements[start:start + chunk]
            ev = self._evaluate(Z)
            feasible = np.all(ev.G <= 0, axis=1)
            f = np.where(feasible, ev.F[:, 0], np.inf)
            i = int(np.argmin(f))
            if f[i] < best_f:
                best_f, best_z = float(f[i]), Z[i]
        method = f"enumeration of all {len(placements):,} ordered placements on distinct buses"
        return dict(value=best_f, solution=",".join(str(int(b)) for b in best_z), method=method), len(placements)


@register_problem("res-placement")
class ResPlacement(FeederProblem):
    """Paper 002, Scenarios 2 and 3: least renewable power meeting the voltage limits.

    Instance parameters: ``case`` (1-3), ``scenario`` (2: V_min 0.925 p.u.,
    3: V_min 0.95 p.u.; V_max 1.0 p.u.), ``units`` (default 3),
    ``network`` (default ieee69), ``max_unit_kw`` (size bound, default
    2000 kW), ``stations`` (station buses, Level 1 first; default
    ``SCENARIO1_SITES[case]``), ``joint`` (place the stations too).

    Variables: [``stations`` if joint], ``res_buses``, ``res_kw_1..units`` (kW).
    Objective: total renewable power (kW), eq. (2).
    """

    objective_names = ("res_total_kw",)

    def __init__(self, case: int = 1, scenario: int = 2, units: int = 3, network: str = "ieee69",
                 max_unit_kw: float = 2000.0, stations=None, joint: bool = False):
        if scenario not in SCENARIO_VMIN:
            raise ValueError(f"scenario must be 2 (V_min 0.925 p.u.) or 3 (V_min 0.95 p.u.); got {scenario!r}")
        self.levels = _station_levels(case)
        self.station_kw = np.array([STATION_KW[level] for level in self.levels])
        self.units = int(units)
        self.joint = bool(joint)
        if stations is None and not self.joint:
            if network != "ieee69":
                raise ValueError("res-placement: name the station buses (stations=...) on networks other than ieee69")
            stations = SCENARIO1_SITES[case]
        instance = dict(case=case, scenario=scenario, units=units, network=network, max_unit_kw=max_unit_kw,
                        stations=None if stations is None else [int(b) for b in stations], joint=self.joint)
        super().__init__(instance, network, SCENARIO_VMIN[scenario], 1.0)
        candidates = self.candidate_buses()
        variables = [Distinct("stations", len(self.levels), candidates)] if self.joint else []
        variables += [Distinct("res_buses", self.units, candidates)]
        variables += [Real(f"res_kw_{u + 1}", 0.0, float(max_unit_kw)) for u in range(self.units)]
        self.space = VariableSpace(variables)
        if stations is not None and len(stations) != len(self.levels):
            raise ValueError(f"res-placement case {case}: {len(self.levels)} station buses needed, got {len(stations)}")
        self.stations = None if stations is None else np.asarray(stations, dtype=np.float64)
        self.known_optimum = lookup(self.name, instance)

    def split(self, Z):
        """Decoded solutions (pop, n_var) -> station buses (pop, k), unit buses (pop, units), unit kW (pop, units)."""
        k = len(self.levels) if self.joint else 0
        stations = Z[:, :k] if self.joint else np.broadcast_to(self.stations, (len(Z), len(self.stations)))
        return stations, Z[:, k:k + self.units], Z[:, k + self.units:]

    def injections(self, Z):
        stations, res_buses, res_kw = self.split(Z)
        p, q = self.base_injections(len(Z))
        rows = np.arange(len(Z))[:, None]
        p[rows, self.bus_index(stations)] += self.station_kw
        np.add.at(p, (np.repeat(rows, self.units, axis=1), self.bus_index(res_buses)), -res_kw)
        return p, q

    def _evaluate(self, Z):
        res, G, _ = self.power_flow(*self.injections(Z))
        return Evaluation(F=self.split(Z)[2].sum(axis=1)[:, None], G=G, extras=self.diagnostics(res))

    def parse_solution(self, text: str) -> np.ndarray:
        """``"bus:kW,..."`` for the units; with ``joint``, station buses first, then ``;`` and the pairs."""
        stations = []
        if self.joint:
            station_text, _, text = text.partition(";")
            stations = [float(int(b)) for b in station_text.split(",") if b.strip()]
        buses, sizes = _parse_bus_kw(self, text, self.units)
        return np.array(stations + buses + sizes)

    def report(self, z) -> dict:
        out = super().report(z)
        stations, res_buses, res_kw = self.split(np.asarray(z, dtype=np.float64)[None, :])
        out["stations"] = [{"level": int(lv), "bus": int(b), "kw": float(kw)}
                           for lv, b, kw in zip(self.levels, stations[0], self.station_kw)]
        out["renewables"] = [{"bus": int(b), "kw": float(kw)} for b, kw in zip(res_buses[0], res_kw[0])]
        return out


@register_problem("dg-placement")
class DgPlacement(FeederProblem):
    """Siting and sizing of ``units`` DGs at unity power factor minimising loss, with voltage limits.

    Instance parameters: ``network`` (ieee33, ieee33mg, ieee69, ...),
    ``units`` (default 1), ``vmin`` / ``vmax`` (default 0.95 / 1.05 p.u.),
    ``max_unit_kw`` (default: the network's total load).

    Variables: ``dg_buses``, ``dg_kw`` (kW). Objective: total loss (kW).
    """

    objective_names = ("loss_kw",)

    def __init__(self, network: str = "ieee33", units: int = 1, vmin: float = 0.95, vmax: float = 1.05,
                 max_unit_kw: float | None = None):
        self.units = int(units)
        instance = dict(network=network, units=self.units, vmin=vmin, vmax=vmax, max_unit_kw=max_unit_kw)
        super().__init__(instance, network, vmin, vmax)
        self.max_unit_kw = float(self.network.p_kw.sum()) if max_unit_kw is None else float(max_unit_kw)
        self.space = VariableSpace(
            [Distinct("dg_buses", self.units, self.candidate_buses())]
            + [Real(f"dg_kw_{u + 1}", 0.0, self.max_unit_kw) for u in range(self.units)]
        )
        self.known_optimum = lookup(self.name, instance)

    def injections(self, Z):
        p, q = self.base_injections(len(Z))
        rows = np.repeat(np.arange(len(Z))[:, None], self.units, axis=1)
        np.add.at(p, (rows, self.bus_index(Z[:, :self.units])), -Z[:, self.units:])
        return p, q

    def _evaluate(self, Z):
        res, G, loss = self.power_flow(*self.injections(Z))
        return Evaluation(F=loss[:, None], G=G, extras=self.diagnostics(res))

    def parse_solution(self, text: str) -> np.ndarray:
        buses, sizes = _parse_bus_kw(self, text, self.units)
        return np.array(buses + sizes)

    def certify(self, coarse_points: int = 65, refinements: int = 8, margin_kw: float = 10.0):
        """Optimum over every set of buses (1 or 2 units), sizes by a multi-resolution grid.

        For each bus set the sizes are searched on a ``coarse_points``-per-unit
        grid over [0, max_unit_kw]; every bus set whose best grid point is within
        ``margin_kw`` of the overall best is then refined ``refinements`` times
        on a 9-point-per-unit grid spanning one step either side of its best
        point (the step shrinking 4x each time). The loss is smooth in the
        sizes, so the grid error shrinks with the step squared; the returned
        method text records the step and the last refinement's improvement,
        which shows the convergence.

        Returns (KnownOptimum fields as a dict, number of power flows).
        """
        if self.units not in (1, 2):
            raise ValueError(f"{self.name}: enumeration is offered for 1 or 2 units, not {self.units}")
        buses = np.asarray(self.candidate_buses(), dtype=np.float64)
        sets = buses[:, None] if self.units == 1 else np.array(
            [(a, b) for i, a in enumerate(buses) for b in buses[i + 1:]])
        step = self.max_unit_kw / (coarse_points - 1)
        grid = np.linspace(0.0, self.max_unit_kw, coarse_points)
        best_f, best_sizes, flows = self._best_on_grid(sets, np.zeros((len(sets), self.units)), grid)
        keep = best_f <= best_f.min() + margin_kw
        sets, best_f, best_sizes = sets[keep], best_f[keep], best_sizes[keep]
        history = [float(best_f.min())]
        offsets = np.linspace(-1.0, 1.0, 9)
        for _ in range(refinements):
            f, sizes, n = self._best_on_grid(sets, best_sizes, offsets * step)
            better = f < best_f
            best_f, best_sizes = np.where(better, f, best_f), np.where(better[:, None], sizes, best_sizes)
            flows += n
            step /= 4.0
            history.append(float(best_f.min()))
        i = int(np.argmin(best_f))
        solution = ",".join(f"{int(b)}:{kw:.3f}" for b, kw in zip(sets[i], best_sizes[i]))
        method = (
            f"enumeration of all {len(keep):,} bus sets; sizes on a {coarse_points}-point grid per unit, "
            f"then {refinements} refinements of the {int(keep.sum())} sets within {margin_kw} kW "
            f"(final step {step * 4:.4f} kW; last refinement improved the loss by "
            f"{history[-2] - history[-1]:.2e} kW)"
        )
        return dict(value=float(best_f[i]), solution=solution, method=method), flows

    def _best_on_grid(self, sets, centres, offsets):
        """Best feasible sizes of each bus set on the grid ``centres + offsets`` (per unit, clipped).

        Args: sets (s, units) bus numbers; centres (s, units) kW; offsets (g,) kW.
        Returns (best loss (s,), best sizes (s, units), power flows solved).
        """
        axes = np.meshgrid(*[offsets] * self.units, indexing="ij")
        deltas = np.stack([a.ravel() for a in axes], axis=1)  # (g^units, units)
        sizes = np.clip(centres[:, None, :] + deltas[None, :, :], 0.0, self.max_unit_kw)
        s, g = sizes.shape[:2]
        best_f = np.full(s, np.inf)
        best_sizes = centres.copy()
        per_chunk = max(1, 50_000 // g)
        for start in range(0, s, per_chunk):
            part = slice(start, start + per_chunk)
            Z = np.concatenate([np.repeat(sets[part], g, axis=0), sizes[part].reshape(-1, self.units)], axis=1)
            ev = self._evaluate(Z)
            f = np.where(np.all(ev.G <= 0, axis=1), ev.F[:, 0], np.inf).reshape(-1, g)
            j = np.argmin(f, axis=1)
            rows = np.arange(len(j))
            best_f[part] = f[rows, j]
            best_sizes[part] = sizes[part][rows, j]
        return best_f, best_sizes, s * g

    def report(self, z) -> dict:
        out = super().report(z)
        z = np.asarray(z, dtype=np.float64)
        out["generators"] = [{"bus": int(b), "kw": float(kw)} for b, kw in zip(z[:self.units], z[self.units:])]
        return out
