"""The stored certified optima (and bounds) of problem instances.

They live in ``optibench/data/known_optima.json``, keyed by problem name and
then by the instance's parameters written canonically (sorted ``key=value``
pairs, defaults included), and are regenerated with ``optibench certify
PROBLEM --instance ... --store``. Each entry holds the instance itself and
the :class:`~optibench.problem.KnownOptimum` fields; the solution is written
as ``optibench evaluate --x`` takes it.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np

from .problem import KnownOptimum

STORE = Path(__file__).parent / "data" / "known_optima.json"
CONE_METHOD = "SOCP relaxation of the branch-flow model (Clarabel)"
"""The method named by optima taken from the cone program."""


def instance_key(instance: dict) -> str:
    """Canonical text of an instance: ``case=1,network=ieee69,...`` (sorted keys)."""
    return ",".join(f"{k}={_text(v)}" for k, v in sorted(instance.items()))


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(_text(v) for v in value) + "]"
    return str(value)


def lookup(problem: str, instance: dict) -> KnownOptimum | None:
    """The stored optimum of ``problem`` at ``instance``, or None."""
    if not STORE.is_file():
        return None
    entry = json.loads(STORE.read_text()).get(problem, {}).get(instance_key(instance))
    if entry is None:
        return None
    return KnownOptimum(**{k: v for k, v in entry.items() if k != "instance"})


def stored_entries() -> list[tuple[str, dict, KnownOptimum]]:
    """Every stored optimum as (problem, instance, optimum)."""
    data = json.loads(STORE.read_text()) if STORE.is_file() else {}
    return [
        (problem, entry["instance"], KnownOptimum(**{k: v for k, v in entry.items() if k != "instance"}))
        for problem, entries in data.items()
        for entry in entries.values()
    ]


def store(problem: str, instance: dict, optimum: KnownOptimum) -> None:
    """Add or replace the stored optimum of ``problem`` at ``instance`` (atomic rewrite of the file)."""
    data = json.loads(STORE.read_text()) if STORE.is_file() else {}
    data.setdefault(problem, {})[instance_key(instance)] = {"instance": instance, **vars(optimum)}
    tmp = STORE.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    tmp.replace(STORE)


def exact_optimum(problem, summary: dict, solution, method: str, is_bound: bool) -> KnownOptimum:
    """The known optimum that an exact method's solution gives ``problem`` (computed today).

    Args:
        problem: the :class:`~optibench.problem.Problem` instance it belongs to.
        summary: the exact solve's ``status`` and ``objective`` (as in
            :meth:`optibench.exact.model.Solution.summary`); a status other
            than optimal raises.
        solution: a callable returning the solution in the problem's own
            terms, shape (n_var,); called only when solved, clipped to the box.
        method: how it was solved (e.g. ``"SOCP relaxation of the branch-flow model (Clarabel)"``).
        is_bound: the value is only a bound (a relaxation that is not exact).
    """
    if summary["status"] not in ("optimal", "optimal_inaccurate"):
        raise RuntimeError(f"{problem.name} {problem.instance}: {method} returned {summary['status']}")
    return KnownOptimum(
        value=summary["objective"],
        solution=np.clip(np.ravel(solution()), problem.xl, problem.xu).tolist(),
        method=method,
        is_bound=is_bound,
        computed=date.today().isoformat(),
    )
