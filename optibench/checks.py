"""Value rules shared by optimizer parameters and problem instances.

A :class:`Rule` checks one value and returns it normalised (a Python
``int`` for an integer, a ``float`` for a real number), so that equal
settings have equal records: ``a1 = 2`` and ``a1 = 2.0`` are the same
parameter. A bad value raises ``ValueError`` naming its owner and key::

    algorithm 'eo': pop_size must be an integer >= 1, got '50' (str)

Booleans are not numbers here (``pop_size = true`` is refused), and a real
number must be finite. Rules are built with :func:`integer`, :func:`integers`,
:func:`real`, :func:`boolean`, :func:`choice` and :func:`text`;
:func:`check_values` applies a dict of them to a dict of values, and
:func:`check_instance` does so for a problem's instance parameters.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Rule:
    """What one value may be.

    Attributes:
        kind: ``"integer"``, ``"integers"`` (a non-empty list of them), ``"real"``,
            ``"boolean"``, ``"choice"``, ``"text"`` (non-empty) or ``"string"`` (any).
        low, high: inclusive bounds of a number (of each number of a list), or None.
        above, below: exclusive bounds of a number, or None.
        choices: the allowed values of a ``"choice"``.
        optional: None is allowed as well.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    above: float | None = None
    below: float | None = None
    choices: tuple[Any, ...] = ()
    optional: bool = False

    def __call__(self, owner: str, key: str, value: Any) -> Any:
        """``value`` normalised, or a ValueError ``"<owner>: <key> must be ..., got ..."``."""
        if value is None and self.optional:
            return None
        normalised = self._normalise(value)
        if normalised is None or not self._in_range(normalised):
            raise ValueError(f"{owner}: {key} must be {self.describe()}, got {value!r} ({type(value).__name__})")
        return normalised

    def _normalise(self, value: Any) -> Any:
        """The value in its canonical type, or None when its type is wrong."""
        if self.kind == "boolean":
            return value if isinstance(value, bool) else None
        if self.kind in ("text", "string"):
            return value if isinstance(value, str) and (value or self.kind == "string") else None
        if self.kind == "choice":
            return next((c for c in self.choices if _same_kind(value, c) and value == c), None)
        if self.kind == "integers":
            items = list(value) if isinstance(value, (list, tuple, np.ndarray)) else []
            whole = items and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in items)
            return [int(v) for v in items] if whole else None
        if isinstance(value, bool):
            return None
        if self.kind == "integer":
            return int(value) if isinstance(value, numbers.Integral) else None
        if isinstance(value, numbers.Real) and math.isfinite(value):
            return float(value)
        return None

    def _in_range(self, value: Any) -> bool:
        if self.kind == "integers":
            return all(self._bounded(v) for v in value)
        if self.kind not in ("integer", "real"):
            return True
        return self._bounded(value)

    def _bounded(self, value: float) -> bool:
        return not (
            (self.low is not None and value < self.low)
            or (self.high is not None and value > self.high)
            or (self.above is not None and value <= self.above)
            or (self.below is not None and value >= self.below)
        )

    def describe(self) -> str:
        """The rule in words, e.g. ``"an integer >= 1"`` or ``"a finite number >= 0 and <= 1"``."""
        if self.kind == "boolean":
            text = "true or false"
        elif self.kind in ("text", "string"):
            text = "a non-empty string" if self.kind == "text" else "a string"
        elif self.kind == "choice":
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        else:
            text = {"integer": "an integer", "integers": "a list of integers", "real": "a finite number"}[self.kind]
            limits = [
                f">= {_num(self.low)}" if self.low is not None else "",
                f"> {_num(self.above)}" if self.above is not None else "",
                f"<= {_num(self.high)}" if self.high is not None else "",
                f"< {_num(self.below)}" if self.below is not None else "",
            ]
            limits = [limit for limit in limits if limit]
            if limits:
                text += " " + " and ".join(limits)
        return text + (" (or none)" if self.optional else "")


def _same_kind(value: Any, allowed: Any) -> bool:
    """``value`` may stand for ``allowed``: any integer for an int, any real for a float, else the same type."""
    if isinstance(value, bool) or isinstance(allowed, bool):
        return isinstance(value, bool) and isinstance(allowed, bool)
    if isinstance(allowed, numbers.Integral):
        return isinstance(value, numbers.Integral)
    if isinstance(allowed, numbers.Real):
        return isinstance(value, numbers.Real)
    return type(value) is type(allowed)


def _num(x: float) -> str:
    return f"{x:g}"


def integer(low: int | None = None, high: int | None = None, *, optional: bool = False) -> Rule:
    """An integer in ``[low, high]`` (either bound may be None)."""
    return Rule("integer", low=low, high=high, optional=optional)


def integers(low: int | None = None, high: int | None = None, *, optional: bool = False) -> Rule:
    """A non-empty list of integers, each in ``[low, high]``; normalised to a list of ``int``."""
    return Rule("integers", low=low, high=high, optional=optional)


def real(
    low: float | None = None,
    high: float | None = None,
    *,
    above: float | None = None,
    below: float | None = None,
    optional: bool = False,
) -> Rule:
    """A finite number in ``[low, high]``, and ``> above``, ``< below`` where given; ints are accepted."""
    return Rule("real", low=low, high=high, above=above, below=below, optional=optional)


def boolean(*, optional: bool = False) -> Rule:
    """``True`` or ``False`` (not 0 or 1)."""
    return Rule("boolean", optional=optional)


def choice(*choices: Any, optional: bool = False) -> Rule:
    """One of ``choices``, of the same type (``1`` is not ``True``, ``"1"`` is not ``1``)."""
    return Rule("choice", choices=tuple(choices), optional=optional)


def text(*, empty: bool = False, optional: bool = False) -> Rule:
    """A string, non-empty unless ``empty``."""
    return Rule("string" if empty else "text", optional=optional)


def check_values(owner: str, rules: Mapping[str, Rule], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every key that has a rule checked and normalised; other keys pass unchanged.

    Raises ValueError naming ``owner`` (e.g. ``"problem 'dg-placement'"``) and the key.
    """
    return {key: rules[key](owner, key, value) if key in rules else value for key, value in values.items()}


def check_instance(problem: object, rules: Mapping[str, Rule], **values: Any) -> dict[str, Any]:
    """:func:`check_values` for the instance parameters of ``problem``, named in errors by its registry name.

    The registry sets ``name`` on the class it loads; a class used without the registry is named by its own name.
    """
    cls = type(problem)
    return check_values(f"problem {vars(cls).get('name', cls.__name__)!r}", rules, values)
