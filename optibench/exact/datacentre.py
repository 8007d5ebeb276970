"""Data centres whose computing load moves in time and between centres (paper 001, eq. 4-6).

For centres k with base net load ``L0[k, t]`` (kW, shape (K, T)) the model
chooses the served load ``L[k, t] >= 0`` with::

    L[k, t] >= delta L0[k, t]                                   (base share that cannot move)
    sum_k sum_{t in w} L[k, t] = sum_k sum_{t in w} L0[k, t]    (energy kept within every shift window w)
    |L[k, t] - L[k, t-1]| <= beta max_t L0[k, t]                (ramp limit, inside each window)

Windows are consecutive blocks of ``window`` periods (the last may be
shorter), so with one typical day per 24 periods and a window dividing 24, no
energy moves between days. ``delta = 1`` fixes ``L = L0``. The load is drawn
at unity power factor (the paper's data-centre load is active power only).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .devices import Device


class DataCentres(Device):
    """Several data centres with shiftable load; ``buses`` 1-based, ``base_kw`` shape (K, T)."""

    def __init__(self, name: str, buses, base_kw, delta: float, beta: float, window: int):
        buses = [int(b) for b in buses]
        super().__init__(name, buses[0])
        self.buses = buses
        self.base_kw = np.asarray(base_kw, dtype=np.float64)
        if self.base_kw.ndim != 2 or len(self.base_kw) != len(buses) or (self.base_kw < 0).any():
            raise ValueError(f"{name!r}: base_kw must be non-negative with shape ({len(buses)}, T)")
        if not (0 <= delta <= 1 and beta >= 0 and window >= 1):
            raise ValueError(f"{name!r}: need 0 <= delta <= 1, beta >= 0 and window >= 1")
        self.delta, self.beta, self.window = float(delta), float(beta), int(window)

    def _build(self, periods):
        if self.base_kw.shape[1] != periods:
            raise ValueError(f"{self.name!r}: base_kw has {self.base_kw.shape[1]} periods, the model {periods}")
        self.indices = [self.model.bus_index(b) for b in self.buses]
        base = self.base_kw / self.s_base
        self.load = cp.Variable(base.shape, nonneg=True, name=f"{self.name}_load")
        cons = [self.load >= self.delta * base]
        ramp = self.beta * base.max(axis=1, keepdims=True)
        for start in range(0, periods, self.window):
            block = slice(start, min(start + self.window, periods))
            cons.append(cp.sum(self.load[:, block]) == base[:, block].sum())
            if block.stop - block.start > 1:
                cons.append(cp.abs(cp.diff(self.load[:, block], axis=1)) <= ramp)
        return cons

    def injections(self):
        zeros = np.zeros(self.model.periods)
        return [(index, -self.load[k], zeros) for k, index in enumerate(self.indices)]

    def report(self):
        load = self._kw(self.load)
        return {"load_kw": load, "shifted_kw": load - self.base_kw}
