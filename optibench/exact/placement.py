"""Binary placement of units on the buses of a :class:`~optibench.exact.model.BranchFlowModel`.

:class:`PlacedUnits` is a device whose sites are decision variables: units of
one or more groups go to distinct candidate buses, chosen by 0/1 variables,
so the branch-flow model becomes a mixed-integer program (a MISOCP with the
cone relaxation, solved by SCIP). A group's units are either fixed loads of
a given size (EV charging stations) or generators whose output is a
variable between 0 and a rating (renewable units, DGs). Per candidate bus
``b`` and group ``g``, with ``a[b, g]`` in {0, 1} and one period::

    sum_b a[b, g] = count_g                 (every unit of the group is placed)
    sum_g a[b, g] <= 1                      (at most one unit per bus)
    0 <= s[b, g] <= max_kw_g a[b, g]        (generators: output only where placed)
    injection at b: sum_g s[b, g]  (generators),  -sum_g load_kw_g a[b, g]  (loads)

and reactive injection ``q_per_p`` times the active one. The network the
model is built on is its branch set; switch states would be further binaries
on that model's branches.
"""

from __future__ import annotations

from collections.abc import Sequence

import cvxpy as cp
import numpy as np
from numpy.typing import ArrayLike

from .devices import Device


class PlacedUnits(Device):
    """Units of ``len(counts)`` groups on distinct buses of ``candidates``, sited by binaries (one period).

    Args:
        name: device name.
        candidates: 1-based buses a unit may go to (none the slack bus).
        counts: units per group, shape (G,).
        load_kw: fixed consumption of one unit of each group (kW), shape (G,);
            None makes every group generators sized by the model.
        max_kw: rating of one generator of each group (kW), scalar or shape (G,); only without ``load_kw``.
        q_per_p: reactive over active power of every unit (0: unity power factor).
    """

    def __init__(
        self,
        name: str,
        candidates: Sequence[int],
        counts: ArrayLike,
        load_kw: ArrayLike | None = None,
        max_kw: ArrayLike | None = None,
        q_per_p: float = 0.0,
    ) -> None:
        self.name = name
        self.candidates = [int(b) for b in candidates]
        self.counts = np.asarray(counts, dtype=np.int64)
        if self.counts.ndim != 1 or np.any(self.counts < 1) or self.counts.sum() > len(self.candidates):
            raise ValueError(
                f"placed units {name!r}: counts must be positive and at most {len(self.candidates)} "
                f"in all, got {self.counts.tolist()}"
            )
        if (load_kw is None) == (max_kw is None):
            raise ValueError(f"placed units {name!r}: give either load_kw (fixed loads) or max_kw (generators)")
        groups = (len(self.counts),)
        self.load_kw = None if load_kw is None else np.broadcast_to(np.asarray(load_kw, dtype=np.float64), groups)
        self.max_kw = None if max_kw is None else np.broadcast_to(np.asarray(max_kw, dtype=np.float64), groups)
        self.q_per_p = float(q_per_p)

    def attach(self, model) -> list:
        if model.periods != 1:
            raise ValueError(f"placed units {self.name!r}: the branch-flow model must have one period, got {model.periods}")
        self.model = model
        self.s_base = model.s_base_kva
        self.index = [model.bus_index(b) for b in self.candidates]
        shape = (len(self.candidates), len(self.counts))
        self.at = cp.Variable(shape, boolean=True, name=f"{self.name}_at")
        cons = [cp.sum(self.at, axis=0) == self.counts, cp.sum(self.at, axis=1) <= 1]
        if self.max_kw is None:
            self.p = -(self.at @ (self.load_kw / self.s_base))
            return cons
        self.size = cp.Variable(shape, nonneg=True, name=f"{self.name}_size")
        self.p = cp.sum(self.size, axis=1)
        return cons + [self.size <= cp.multiply(self.at, (self.max_kw / self.s_base)[None, :])]

    def injections(self) -> list[tuple]:
        p = [cp.reshape(self.p[row], (1,), order="C") for row in range(len(self.index))]
        return [(i, p_row, self.q_per_p * p_row) for i, p_row in zip(self.index, p)]

    def sites(self) -> list[list[int]]:
        """Solved buses of each group's units (1-based, ascending), one list per group."""
        placed = np.asarray(self.at.value) > 0.5
        return [[self.candidates[row] for row in np.flatnonzero(placed[:, g])] for g in range(len(self.counts))]

    def sizes_kw(self) -> list[list[float]]:
        """Solved output of each group's generators (kW), in the order of :meth:`sites`."""
        if self.max_kw is None:
            raise ValueError(f"placed units {self.name!r} are fixed loads; they have no sizes")
        placed = np.asarray(self.at.value) > 0.5
        size = self._kw(self.size)
        return [size[placed[:, g], g].tolist() for g in range(len(self.counts))]

    def report(self) -> dict[str, np.ndarray]:
        return {"p_kw": self._kw(self.p), "placed": np.asarray(self.at.value) > 0.5}
