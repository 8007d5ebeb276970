"""Decision variables and the one rule that maps the search box onto them.

Every algorithm searches the continuous box ``[xl, xu]``; decoding is the
same for all of them:

* :class:`Real` ``[low, high]``: clipped to the bounds.
* :class:`Integer` ``low..high``: box ``[low - 0.5, high + 0.5]``, rounded to
  the nearest integer (so every value has an interval of equal width), then
  clipped.
* :class:`Distinct` (``k`` distinct values out of ``choices``, e.g. buses for
  stations that may not share a bus): ``k`` coordinates in ``[0, m]`` for
  ``m`` choices; coordinate ``c`` selects ``choices[min(floor(c), m - 1)]``.
  Duplicates are repaired left to right: a coordinate whose choice is taken
  moves to the nearest free index, looking one step up, then one down, then
  two up, and so on.

Non-finite points are refused, not repaired: :meth:`VariableSpace.decode`
raises ``ValueError`` when a coordinate is NaN or infinite, naming the
variable and the rows, before anything is rounded or indexed (a NaN has no
nearest integer or bus, and the Numba decoder would index memory with it).
Clipping a NaN to a bound instead would hide the fault and bias a search
towards that bound. The message starts with "non-finite point" and names no
caller: whoever handed the points over says who it is
(:func:`optibench.minimize` checks each population first and names the
optimizer that asked for it; :meth:`encode` refuses a NaN as no valid
choice), so this check is the last guard for any other caller of
``Problem.evaluate``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class Real:
    """A continuous variable in ``[low, high]`` (units named by the problem)."""

    name: str
    low: float
    high: float

    @property
    def size(self) -> int:
        return 1

    def box(self) -> tuple[list[float], list[float]]:
        return [self.low], [self.high]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "type": "real", "low": self.low, "high": self.high}


@dataclass(frozen=True)
class Integer:
    """An integer variable in ``low..high``."""

    name: str
    low: int
    high: int

    @property
    def size(self) -> int:
        return 1

    def box(self) -> tuple[list[float], list[float]]:
        return [self.low - 0.5], [self.high + 0.5]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "type": "integer", "low": self.low, "high": self.high}


@dataclass(frozen=True)
class Distinct:
    """``k`` distinct values chosen from ``choices`` (e.g. 1-based bus numbers)."""

    name: str
    k: int
    choices: tuple[Any, ...]

    def __post_init__(self) -> None:
        if not 1 <= self.k <= len(self.choices):
            raise ValueError(f"variable {self.name!r}: cannot choose {self.k} distinct values out of {len(self.choices)}")

    @property
    def size(self) -> int:
        return self.k

    def box(self) -> tuple[list[float], list[float]]:
        m = len(self.choices)
        return [0.0] * self.k, [float(m)] * self.k

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "type": "distinct", "k": self.k, "choices": list(self.choices)}


Variable = Real | Integer | Distinct
"""One variable of a :class:`VariableSpace`."""


class VariableSpace:
    """An ordered list of variables laid out side by side in the search box.

    Attributes:
        variables: the variables, in column order.
        xl, xu: bounds of the search box, shape (n_var,).
        slices: column slice of each variable, by name.
    """

    def __init__(self, variables: Iterable[Variable]) -> None:
        self.variables = list(variables)
        lows: list[float] = []
        highs: list[float] = []
        self.slices: dict[str, slice] = {}
        for var in self.variables:
            if var.name in self.slices:
                raise ValueError(f"variable name {var.name!r} is used twice")
            lo, hi = var.box()
            self.slices[var.name] = slice(len(lows), len(lows) + var.size)
            lows += lo
            highs += hi
        self.xl = np.asarray(lows, dtype=np.float64)
        self.xu = np.asarray(highs, dtype=np.float64)
        self.xl.setflags(write=False)
        self.xu.setflags(write=False)
        # the values of each Distinct variable's choices as float64 (m,), made once for decode
        self._choice_values = {
            var.name: np.asarray(var.choices, dtype=np.float64) for var in self.variables if isinstance(var, Distinct)
        }

    @property
    def n_var(self) -> int:
        return len(self.xl)

    def decode(self, X: np.ndarray) -> np.ndarray:
        """Map box points ``X`` (pop, n_var) to variable values (pop, n_var), float64.

        Distinct columns hold the chosen values themselves (e.g. bus numbers).
        Raises ValueError for a wrong shape, or a NaN / inf coordinate (naming its variable).
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_var:
            raise ValueError(f"points to decode must have shape (pop, {self.n_var}); got {X.shape}")
        if not np.isfinite(X).all():
            raise self._non_finite(X)
        Z = np.clip(X, self.xl, self.xu)
        for var in self.variables:
            cols = self.slices[var.name]
            if isinstance(var, Integer):
                Z[:, cols] = np.clip(np.rint(Z[:, cols]), var.low, var.high)
            elif isinstance(var, Distinct):
                index = _distinct_indices(np.ascontiguousarray(Z[:, cols]), len(var.choices))
                Z[:, cols] = self._choice_values[var.name][index]
        return Z

    def _non_finite(self, X: np.ndarray) -> ValueError:
        """The error for points ``X`` (pop, n_var) with NaN or inf: the first such variable and its rows."""
        bad = ~np.isfinite(X)
        var = next(v for v in self.variables if bad[:, self.slices[v.name]].any())
        cols = self.slices[var.name]
        rows = np.flatnonzero(bad[:, cols].any(axis=1))
        values = sorted({repr(float(x)) for x in X[:, cols][bad[:, cols]]})
        return ValueError(
            f"non-finite point: variable {var.name!r} is {' / '.join(values)} in {len(rows)} of {len(X)} point(s) "
            f"(rows {rows[:5].tolist()}{' ...' if len(rows) > 5 else ''}); decision values must be finite"
        )

    def encode(self, values: ArrayLike) -> np.ndarray:
        """A box point (n_var,) that decodes to ``values`` (n_var,): for Distinct, choice value -> index + 0.5."""
        x = np.asarray(values, dtype=np.float64).copy()
        for var in self.variables:
            if isinstance(var, Distinct):
                cols = self.slices[var.name]
                lookup = {c: i for i, c in enumerate(var.choices)}
                try:
                    x[cols] = [lookup[v] + 0.5 for v in x[cols].tolist()]
                except KeyError as exc:
                    raise ValueError(f"variable {var.name!r}: {exc.args[0]!r} is not one of its choices") from None
        return x

    def describe(self) -> list[dict[str, Any]]:
        return [var.describe() for var in self.variables]


@njit(cache=True)
def _distinct_indices(C: np.ndarray, m: int) -> np.ndarray:
    """Indices (pop, k) int64 of distinct choices for coordinates C (pop, k) in [0, m]."""
    pop, k = C.shape
    out = np.empty((pop, k), dtype=np.int64)
    taken = np.zeros(m, dtype=np.bool_)
    for row in range(pop):
        taken[:] = False
        for j in range(k):
            idx = min(int(np.floor(C[row, j])), m - 1)
            if taken[idx]:
                step = 1
                while True:
                    if idx + step < m and not taken[idx + step]:
                        idx = idx + step
                        break
                    if idx - step >= 0 and not taken[idx - step]:
                        idx = idx - step
                        break
                    step += 1
            taken[idx] = True
            out[row, j] = idx
    return out
