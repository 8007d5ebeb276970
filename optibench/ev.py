"""EV capacity forecasting: the fleet's charging, discharging and net power over a day.

Paper 003 (Zhou, Littler, Meegahapola, Zhang, *Power System Steady-State
Analysis with Large-Scale Electric Vehicle Integration*, Energy 115 (2016)),
section 3, eq. (1)-(14), with the parameters of its Table 2 as defaults.

The day is cut into ``n_d`` periods of ``T = 24 / n_d`` hours (eq. 5); period
``l`` is 0-based here and a session that runs past midnight wraps to the
start of the same day (a steady daily cycle). All powers are kW, energies
kWh, times hours.

One vehicle (eq. 2-7)
    Charging follows eq. (2): ``P_r`` up to ``T1`` hours from empty, then a
    linear taper to zero at ``T2``; the battery holds the energy of that curve,
    ``E_B = P_r (T1 + T2) / 2`` (25.2 kWh for Table 2's BEV, 5.04 kWh for its
    PHEV; the paper says 25 and 5 kWh). A vehicle with state of charge ``E``
    joins the curve where its energy is ``E * E_B`` and charges to full.
    Discharging (eq. 3, 7) is at ``P_rd`` from ``E`` down to ``E_end`` and
    lasts ``t3 = (E - E_end) E_B / P_rd`` (Table 2's ``T3`` is ``t3`` from a
    full battery); a vehicle at or below ``E_end`` does not discharge. Period
    powers are period averages of the continuous power (eq. 5).

Initial state of charge (eq. 6)
    ``E = 1 - d / d_R`` with the daily distance ``d`` log-normal
    (``ln d ~ N(mu, sigma^2)``, miles) and the range ``d_R = E_B /
    kwh_per_mile``; a vehicle that drove its whole range or more starts
    empty, so ``E`` has an atom at 0. Eq. (6) as printed is the density of
    ``d`` at ``d = d_R (1 - E)``; as a density of ``E`` it takes the
    Jacobian ``d_R`` (without it, it would integrate to ``1 / d_R``).

The fleet (eq. 8-14)
    ``N_p`` charging-only vehicles (``charging_only_share`` of the fleet)
    charge once every ``CT_p`` days (eq. 13), when their state of charge is
    at most ``E_c_set`` (eq. 8): on a day, ``N_p / CT_p`` of them start to
    charge, with ``E`` distributed as eq. (6) truncated to ``E <= E_c_set``,
    at periods drawn from ``plug_in`` (default uniform: the paper treats
    their demand as a smooth base load). The ``N_a`` flexible vehicles make
    one session a day, a charge started at period ``k`` with probability
    ``f(k)`` or a discharge started at ``k`` with probability ``g(k)``,
    ``sum f + sum g = 1`` (eq. 15): the four scenarios of Table 1 and
    eq. (11)-(12) become one charging and one discharging start distribution,
    and the expected fleet power is linear in ``f`` and ``g`` (eq. 14)::

        P_EV(l) = N_p / CT_p * sum_k plug_in(k) C_p(l - k)
                + N_a * sum_k [f(k) C(l - k) - g(k) D(l - k)]

    where ``C``, ``C_p`` and ``D`` are the expected session powers of one
    vehicle (averaged over the fleet's vehicle types and the SOC law)
    ``l - k`` periods after its start (:func:`circulant` builds the matrices).
    Energy is not balanced across days (the paper's eq. 15 does not either).

Vehicle types are mixed in proportion to their numbers (eq. 1); ``FCV``
(no plug) are not modelled.

The flexible-fleet model (:meth:`Fleet.cohorts`)
    The alternative reading of the flexible vehicles, in which they charge or
    discharge "continuously or alternately" (section 3.2) through their
    availability window rather than in one session: the flexible vehicles of
    each type form a cohort that draws any power between ``-P_rd`` and
    ``P_r`` per plugged-in vehicle in any period. A vehicle is plugged in for
    ``T_a`` periods (eq. 4), read as uniform on ``[T_amin, T_amax]`` (Table 2:
    0 to 47) and starting at a uniform period, so the expected share of a
    cohort plugged in at any period is ``E[min(T_a, n_d)] / n_d`` (23.5 / 48
    by default). The cohort is one battery of ``N E_B`` kWh that starts the
    day at the mean state of charge of eq. (6); its mean state of charge stays
    at most 1 (full), at least ``min(E_0, E_end)`` (a discharge stops at
    ``E_end``, eq. 7) and ends the day at ``E_end`` or more (the discharge
    availability of eq. 7 kept for the next trip). The charging taper of
    eq. (2) is not modelled in this reading (power up to ``P_r`` until full).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class VehicleType:
    """One kind of plug-in vehicle (paper 003, Table 2).

    Attributes:
        name: label (``"BEV"``, ``"PHEV"``).
        count: number of vehicles.
        t1_h, t2_h: end of constant power and of the taper, charging from empty (h).
        rated_kw: charging power ``P_r`` and discharging power ``P_rd`` (kW).
        kwh_per_mile: consumption that turns battery energy into range ``d_R``.
    """

    name: str
    count: float
    t1_h: float
    t2_h: float
    rated_kw: float = 7.0
    kwh_per_mile: float = 0.25

    @property
    def battery_kwh(self) -> float:
        """``E_B``: energy of the eq. (2) curve from empty to full (kWh)."""
        return self.rated_kw * (self.t1_h + self.t2_h) / 2.0

    @property
    def range_miles(self) -> float:
        """``d_R``: distance a full battery covers (miles)."""
        return self.battery_kwh / self.kwh_per_mile

    def charged_kwh(self, t_h):
        """Energy of the eq. (2) curve from empty after ``t_h`` hours (kWh), any shape."""
        t = np.clip(np.asarray(t_h, dtype=np.float64), 0.0, self.t2_h)
        taper = np.maximum(t - self.t1_h, 0.0)
        return self.rated_kw * (t - taper**2 / (2.0 * (self.t2_h - self.t1_h)))

    def curve_time(self, energy_kwh):
        """Inverse of :meth:`charged_kwh`: hours from empty to ``energy_kwh`` (any shape)."""
        e = np.clip(np.asarray(energy_kwh, dtype=np.float64), 0.0, self.battery_kwh)
        p, t1, span = self.rated_kw, self.t1_h, self.t2_h - self.t1_h
        in_taper = e > p * t1
        root = np.sqrt(np.maximum(1.0 - 2.0 * (e - p * t1) / (p * span), 0.0))
        return np.where(in_taper, t1 + span * (1.0 - root), e / p)


BEV = VehicleType("BEV", 1.2e6, t1_h=3.2, t2_h=4.0)
PHEV = VehicleType("PHEV", 0.35e6, t1_h=0.64, t2_h=0.8)
"""Table 2: 1.2 million BEVs (25 kWh) and 0.35 million PHEVs (5 kWh), 7 kW."""


def charging_session_kw(vehicle: VehicleType, soc, n_d: int, periods: int) -> np.ndarray:
    """Period-average charging power after a start at state of charge ``soc``.

    Args: soc shape (s,) in [0, 1]; periods: number of periods returned.
    Returns: (s, periods) kW; period 0 starts with the session.
    """
    step = 24.0 / n_d
    start = vehicle.curve_time(np.asarray(soc, dtype=np.float64) * vehicle.battery_kwh)
    energy = vehicle.charged_kwh(start[:, None] + step * np.arange(periods + 1))
    return np.diff(energy, axis=1) / step


def discharging_session_kw(vehicle: VehicleType, soc, e_end: float, n_d: int, periods: int) -> np.ndarray:
    """Period-average discharging power (positive kW) from ``soc`` down to ``e_end``, shape (s, periods)."""
    step = 24.0 / n_d
    t3 = np.maximum(np.asarray(soc, dtype=np.float64) - e_end, 0.0) * vehicle.battery_kwh / vehicle.rated_kw
    edges = step * np.arange(periods + 1)
    on = np.clip(t3[:, None] - edges[None, :-1], 0.0, step)
    return vehicle.rated_kw * on / step


def soc_cdf(vehicle: VehicleType, soc, mu: float, sigma: float):
    """P(E <= soc) of eq. (6) (any shape, soc in [0, 1])."""
    from scipy.special import ndtr  # imported here: scipy.special costs a quarter second at start-up

    soc = np.asarray(soc, dtype=np.float64)
    distance = vehicle.range_miles * np.maximum(1.0 - soc, 1e-300)
    return np.where(soc >= 1.0, 1.0, 1.0 - ndtr((np.log(distance) - mu) / sigma))


def sample_soc(vehicle: VehicleType, n: int, mu: float, sigma: float, rng, upper: float = 1.0) -> np.ndarray:
    """``n`` initial states of charge of eq. (6), conditioned on ``E <= upper``, by rejection, shape (n,)."""
    out = np.empty(0)
    while len(out) < n:
        distance = np.exp(rng.normal(mu, sigma, size=2 * (n - len(out)) + 16))
        soc = np.maximum(1.0 - distance / vehicle.range_miles, 0.0)
        out = np.concatenate([out, soc[soc <= upper]])
    return out[:n]


def soc_quadrature(vehicle: VehicleType, mu: float, sigma: float, upper: float = 1.0, nodes: int = 4000):
    """Nodes and probabilities of eq. (6) truncated to ``E <= upper``: the atom at 0 plus bin midpoints.

    Returns (soc (nodes + 1,), weights (nodes + 1,) summing to 1).
    """
    edges = np.linspace(0.0, upper, nodes + 1)
    cdf = soc_cdf(vehicle, edges, mu, sigma)
    soc = np.concatenate([[0.0], (edges[:-1] + edges[1:]) / 2.0])
    weights = np.concatenate([[cdf[0]], np.diff(cdf)])
    return soc, weights / cdf[-1]


def circulant(kernel: np.ndarray) -> np.ndarray:
    """Matrix ``M`` (n, n) with ``M[l, k] = kernel[(l - k) mod n]``: ``M @ f`` spreads sessions started per ``f``."""
    n = len(kernel)
    return kernel[(np.arange(n)[:, None] - np.arange(n)[None, :]) % n]


@dataclass(frozen=True)
class Profile:
    """A fleet's expected power per period, each shape (..., n_d), kW."""

    charging_kw: np.ndarray
    discharging_kw: np.ndarray

    @property
    def net_kw(self) -> np.ndarray:
        """``P_EV = P_c_total - P_d_total`` (eq. 14), kW."""
        return self.charging_kw - self.discharging_kw


@dataclass(frozen=True)
class Cohort:
    """The flexible vehicles of one type as one battery (flexible-fleet model, see the module docstring).

    Attributes:
        name: vehicle type.
        vehicles: number of vehicles ``N``.
        rated_kw: ``P_r = P_rd`` per vehicle (kW).
        battery_kwh: ``E_B`` per vehicle (kWh).
        soc0: mean state of charge at the start of the day (eq. 6).
        soc_floor: lowest mean state of charge during the day, ``min(soc0, E_end)``.
        soc_end: lowest mean state of charge at the end of the day, ``E_end``.
        available: expected share of the vehicles plugged in at a period.
        step_h: period length ``T`` (h).
    """

    name: str
    vehicles: float
    rated_kw: float
    battery_kwh: float
    soc0: float
    soc_floor: float
    soc_end: float
    available: float
    step_h: float

    @property
    def max_kw(self) -> float:
        """Largest charging (and discharging) power of the cohort in a period, ``N P_r x available`` (kW)."""
        return self.vehicles * self.rated_kw * self.available

    def soc(self, power_kw: np.ndarray) -> np.ndarray:
        """Mean state of charge at the end of each period for cohort powers ``power_kw`` (..., n_d) kW (charging
        positive), shape (..., n_d)."""
        return self.soc0 + np.cumsum(power_kw, axis=-1) * self.step_h / (self.vehicles * self.battery_kwh)


@dataclass(frozen=True)
class Fleet:
    """The EV fleet and the parameters of the forecasting model (defaults: paper 003, Table 2).

    Attributes:
        vehicles: vehicle types and numbers (eq. 1).
        charging_only_share: ``N_p / N`` (Table 3 scenarios: 0.8, 0.5, 0.2).
        n_d: periods per day (48: half-hours).
        mu, sigma: log-normal daily distance, ln-miles (eq. 6).
        e_end: lowest state of charge a discharge reaches (eq. 7).
        e_c_set: highest state of charge at which a charging-only vehicle charges (eq. 8).
        cycle_days: ``CT_p``, days between charges of a charging-only vehicle (eq. 13).
        plug_in: start distribution of charging-only vehicles, shape (n_d,), or None for uniform.
        t_a_min, t_a_max: bounds of the availability window ``T_a`` (eq. 4), periods; used by :meth:`cohorts`.
    """

    vehicles: tuple[VehicleType, ...] = (BEV, PHEV)
    charging_only_share: float = 0.5
    n_d: int = 48
    mu: float = 3.20
    sigma: float = 0.6528
    e_end: float = 0.5
    e_c_set: float = 0.3
    cycle_days: float = 2.9
    plug_in: np.ndarray | None = field(default=None, compare=False)
    t_a_min: float = 0.0
    t_a_max: float = 47.0

    def __post_init__(self):
        if not 0.0 <= self.charging_only_share <= 1.0:
            raise ValueError(f"charging_only_share must be in [0, 1]; got {self.charging_only_share}")
        if not 0.0 <= self.t_a_min <= self.t_a_max:
            raise ValueError(f"the availability window needs 0 <= t_a_min <= t_a_max; got {self.t_a_min}, {self.t_a_max}")
        longest = max(v.t2_h for v in self.vehicles)
        if longest >= 24.0:
            raise ValueError(f"a charging session must be shorter than a day; T2 = {longest} h")

    @property
    def n_vehicles(self) -> float:
        return float(sum(v.count for v in self.vehicles))

    @property
    def n_charging_only(self) -> float:
        """``N_p`` (vehicles)."""
        return self.n_vehicles * self.charging_only_share

    @property
    def n_flexible(self) -> float:
        """``N_a`` (vehicles)."""
        return self.n_vehicles - self.n_charging_only

    def start_distribution(self) -> np.ndarray:
        """Charging-only vehicles' start distribution, shape (n_d,), summing to 1."""
        p = np.full(self.n_d, 1.0 / self.n_d) if self.plug_in is None else np.asarray(self.plug_in, dtype=np.float64)
        if p.shape != (self.n_d,) or np.any(p < 0) or not np.isclose(p.sum(), 1.0):
            raise ValueError(f"plug_in must be {self.n_d} non-negative probabilities summing to 1")
        return p

    def _mixed(self, session) -> np.ndarray:
        """Fleet-average of ``session(vehicle) -> (n_d,)`` weighted by vehicle numbers."""
        return sum(v.count * session(v) for v in self.vehicles) / self.n_vehicles

    def charge_kernel(self, upper: float = 1.0) -> np.ndarray:
        """Expected charging power of one vehicle ``m`` periods after its start, shape (n_d,), kW.

        ``upper`` truncates the state of charge (``e_c_set`` for charging-only vehicles).
        """

        def session(v):
            soc, w = soc_quadrature(v, self.mu, self.sigma, upper)
            return w @ charging_session_kw(v, soc, self.n_d, self.n_d)

        return self._mixed(session)

    def discharge_kernel(self) -> np.ndarray:
        """Expected discharging power (positive) of one vehicle ``m`` periods after its start, shape (n_d,), kW."""

        def session(v):
            soc, w = soc_quadrature(v, self.mu, self.sigma)
            return w @ discharging_session_kw(v, soc, self.e_end, self.n_d, self.n_d)

        return self._mixed(session)

    def charging_only_kw(self) -> np.ndarray:
        """``P_p / CT_p`` of eq. (13): the charging-only vehicles' power, shape (n_d,), kW."""
        kernel = self.charge_kernel(self.e_c_set)
        return self.n_charging_only / self.cycle_days * (circulant(kernel) @ self.start_distribution())

    def flexible_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """``(A, B)``, each (n_d, n_d) kW: flexible power is ``A @ f - B @ g`` (eq. 12, 14)."""
        return (self.n_flexible * circulant(self.charge_kernel()), self.n_flexible * circulant(self.discharge_kernel()))

    def available_share(self) -> float:
        """Expected share of the flexible vehicles plugged in at a period: ``E[min(T_a, n_d)] / n_d`` for ``T_a``
        uniform on ``[t_a_min, t_a_max]`` periods (a window longer than the day covers all of it)."""
        lo, hi, n = self.t_a_min, self.t_a_max, float(self.n_d)
        if hi <= n:
            return (lo + hi) / 2.0 / n
        if lo >= n:
            return 1.0
        return ((n**2 - lo**2) / 2.0 + n * (hi - n)) / (hi - lo) / n

    def cohorts(self) -> tuple[Cohort, ...]:
        """The flexible vehicles as one :class:`Cohort` per vehicle type (the flexible-fleet model, module docstring)."""
        share = self.n_flexible / self.n_vehicles
        out = []
        for v in self.vehicles:
            soc, w = soc_quadrature(v, self.mu, self.sigma)
            soc0 = float(w @ soc)
            out.append(
                Cohort(
                    v.name,
                    v.count * share,
                    v.rated_kw,
                    v.battery_kwh,
                    soc0,
                    min(soc0, self.e_end),
                    self.e_end,
                    self.available_share(),
                    24.0 / self.n_d,
                )
            )
        return tuple(out)

    def profile(self, f, g) -> Profile:
        """Expected fleet power for start distributions ``f``, ``g`` of shape (..., n_d).

        ``sum f + sum g`` should be 1 (eq. 15); it is not enforced here.
        """
        A, B = self.flexible_matrices()
        f, g = np.asarray(f, dtype=np.float64), np.asarray(g, dtype=np.float64)
        return Profile(charging_kw=self.charging_only_kw() + f @ A.T, discharging_kw=g @ B.T)


def simulate(fleet: Fleet, f, g, n_vehicles: int, rng, chunk: int = 200_000):
    """Monte Carlo of individual vehicles: the fleet's net power and its standard error.

    Each sampled vehicle draws its type (by numbers), its group (charging-only
    with probability ``charging_only_share``), whether it charges today
    (charging-only: probability ``1 / CT_p``), a session (flexible: charge
    with probability ``sum f``), a start period and a state of charge from
    the log-normal distance (conditioned on ``E <= E_c_set`` for charging-only
    vehicles); its session powers come from :func:`charging_session_kw` /
    :func:`discharging_session_kw`.

    Args: f, g shape (n_d,); n_vehicles: sample size; rng: numpy Generator.
    Returns (mean net kW (n_d,), standard error kW (n_d,)), both scaled to the whole fleet.
    """
    n_d = fleet.n_d
    f, g = np.asarray(f, dtype=np.float64), np.asarray(g, dtype=np.float64)
    plug_in = fleet.start_distribution()
    counts = np.array([v.count for v in fleet.vehicles])
    total, squares, done = np.zeros(n_d), np.zeros(n_d), 0
    while done < n_vehicles:
        n = min(chunk, n_vehicles - done)
        kind = rng.choice(len(counts), size=n, p=counts / counts.sum())
        charging_only = rng.random(n) < fleet.charging_only_share
        today = rng.random(n) < 1.0 / fleet.cycle_days
        charges = rng.random(n) < f.sum()
        flex_start = np.where(
            charges,
            rng.choice(n_d, size=n, p=f / f.sum()) if f.sum() > 0 else 0,
            rng.choice(n_d, size=n, p=g / g.sum()) if g.sum() > 0 else 0,
        )
        start = np.where(charging_only, rng.choice(n_d, size=n, p=plug_in), flex_start)
        for t, vehicle in enumerate(fleet.vehicles):
            groups = [
                (kind == t) & charging_only & today,
                (kind == t) & ~charging_only & charges,
                (kind == t) & ~charging_only & ~charges,
            ]
            for group, (upper, sign) in zip(groups, [(fleet.e_c_set, 1.0), (1.0, 1.0), (1.0, -1.0)]):
                m = int(group.sum())
                soc = sample_soc(vehicle, m, fleet.mu, fleet.sigma, rng, upper)
                if sign > 0:
                    power = charging_session_kw(vehicle, soc, n_d, n_d)
                else:
                    power = -discharging_session_kw(vehicle, soc, fleet.e_end, n_d, n_d)
                period = (start[group][:, None] + np.arange(n_d)[None, :]) % n_d
                total += np.bincount(period.ravel(), weights=power.ravel(), minlength=n_d)
                squares += np.bincount(period.ravel(), weights=(power**2).ravel(), minlength=n_d)
        done += n
    mean = total / n_vehicles
    std = np.sqrt(np.maximum(squares / n_vehicles - mean**2, 0.0))
    scale = fleet.n_vehicles
    return scale * mean, scale * std / np.sqrt(n_vehicles)
