"""Soft open point (SOP): a back-to-back converter on a normally open tie line.

Model of Cao et al., "Benefits analysis of Soft Open Points for electrical
distribution network operation", Applied Energy 165 (2016) 36-47, eq. (1)-(4),
and of paper 001 eq. (1)-(3). At the tie line's ends ``i`` and ``j`` the
converter injects ``P_i, Q_i`` and ``P_j, Q_j`` (p.u., generation positive,
shape (T,)) with::

    P_i + P_j + A (S_i + S_j) = 0         (active power passes through, minus the converter loss)
    sqrt(P_i^2 + Q_i^2) <= S_i <= rating   (and the same at j)

``A`` is the converter loss coefficient (0 for a lossless SOP); the reactive
powers are independent. In the cone program the magnitude bound is a
second-order cone; in LinDistFlow it is the regular polygon of
:data:`~optibench.exact.model.POLYGON_SIDES` sides inscribed in the circle, so
the linear model never exceeds the rating (and over-reads the converter loss
by at most a factor ``1 / cos(pi / sides)``).

With ``installable`` the SOP is a planning decision (paper 001): a binary
``installed`` and a capacity ``capacity`` (p.u., ``0 <= capacity <= rating
installed``) that bounds both ends; the rating is then the largest capacity
that may be built. ``sizes`` (kVA) restricts that capacity to one of a set of
unit sizes (a binary per size, at most one chosen).

With ``box`` the ends are limited as paper 001's eq. (2)-(3) state:
``|P| <= rating`` and ``|Q| <= rating`` separately, four rows per end and
period instead of the polygon's sides (lossless SOPs only).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .devices import Device
from .model import magnitude_at_most


class SoftOpenPoint(Device):
    """An SOP between 1-based buses ``bus`` (end i) and ``bus_j`` (end j).

    Args:
        name: device name.
        bus, bus_j: the tie line's two ends (1-based, neither the substation).
        rating_kva: converter rating at each end (kVA); None for no limit
            (not allowed with ``installable``).
        loss_coefficient: A, converter loss per kVA passing each end (0 <= A < 1).
        installable: make installation (binary) and capacity (kVA) decisions.
        box: limit |P| and |Q| of each end separately (paper 001, eq. 2-3) instead of |P + jQ|.
        sizes: with ``installable``, the capacities (kVA, each in (0, rating_kva]) that may be built.
    """

    def __init__(
        self,
        name: str,
        bus: int,
        bus_j: int,
        rating_kva: float | None = None,
        loss_coefficient: float = 0.0,
        installable: bool = False,
        box: bool = False,
        sizes=None,
    ):
        super().__init__(name, bus)
        if rating_kva is not None and not rating_kva >= 0:
            raise ValueError(f"SOP {name!r}: rating_kva must be non-negative or None")
        if installable and rating_kva is None:
            raise ValueError(f"SOP {name!r}: an installable SOP needs a rating_kva (the largest capacity)")
        if not 0 <= loss_coefficient < 1:
            raise ValueError(f"SOP {name!r}: loss_coefficient must be in [0, 1), got {loss_coefficient}")
        if int(bus_j) == int(bus):
            raise ValueError(f"SOP {name!r}: its two ends must be different buses")
        if box and loss_coefficient != 0:
            raise ValueError(f"SOP {name!r}: box limits are for lossless SOPs (loss_coefficient 0)")
        if sizes is not None:
            sizes = [float(v) for v in sizes]
            if not installable or not sizes or not all(0 < v <= rating_kva for v in sizes):
                raise ValueError(f"SOP {name!r}: sizes need installable and values in (0, rating_kva={rating_kva}], got {sizes}")
        self.box, self.sizes = box, sizes
        self.bus_j = int(bus_j)
        self.rating_kva = None if rating_kva is None else float(rating_kva)
        self.loss_coefficient = float(loss_coefficient)
        self.installable = installable

    def _build(self, periods):
        model = self.model
        self.index_j = model.bus_index(self.bus_j)
        self.p = cp.Variable((2, periods), name=f"{self.name}_p")
        self.q = cp.Variable((2, periods), name=f"{self.name}_q")
        if self.box:
            self.s: cp.Expression = cp.maximum(cp.abs(self.p), cp.abs(self.q))
            cons = [cp.sum(self.p, axis=0) == 0]
        else:
            self.s = cp.Variable((2, periods), nonneg=True, name=f"{self.name}_s")
            cons = [cp.sum(self.p, axis=0) + self.loss_coefficient * cp.sum(self.s, axis=0) == 0]
            for end in range(2):
                cons += magnitude_at_most(self.p[end], self.q[end], self.s[end], model.relaxation == "socp")
        limit = None
        if self.installable:
            self.installed = cp.Variable(boolean=True, name=f"{self.name}_installed")
            if self.sizes is None:
                self.capacity = cp.Variable(nonneg=True, name=f"{self.name}_capacity")
                cons.append(self.capacity <= self.rating_kva / self.s_base * self.installed)
            else:
                self.size_choice = cp.Variable(len(self.sizes), boolean=True, name=f"{self.name}_size")
                self.capacity = np.array(self.sizes) / self.s_base @ self.size_choice
                cons.append(cp.sum(self.size_choice) == self.installed)
            limit = self.capacity
        elif self.rating_kva is not None:
            limit = self.rating_kva / self.s_base
        if limit is not None:
            cons += [cp.abs(self.p) <= limit, cp.abs(self.q) <= limit] if self.box else [self.s <= limit]
        return cons

    def injections(self):
        return [(self.index, self.p[0], self.q[0]), (self.index_j, self.p[1], self.q[1])]

    @property
    def transfer(self) -> cp.Expression:
        """Active power carried from end j to end i, |P_i| (p.u.), shape (T,); for the operation cost."""
        return cp.abs(self.p[0])

    def report(self):
        p, q = self._kw(self.p), self._kw(self.q)
        apparent = np.hypot(p, q)
        report = {
            "p_i_kw": p[0],
            "q_i_kvar": q[0],
            "p_j_kw": p[1],
            "q_j_kvar": q[1],
            "s_i_kva": apparent[0],
            "s_j_kva": apparent[1],
            "converter_loss_kw": self.loss_coefficient * apparent.sum(axis=0),
        }
        if self.installable:
            report["installed"] = np.atleast_1d(float(np.round(np.asarray(self.installed.value))))
            report["capacity_kva"] = np.atleast_1d(self._kw(self.capacity))
        return report
