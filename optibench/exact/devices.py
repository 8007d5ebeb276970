"""Equipment that attaches to a :class:`~optibench.exact.model.BranchFlowModel`.

A device is a small class with three methods:

``attach(model) -> list of constraints``
    create its cvxpy variables (per unit on the network's base, shape (T,))
    and return its own constraints;
``injections() -> [(bus_index, p, q), ...]``
    the active and reactive power it injects at each of its buses (p.u.,
    generation positive, cvxpy expressions or arrays of shape (T,)); a
    device on a tie line (a soft open point) lists both ends;
``report() -> dict``
    its solved values in kW, kvar and kWh.

Parameters are given in kW, kvar and kWh with 1-based bus numbers.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np


class Device:
    """Base class: a named piece of equipment at a 1-based ``bus``."""

    def __init__(self, name: str, bus: int):
        self.name = name
        self.bus = int(bus)

    def attach(self, model) -> list:
        """Create the variables on ``model`` and return the device's constraints."""
        self.model = model
        self.index = model.bus_index(self.bus)
        self.s_base = model.s_base_kva
        return self._build(model.periods)

    def _build(self, periods: int) -> list:
        raise NotImplementedError

    def injections(self) -> list[tuple]:
        raise NotImplementedError

    def report(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _kw(self, expr) -> np.ndarray:
        """Solved value of a per-unit expression in kW (or kvar, kWh), as an array."""
        return self.s_base * np.asarray(expr.value if isinstance(expr, cp.Expression) else expr, dtype=np.float64)

    def _profile(self, profile, periods: int) -> np.ndarray:
        arr = np.asarray(profile, dtype=np.float64)
        if arr.shape != (periods,):
            raise ValueError(f"device {self.name!r}: profile must have shape ({periods},), got {arr.shape}")
        return arr


class Storage(Device):
    """Energy storage (paper 000, eq. 1-6 and 15): charge, discharge, reactive support and state of charge.

    Per period t (of ``dt_h`` hours) with rated energy E::

        0 <= P_dis_t, P_cha_t <= p_max          (with binaries: <= B p_max, B_cha + B_dis <= 1)
        q_min <= Q_t <= q_max
        E soc_{t+1} = E soc_t + eta_cha P_cha_t dt - P_dis_t dt,   soc_min <= soc_t <= soc_max
        output P_t = eta_dis P_dis_t - P_cha_t

    ``soc_0 = soc_initial`` and the horizon ends with at least the starting
    charge (``soc_T >= soc_initial``). Without ``binary`` the model may charge
    and discharge in the same period; :meth:`report` gives the amount
    (``simultaneous_kw``) so a relaxed solution can be checked.

    Args:
        name, bus: device name and 1-based bus.
        energy_kwh: rated energy E (kWh).
        p_max_kw: charge and discharge limit (kW).
        q_max_kvar, q_min_kvar: reactive output range (kvar; positive is capacitive).
        eta_charge, eta_discharge: efficiencies.
        soc_initial, soc_min, soc_max: state of charge as a fraction of E.
        binary: add the charge / discharge binaries (a mixed-integer model).
    """

    def __init__(
        self,
        name: str,
        bus: int,
        energy_kwh: float,
        p_max_kw: float,
        q_max_kvar: float = 0.0,
        q_min_kvar: float = 0.0,
        eta_charge: float = 0.95,
        eta_discharge: float = 0.95,
        soc_initial: float = 0.5,
        soc_min: float = 0.0,
        soc_max: float = 1.0,
        binary: bool = False,
    ):
        super().__init__(name, bus)
        if not (energy_kwh > 0 and p_max_kw >= 0 and q_min_kvar <= q_max_kvar):
            raise ValueError(f"storage {name!r}: need energy_kwh > 0, p_max_kw >= 0 and q_min_kvar <= q_max_kvar")
        if not (0 < eta_charge <= 1 and 0 < eta_discharge <= 1 and 0 <= soc_min <= soc_initial <= soc_max <= 1):
            raise ValueError(f"storage {name!r}: efficiencies must be in (0, 1] and 0 <= soc_min <= soc_initial <= soc_max <= 1")
        self.energy_kwh, self.p_max_kw = float(energy_kwh), float(p_max_kw)
        self.q_min_kvar, self.q_max_kvar = float(q_min_kvar), float(q_max_kvar)
        self.eta_charge, self.eta_discharge = float(eta_charge), float(eta_discharge)
        self.soc_initial, self.soc_min, self.soc_max = float(soc_initial), float(soc_min), float(soc_max)
        self.binary = binary

    def _build(self, periods):
        base = self.s_base
        p_max, energy = self.p_max_kw / base, self.energy_kwh / base
        self.charge = cp.Variable(periods, nonneg=True, name=f"{self.name}_charge")
        self.discharge = cp.Variable(periods, nonneg=True, name=f"{self.name}_discharge")
        self.q = cp.Variable(periods, name=f"{self.name}_q")
        self.soc = cp.Variable(periods + 1, name=f"{self.name}_soc")
        dt = self.model.dt_h
        cons = [
            self.q >= self.q_min_kvar / base,
            self.q <= self.q_max_kvar / base,
            energy * cp.diff(self.soc) == self.eta_charge * dt * self.charge - dt * self.discharge,
            self.soc[0] == self.soc_initial,
            self.soc[periods] >= self.soc_initial,
            self.soc >= self.soc_min,
            self.soc <= self.soc_max,
        ]
        if self.binary:
            self.is_charging = cp.Variable(periods, boolean=True, name=f"{self.name}_is_charging")
            self.is_discharging = cp.Variable(periods, boolean=True, name=f"{self.name}_is_discharging")
            cons += [
                self.is_charging + self.is_discharging <= 1,
                self.charge <= p_max * self.is_charging,
                self.discharge <= p_max * self.is_discharging,
            ]
        else:
            cons += [self.charge <= p_max, self.discharge <= p_max]
        return cons

    @property
    def p(self) -> cp.Expression:
        """Active output (p.u., discharging positive), shape (T,)."""
        return self.eta_discharge * self.discharge - self.charge

    def injections(self):
        return [(self.index, self.p, self.q)]

    def report(self):
        charge, discharge = self._kw(self.charge), self._kw(self.discharge)
        return {
            "p_kw": self._kw(self.p),
            "q_kvar": self._kw(self.q),
            "charge_kw": charge,
            "discharge_kw": discharge,
            "soc": np.asarray(self.soc.value, dtype=np.float64),
            "simultaneous_kw": np.minimum(charge, discharge),
        }


class StaticVarGenerator(Device):
    """SVG (paper 000, eq. 7): reactive output ``-rating <= Q_t <= rating`` (kvar; positive is capacitive)."""

    def __init__(self, name: str, bus: int, rating_kvar: float):
        super().__init__(name, bus)
        if rating_kvar < 0:
            raise ValueError(f"SVG {name!r}: rating_kvar must be non-negative")
        self.rating_kvar = float(rating_kvar)

    def _build(self, periods):
        self.q = cp.Variable(periods, name=f"{self.name}_q")
        return [cp.abs(self.q) <= self.rating_kvar / self.s_base]

    def injections(self):
        return [(self.index, np.zeros(self.model.periods), self.q)]

    def report(self):
        return {"q_kvar": self._kw(self.q)}


class PhotovoltaicUnit(Device):
    """PV at unity power factor: available power ``rating_kw * profile`` (profile in [0, 1], shape (T,)).

    With ``curtailable`` the output may be anywhere between 0 and the
    available power; otherwise it is exactly the available power.
    """

    def __init__(self, name: str, bus: int, rating_kw: float, profile, curtailable: bool = False):
        super().__init__(name, bus)
        self.rating_kw = float(rating_kw)
        self.profile = np.asarray(profile, dtype=np.float64)
        self.curtailable = curtailable

    def _build(self, periods):
        self.available = self.rating_kw * self._profile(self.profile, periods) / self.s_base
        if not self.curtailable:
            self.p = self.available
            return []
        self.p = cp.Variable(periods, nonneg=True, name=f"{self.name}_p")
        return [self.p <= self.available]

    def injections(self):
        return [(self.index, self.p, np.zeros(self.model.periods))]

    def report(self):
        p = self._kw(self.p)
        return {"p_kw": p, "curtailed_kw": self._kw(self.available) - p}


class ScaledLoad(Device):
    """A load ``S * profile`` whose size S (kW) is a decision variable, or fixed (an EV charging station).

    ``profile`` (shape (T,)) is the load per kW of size, normally with peak 1;
    the reactive load is ``tan(acos(power_factor))`` times the active load.
    With ``fixed_kw`` given, S is fixed at that value; otherwise ``S >= 0`` is
    a variable (``size``, p.u.) that the objective can maximise.
    """

    def __init__(self, name: str, bus: int, profile, power_factor: float = 1.0, fixed_kw: float | None = None):
        super().__init__(name, bus)
        if not 0 < power_factor <= 1:
            raise ValueError(f"load {name!r}: power_factor must be in (0, 1]")
        self.profile = np.asarray(profile, dtype=np.float64)
        self.q_per_p = float(np.tan(np.arccos(power_factor)))
        self.fixed_kw = fixed_kw

    def _build(self, periods):
        profile = self._profile(self.profile, periods)
        if self.fixed_kw is None:
            self.size: cp.Variable | cp.Constant = cp.Variable(nonneg=True, name=f"{self.name}_size")
        else:
            self.size = cp.Constant(self.fixed_kw / self.s_base)
        self.p = -self.size * profile
        return []

    @property
    def size_kw(self) -> float:
        """Solved size S (kW)."""
        return float(self._kw(self.size))

    def injections(self):
        return [(self.index, self.p, self.q_per_p * self.p)]

    def report(self):
        return {"size_kw": np.atleast_1d(self._kw(self.size)), "p_kw": -self._kw(self.p)}
