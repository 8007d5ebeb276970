"""Where the time of an optimisation run goes: a per-evaluation profile of ``optibench.minimize``.

:func:`profile_run` times one run with the problem's and the optimizer's
methods wrapped by a timer (instance attributes, so the classes stay
untouched and a second run is plain again) and splits the wall time into
:data:`PARTS`, in microseconds per evaluation:

* ``power flow``: ``solve_batch`` (the sweep kernel and its checks), i.e. a
  feeder problem's ``power_flow`` less its ``judge``;
* ``decode``: ``space.decode`` (clipping, rounding, distinct-choice repair);
* ``injections``: building the per-candidate loads (``injections``);
* ``constraints``: the rest of ``Problem.evaluate`` (``judge``: objective and
  constraint columns, the diagnostics, the :class:`~optibench.problem.Evaluation`);
* ``loop``: ``minimize``'s own work (population checks, budget, best-so-far
  and history, the result);
* ``algorithm``: the optimizer's ``setup``, ``ask`` and ``tell``.

The parts add up to the run's wall time (the timer's own calls, a few per
population, fall into ``loop``). A problem without ``injections`` and
``power_flow`` (no feeder) has its whole ``evaluate`` less ``decode`` in
``constraints``. :func:`profile_evaluate` gives the same problem-side split
for a run whose loop is another library's: everything outside
``Problem.evaluate`` is then that library's (``algorithm``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

PARTS = ("power flow", "decode", "injections", "constraints", "loop", "algorithm")
"""The parts of a run's wall time, in the order of the profile table."""

_WRAPPED = {
    "problem": ("evaluate", "injections", "power_flow", "judge"),
    "space": ("decode",),
    "optimizer": ("setup", "ask", "tell"),
}
"""Methods timed, by the object that owns them (a missing one is skipped)."""


@contextmanager
def timed_methods(objects: dict[str, Any]) -> Iterator[dict[str, float]]:
    """Wrap the methods of :data:`_WRAPPED` on ``objects`` (role -> object); yields seconds spent per ``role.method``.

    The wrappers are instance attributes, removed on exit.
    """
    totals: dict[str, float] = {}
    wrapped: list[tuple[Any, str]] = []
    for role, obj in objects.items():
        for name in _WRAPPED[role]:
            method = getattr(obj, name, None)
            if method is None or name in vars(obj):
                continue
            key = f"{role}.{name}"
            totals[key] = 0.0
            setattr(obj, name, _timer(method, totals, key))
            wrapped.append((obj, name))
    try:
        yield totals
    finally:
        for obj, name in wrapped:
            delattr(obj, name)


def _timer(method: Callable[..., Any], totals: dict[str, float], key: str) -> Callable[..., Any]:
    """``method`` adding its wall time (s) to ``totals[key]`` on every call."""
    perf_counter = time.perf_counter

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            totals[key] += perf_counter() - start

    return timed


def problem_parts(totals: dict[str, float]) -> dict[str, float]:
    """The problem-side parts (s) from the totals of :func:`timed_methods`: power flow, decode, injections, constraints."""
    kernel = totals.get("problem.power_flow", 0.0) - totals.get("problem.judge", 0.0)
    decode = totals.get("space.decode", 0.0)
    injections = totals.get("problem.injections", 0.0)
    return {
        "power flow": kernel,
        "decode": decode,
        "injections": injections,
        "constraints": totals["problem.evaluate"] - kernel - decode - injections,
    }


def profile_run(problem: Any, optimizer: Any, run: Callable[[], int]) -> dict[str, float]:
    """Microseconds per evaluation of each part of :data:`PARTS`, their sum (``total``) and ``evals``.

    ``run()`` performs one ``optibench.minimize`` of ``optimizer`` on
    ``problem`` and returns the evaluations it spent.
    """
    with timed_methods({"problem": problem, "space": problem.space, "optimizer": optimizer}) as totals:
        start = time.perf_counter()
        evals = run()
        wall = time.perf_counter() - start
    parts = problem_parts(totals)
    parts["algorithm"] = totals["optimizer.setup"] + totals["optimizer.ask"] + totals["optimizer.tell"]
    parts["loop"] = wall - totals["problem.evaluate"] - parts["algorithm"]
    return _per_evaluation(parts, wall, evals)


def profile_evaluate(problem: Any, run: Callable[[], int]) -> dict[str, float]:
    """As :func:`profile_run` for a run whose loop belongs to another library: all outside ``evaluate`` is ``algorithm``."""
    with timed_methods({"problem": problem, "space": problem.space}) as totals:
        start = time.perf_counter()
        evals = run()
        wall = time.perf_counter() - start
    parts = problem_parts(totals)
    parts["loop"] = 0.0
    parts["algorithm"] = wall - totals["problem.evaluate"]
    return _per_evaluation(parts, wall, evals)


def _per_evaluation(parts: dict[str, float], wall: float, evals: int) -> dict[str, float]:
    """Seconds per part and the wall time -> microseconds per evaluation, in :data:`PARTS` order, plus ``total`` and ``evals``."""
    return {**{part: 1e6 * parts[part] / evals for part in PARTS}, "total": 1e6 * wall / evals, "evals": evals}
